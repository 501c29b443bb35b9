package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A device over its rate is refused at the edge, PUBACK 0x97 (quota exceeded) or HTTP 429, and nothing it was refused
 * is stored; the device beside it goes on as before.
 */
class QuotaIT {

    static final int RATE = 5;
    static final int BURST = 10;
    static final Duration DEADLINE = Duration.ofSeconds(30);

    static RunningHub hub;

    @BeforeAll
    static void start() {
        hub = RunningHub.dedicated(
                "--hub.ingest.quota.messages-per-second=" + RATE, "--hub.ingest.quota.burst=" + BURST);
    }

    @AfterAll
    static void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void aFloodingDeviceGets0x97ForWhatIsOverItsRateAndItsNeighbourIsNotTouched() throws Exception {
        String flooder = Device.uniqueId("flood");
        String neighbour = Device.uniqueId("calm");
        List<String> accepted = new ArrayList<>();
        int refused = 0;
        try (var flooding = new Device(hub, flooder);
                var calm = new Device(hub, neighbour)) {
            // as fast as PUBACKs come back, until the quota has refused a few (on a slow machine that takes longer)
            for (int i = 0; i < 400 && refused < 5; i++) {
                int[] codes = flooding.publishJson("{\"metrics\":{\"t\":" + i + "}}", flooder + "-" + i);
                if (codes[0] == 0) {
                    accepted.add(flooder + "-" + i);
                } else {
                    assertThat(codes).as("PUBACK of message " + i).containsExactly(0x97);
                    refused++;
                }
            }
            for (int i = 0; i < 3; i++) {
                assertThat(calm.publishJson("{\"metrics\":{\"t\":1}}", neighbour + "-" + i))
                        .containsExactly(0);
            }
        }

        assertThat(refused).isEqualTo(5);
        assertThat(accepted.size()).isGreaterThanOrEqualTo(BURST);
        var observed = new Observed(hub);
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(observed.rows(flooder))
                        .extracting(r -> (String) r.get("message_id"))
                        .containsExactlyInAnyOrderElementsOf(accepted));
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(observed.rows(neighbour)).hasSize(3));
        assertThat(observed.deadLetters(flooder)).isEmpty();
    }

    @Test
    void overHttpTheExcessGets429WithRetryAfter() throws Exception {
        String device = Device.uniqueId("flood");
        var http = HttpClient.newHttpClient();
        List<Integer> statuses = new ArrayList<>();
        HttpResponse<String> last = null;
        for (int i = 0; i < 400 && !statuses.contains(429); i++) {
            last = http.send(
                    HttpRequest.newBuilder(URI.create(hub.httpUrl("/api/devices/" + device + "/telemetry")))
                            .header("Content-Type", "application/json")
                            .header("Authorization", TestFleet.basic(device))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"metrics\":{\"t\":1}}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            statuses.add(last.statusCode());
        }

        assertThat(statuses).contains(202, 429).containsOnly(202, 429);
        assertThat(last.statusCode()).isEqualTo(429);
        assertThat(last.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(last.body()).contains("hub.ingest.quota");
        long stored = statuses.stream().filter(s -> s == 202).count();
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(new Observed(hub).rows(device)).hasSize((int) stored));
    }
}
