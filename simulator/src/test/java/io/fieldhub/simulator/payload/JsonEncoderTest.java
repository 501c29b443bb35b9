package io.fieldhub.simulator.payload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.telemetry.TelemetryRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JsonEncoderTest {

    private final JsonEncoder encoder = new JsonEncoder();

    @Test
    void writesTsMetricsAndSiteTag() {
        byte[] json = encoder.encode(new Reading(1764151200123L, 815, 1200, 325), "plant-3");

        assertThat(new String(json, StandardCharsets.UTF_8))
                .isEqualTo("{\"ts\":1764151200123,\"metrics\":"
                        + "{\"temperature\":81.5,\"rpm\":1200,\"oilPressure\":3.25},\"tags\":{\"site\":\"plant-3\"}}");
    }

    @Test
    void isValidJsonWithNumbersWhereTheHubExpectsThem() throws Exception {
        JsonNode node = new ObjectMapper().readTree(encoder.encode(new Reading(1L, 600, 800, 207), "plant-1"));

        assertThat(node.fieldNames()).toIterable().containsExactly("ts", "metrics", "tags");
        assertThat(node.get("ts").isIntegralNumber()).isTrue();
        assertThat(node.get("metrics").fieldNames()).toIterable().containsExactly("temperature", "rpm", "oilPressure");
        assertThat(node.get("metrics").get("temperature").doubleValue()).isEqualTo(60.0);
        assertThat(node.get("metrics").get("oilPressure").doubleValue()).isEqualTo(2.07);
        assertThat(node.get("tags").get("site").textValue()).isEqualTo("plant-1");
    }

    @Test
    void theHubDecodesItWithTheSendTimeAsDeviceTime() {
        long ts = 1764151200123L;

        TelemetryRecord record = HubCodecs.decode(encoder, encoder.encode(new Reading(ts, 955, 1200, 325), "p-2"));

        assertThat(record.ts()).isEqualTo(Instant.ofEpochMilli(ts));
        assertThat(record.metric("temperature")).isEqualTo(95.5);
        assertThat(record.metric("oilPressure")).isEqualTo(3.25);
        assertThat(record.tags()).containsEntry("site", "p-2");
        assertThat(encoder.contentType()).isEqualTo("application/json");
    }
}
