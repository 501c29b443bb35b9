package io.fieldhub.simulator.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SummaryJsonTest {

    private static Summary summary(long acked, Map<String, Long> errors) {
        return summary(acked, errors, 0);
    }

    private static Summary summary(long acked, Map<String, Long> errors, long givenUp) {
        long errorCount = errors.values().stream().mapToLong(Long::longValue).sum();
        return new Summary(
                "ab12cd",
                "tcp://localhost:1883",
                100,
                8,
                "json",
                1,
                50,
                1000,
                acked,
                errorCount,
                errors,
                11,
                1764151200000L,
                1764151220000L,
                20.0,
                new Latency(0.5, 1.25, 3.0, 12.5),
                0.4,
                givenUp,
                givenUp > 0 ? 3 : 0,
                givenUp > 0 ? 50 : 0);
    }

    @Test
    void carriesEveryCountTheBenchmarkReads() throws Exception {
        JsonNode json = new ObjectMapper().readTree(SummaryJson.format(summary(1000, Map.of())));

        assertThat(json.get("runId").textValue()).isEqualTo("ab12cd");
        assertThat(json.get("sent").longValue()).isEqualTo(1000);
        assertThat(json.get("acked").longValue()).isEqualTo(1000);
        assertThat(json.get("errors").longValue()).isZero();
        assertThat(json.get("errorsByReason").size()).isZero();
        assertThat(json.get("unacknowledged").longValue()).isZero();
        assertThat(json.get("hot").longValue()).isEqualTo(11);
        assertThat(json.get("elapsedSeconds").doubleValue()).isEqualTo(20.0);
        assertThat(json.get("ackedRate").doubleValue()).isEqualTo(50.0);
        assertThat(json.get("connectRate").doubleValue())
                .as("8 connections in 0.4 s")
                .isEqualTo(20.0);
        assertThat(json.get("targetRate").doubleValue()).isEqualTo(50.0);
        assertThat(json.get("startedAt").longValue()).isEqualTo(1764151200000L);
        assertThat(json.get("latencyMs").get("p99").doubleValue()).isEqualTo(3.0);
        assertThat(json.get("givenUp").longValue()).isZero();
        assertThat(json.get("reconnects").longValue()).isZero();
        assertThat(json.get("resends").longValue()).isZero();
    }

    @Test
    void countsWhatWasGivenUpApartFromWhatIsStillUnacknowledged() throws Exception {
        Summary afterAnOutage = summary(900, Map.of(), 80);

        JsonNode json = new ObjectMapper().readTree(SummaryJson.format(afterAnOutage));

        assertThat(json.get("givenUp").longValue()).isEqualTo(80);
        assertThat(json.get("unacknowledged").longValue()).isEqualTo(20);
        assertThat(json.get("reconnects").longValue()).isEqualTo(3);
        assertThat(json.get("resends").longValue()).isEqualTo(50);
        assertThat(afterAnOutage.clean()).isFalse();
        assertThat(SummaryText.format(afterAnOutage))
                .contains("given up         80")
                .contains("unacknowledged   20")
                .contains("reconnects       3")
                .contains("resends          50");
    }

    @Test
    void countsErrorsByReason() throws Exception {
        Summary withErrors = summary(990, Map.of("QUOTA_EXCEEDED", 7L, "NOT_AUTHORIZED", 3L));

        JsonNode json = new ObjectMapper().readTree(SummaryJson.format(withErrors));

        assertThat(json.get("errors").longValue()).isEqualTo(10);
        assertThat(json.get("errorsByReason").get("QUOTA_EXCEEDED").longValue()).isEqualTo(7);
        assertThat(withErrors.clean()).isFalse();
        assertThat(SummaryText.format(withErrors)).contains("QUOTA_EXCEEDED").contains("errors           10");
    }
}
