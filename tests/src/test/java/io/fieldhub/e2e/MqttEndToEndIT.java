package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A device publishes over MQTT 5; the user sees the PUBACK, the rows, the archive objects and the alert email. */
class MqttEndToEndIT {

    static final Duration DEADLINE = Duration.ofSeconds(30);

    final RunningHub hub = RunningHub.shared();
    final Observed observed = new Observed(hub);

    @Test
    void readingsAreAcknowledgedStoredArchivedAndAHotOneIsEmailed() throws Exception {
        String id = Device.uniqueId("engine");
        try (var device = new Device(hub, id)) {
            for (int i = 0; i < 4; i++) {
                assertThat(device.publishJson(
                                "{\"metrics\":{\"temperature\":%d,\"rpm\":1200}}".formatted(70 + i), null))
                        .as("PUBACK reason codes")
                        .containsExactly(0);
            }
            assertThat(device.publishJson("{\"metrics\":{\"temperature\":97.5,\"rpm\":3100}}", null))
                    .containsExactly(0);
        }

        assertThat(observed.rows(id)).as("a PUBACK means stored").hasSize(5);
        assertThat(observed.rows(id))
                .extracting(r -> r.get("metrics").toString())
                .anySatisfy(m -> assertThat(m).contains("97.5"));

        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(observed.archived(id)).hasSize(5));
        assertThat(observed.archiveKeys())
                .allSatisfy(k ->
                        assertThat(k).matches("telemetry/date=\\d{4}-\\d{2}-\\d{2}/hour=\\d{2}/\\d{12}\\.jsonl\\.gz"));
        JsonNode hot = observed.archived(id).stream()
                .filter(r -> r.path("metrics").path("temperature").asDouble() > 90)
                .findFirst()
                .orElseThrow();
        assertThat(hot.path("messageId").asText()).isNotBlank();
        assertThat(hot.path("traceId").asText()).hasSize(32);
        assertThat(hot.path("receivedAt").asText()).isNotBlank();

        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(observed.emails(id)).hasSize(1));
        var email = observed.emails(id).get(0);
        long alertId = ((Number) observed.alerts(id).get(0).get("id")).longValue();
        assertThat(Observed.subject(email)).isEqualTo("[CRITICAL] Engine overheat on " + id);
        assertThat(Observed.recipients(email)).containsExactly(RunningHub.MAIL_TO);
        assertThat(email.getMessageID()).isEqualTo("<alert-" + alertId + "@localhost>");
        assertThat(Observed.text(email))
                .contains(
                        "running hot", "temperature", "97.5", "Threshold:  90", hub.httpUrl("/api/alerts/" + alertId));
        assertThat(observed.notifications(id, "email"))
                .singleElement()
                .satisfies(n -> assertThat(n)
                        .containsEntry("state", "SENT")
                        .containsEntry("address", RunningHub.MAIL_TO)
                        .containsEntry("provider_ref", email.getMessageID()));
        assertThat(observed.alerts(id))
                .singleElement()
                .satisfies(a -> assertThat(a)
                        .containsEntry("state", "OPEN")
                        .containsEntry("count", 1)
                        .containsEntry("last_value", 97.5));
    }

    @Test
    void aReplayedMessageIsStoredArchivedAndEmailedOnce() throws Exception {
        String id = Device.uniqueId("engine");
        String messageId = UUID.randomUUID().toString();
        try (var device = new Device(hub, id)) {
            for (int i = 0; i < 3; i++) {
                assertThat(device.publishJson("{\"metrics\":{\"temperature\":99}}", messageId))
                        .containsExactly(0);
            }
            // a different message after the replays proves the replays have been processed
            assertThat(device.publishJson("{\"metrics\":{\"temperature\":20}}", "after-" + messageId))
                    .containsExactly(0);
        }
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(observed.rows(id)).hasSize(2));
        assertThat(observed.rows(id))
                .extracting(r -> r.get("message_id"))
                .containsExactly(messageId, "after-" + messageId);
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(observed.archived(id)).hasSize(2));
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(observed.emails(id)).hasSize(1));
        assertThat(observed.alerts(id))
                .as("the replays raised nothing and counted nothing")
                .singleElement()
                .satisfies(a -> assertThat(a).containsEntry("count", 1));
    }

    /**
     * A QoS 0 burst is taken as fast as it arrives: nothing in the broker holds the device's next packets behind the
     * stores of its earlier ones, so the device can reconnect at once and every reading is stored.
     */
    @Test
    void aQos0BurstDoesNotHoldUpTheDevicesNextConnection() throws Exception {
        String id = Device.uniqueId("qos0");
        int burst = 2_000;
        try (var device = new Device(hub, id)) {
            for (int i = 0; i < burst; i++) {
                device.fire("{\"metrics\":{\"temperature\":50}}", id + "-" + i).waitForCompletion(10_000);
            }
        }
        long reconnect = System.nanoTime();
        try (var again = new Device(hub, id)) {
            assertThat(Duration.ofNanos(System.nanoTime() - reconnect))
                    .as("CONNACK after the burst")
                    .isLessThan(Duration.ofSeconds(5));
            assertThat(again.publishJson("{\"metrics\":{\"temperature\":51}}", id + "-after"))
                    .containsExactly(0);
        }
        var observed = new Observed(hub);
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(observed.rows(id)).hasSize(burst + 1));
    }
}
