package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A burst far faster than the hub stores it: every acknowledged message ends up in PostgreSQL and in the archive,
 * exactly once. Asserts counts only; speed is the benchmark's business (bench/).
 */
class LoadIT {

    static final int DEVICES = 40;
    static final int PER_DEVICE = 500;

    final RunningHub hub = RunningHub.shared();

    @Test
    void twentyThousandMessagesAreAllStoredAndArchivedOnce() throws Exception {
        String run = Device.uniqueId("load");
        List<Archive.Entry> sent = new ArrayList<>();
        try (var burst = new Burst(hub.mqttUrl())) {
            for (int seq = 0; seq < PER_DEVICE; seq++) {
                for (int d = 0; d < DEVICES; d++) {
                    String device = run + "-" + d;
                    assertThat(burst.publish(
                                    device,
                                    device + "-" + seq,
                                    "{\"metrics\":{\"temperature\":" + (60 + seq % 30) + "}}"))
                            .isTrue();
                    sent.add(new Archive.Entry(device, device + "-" + seq));
                }
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> burst.answered() == DEVICES * PER_DEVICE);
            assertThat(burst.failed()).isZero();
        }

        String like = run + "-%";
        await().atMost(Duration.ofSeconds(120))
                .untilAsserted(() -> assertThat(count("select count(*) from telemetry where device_id like ?", like))
                        .isEqualTo(DEVICES * PER_DEVICE));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(count(
                                "select count(*) from telemetry t join archive_watermark w on w.stream = 'telemetry' "
                                        + "where t.device_id like ? and t.id > w.last_id",
                                like))
                        .isZero());
        new Observed(hub).archive().assertArchivedOnce(run + "-", sent);
    }

    private long count(String sql, String like) {
        return hub.jdbc().queryForObject(sql, Long.class, like);
    }
}
