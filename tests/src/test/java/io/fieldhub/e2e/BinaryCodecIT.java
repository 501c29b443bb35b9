package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/** Binary engine-v1 frames, chosen by the MQTT 5 content type or the HTTP Content-Type, become canonical records. */
class BinaryCodecIT {

    static final Duration DEADLINE = Duration.ofSeconds(30);

    final RunningHub hub = RunningHub.shared();
    final Observed observed = new Observed(hub);

    @Test
    void aFrameOverMqttIsDecodedStoredArchivedAndAlertedOn() throws Exception {
        String id = Device.uniqueId("pump"); // not engine-*: the layout's type tag makes it an engine
        Instant ts = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(5);
        try (var device = new Device(hub, id)) {
            assertThat(device.publish(Frames.engineV1(ts, 96.4, 2400, 3.25), Frames.ENGINE_V1, null))
                    .containsExactly(0);
        }
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(observed.rows(id)).hasSize(1));
        var archived = await().atMost(DEADLINE)
                .until(() -> observed.archived(id), r -> r.size() == 1)
                .get(0);
        assertThat(archived.path("ts").asText()).isEqualTo(ts.toString());
        assertThat(archived.path("metrics").path("temperature").asDouble())
                .isCloseTo(96.4, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(archived.path("metrics").path("rpm").asDouble()).isEqualTo(2400.0);
        assertThat(archived.path("metrics").path("oilPressure").asDouble())
                .isCloseTo(3.25, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(archived.path("tags").path("type").asText()).isEqualTo("engine");
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(observed.emails(id)).hasSize(1));
    }

    @Test
    void aFrameOverHttpIsDecodedAndStored() throws Exception {
        String id = Device.uniqueId("engine");
        Instant ts = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(5);
        var response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(hub.httpUrl("/api/devices/" + id + "/telemetry")))
                                .header("Content-Type", Frames.ENGINE_V1)
                                .header("Authorization", TestFleet.basic(id))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(Frames.engineV1(ts, 61.0, 900, 2.5)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(202);
        var rows = observed.rows(id);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("metrics").toString())
                .contains("\"rpm\": 900.0")
                .contains("\"temperature\": 61.0");
        assertThat(observed.alerts(id)).isEmpty();
    }
}
