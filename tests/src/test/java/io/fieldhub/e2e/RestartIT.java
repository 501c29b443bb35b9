package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fieldhub.embedded.EmbeddedPostgresServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hub on a data directory of its own: stopped and started again, it keeps its rows, archive objects and open
 * alerts (the rules' rebuild from stored readings counts nothing twice); with PostgreSQL down, acknowledged messages
 * wait and are stored once when it is back.
 */
class RestartIT {

    static final Duration DEADLINE = Duration.ofSeconds(60);

    static RunningHub hub;

    @BeforeAll
    static void start() {
        hub = RunningHub.dedicated();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void aRestartOnTheSameDataDirectoryKeepsRowsAndObjectsAndNewMessagesFlow() throws Exception {
        var observed = new Observed(hub);
        String id = Device.uniqueId("engine");
        try (var device = new Device(hub, id)) {
            device.publishJson("{\"metrics\":{\"temperature\":95}}", id + "-before");
        }
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(observed.archived(id)).hasSize(1));
        List<String> keysBefore = observed.archiveKeys();

        hub.stop();
        hub.start();

        assertThat(observed.rows(id)).extracting(r -> r.get("message_id")).containsExactly(id + "-before");
        assertThat(observed.archiveKeys()).containsAll(keysBefore);
        assertThat(observed.alerts(id)).hasSize(1);
        try (var device = new Device(hub, id)) {
            assertThat(device.publishJson("{\"metrics\":{\"temperature\":96}}", id + "-after"))
                    .containsExactly(0);
        }
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(observed.rows(id)).hasSize(2));
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(observed.archived(id)).hasSize(2));
        // the alert open before the restart counts the new trigger; it was raised, and emailed, once
        assertThat(observed.alerts(id))
                .singleElement()
                .satisfies(a -> assertThat(a)
                        .containsEntry("state", "OPEN")
                        .containsEntry("count", 2)
                        .containsEntry("last_value", 96.0));
        assertThat(observed.alertTransitions(id))
                .singleElement()
                .satisfies(
                        t -> assertThat(t).containsEntry("transition", "RAISED").containsEntry("actor", "rules"));
        await().atMost(DEADLINE).until(() -> emailSent(observed, id));
        assertThat(observed.emails(id)).hasSize(1);
    }

    @Test
    void messagesSentWhilePostgresIsDownAreAcknowledgedOnceStoredAndStoredOnce() throws Exception {
        var observed = new Observed(hub);
        var postgres = hub.bean(EmbeddedPostgresServer.class);
        String id = Device.uniqueId("engine");
        // a connected device (checked against the registry when it connected) keeps sending through the outage;
        // its first reading is stored before it, so no transaction is in flight when PostgreSQL goes
        try (var device = new Device(hub, id)) {
            assertThat(device.publishJson("{\"metrics\":{\"temperature\":20}}", id + "-before"))
                    .containsExactly(0);
            postgres.close();
            List<IMqttToken> acks = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    acks.add(device.send("{\"metrics\":{\"temperature\":%d}}".formatted(91 + i), id + "-" + i));
                }
                // a PUBACK means stored: none can come while PostgreSQL is down
                assertThat(acks).noneMatch(IMqttToken::isComplete);
            } finally {
                postgres.start();
            }
            await().atMost(DEADLINE).until(() -> acks.stream().allMatch(IMqttToken::isComplete));
            assertThat(acks).allSatisfy(ack -> assertThat(ack.getReasonCodes()).containsExactly(0));
        }
        assertThat(observed.rows(id)).hasSize(6);
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(observed.archived(id)).hasSize(6));
        // five hot readings of one engine: one alert that counts them, one email
        assertThat(observed.alerts(id))
                .singleElement()
                .satisfies(a -> assertThat(a).containsEntry("count", 5));
        await().atMost(DEADLINE).until(() -> emailSent(observed, id));
        assertThat(observed.emails(id)).hasSize(1);
    }

    /** The raised alert's one email notification went out (the SMTP server took it). */
    private static boolean emailSent(Observed observed, String deviceId) {
        var emails = observed.notifications(deviceId, "email");
        return emails.size() == 1 && "SENT".equals(emails.get(0).get("state"));
    }
}
