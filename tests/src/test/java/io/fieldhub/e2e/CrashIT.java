package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub killed with SIGKILL in the middle of a burst, then started again on the same data directory: every
 * message the broker acknowledged to a device is stored, once, and archived.
 */
class CrashIT {

    @TempDir
    Path home;

    HubProcess hub;

    @AfterEach
    void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void everyAcknowledgedMessageSurvivesAKillNine() throws Exception {
        hub = new HubProcess(home);
        hub.start();
        Set<String> acknowledged;
        boolean killed = false;
        try (var burst = new Burst(hub.mqttUrl())) {
            for (int seq = 0; seq < 20_000; seq++) {
                if (!killed && burst.ackedCount() >= 3_000) {
                    hub.kill();
                    killed = true;
                }
                String json = "{\"metrics\":{\"temperature\":" + (60 + seq % 40) + "}}";
                if (!burst.publish(device(seq), "crash-" + seq, json)) {
                    break; // the broker died with the hub
                }
            }
            acknowledged = burst.acked();
        }
        assertThat(killed).as("the hub was killed mid-burst").isTrue();
        assertThat(acknowledged.size()).isGreaterThanOrEqualTo(3_000);

        hub.start();
        var jdbc = hub.jdbc();
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> assertThat(new HashSet<>(jdbc.queryForList(
                                "select message_id from telemetry where message_id like 'crash-%'", String.class)))
                        .containsAll(acknowledged));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(jdbc.queryForObject(
                                "select count(*) from telemetry t, archive_watermark w where w.stream = 'telemetry' and t.id > w.last_id",
                                Long.class))
                        .isZero());
        // The crash can come between an archive object's upload and its watermark's commit: each reading once there.
        try (var s3 = hub.s3()) {
            new Archive(s3, "fieldhub")
                    .assertArchivedOnce(
                            "crash-",
                            acknowledged.stream()
                                    .map(id -> new Archive.Entry(
                                            device(Integer.parseInt(id.substring("crash-".length()))), id))
                                    .toList());
        }
    }

    /** Fifty devices take turns: message crash-N comes from device crash-(N mod 50). */
    private static String device(int seq) {
        return "crash-" + seq % 50;
    }
}
