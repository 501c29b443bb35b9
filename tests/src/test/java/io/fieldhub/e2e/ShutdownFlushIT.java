package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Records waiting for the archive when the hub stops are written on the way down, not left behind. */
class ShutdownFlushIT {

    @Test
    void stoppingTheHubFlushesTheArchive() throws Exception {
        // an archive age far beyond the test: only the shutdown flush can write the object
        try (var hub = RunningHub.dedicated("--hub.archive.max-age=1h", "--hub.archive.max-records=100000")) {
            var observed = new Observed(hub);
            String id = Device.uniqueId("engine");
            try (var device = new Device(hub, id)) {
                for (int i = 0; i < 3; i++) {
                    device.publishJson("{\"metrics\":{\"temperature\":%d}}".formatted(50 + i), null);
                }
            }
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(observed.rows(id)).hasSize(3));
            assertThat(observed.archived(id)).isEmpty();

            hub.stop();

            // read from the object store alone: a start of the hub could write what the stop left behind
            try (var objects = hub.storedObjects()) {
                assertThat(observed.archived(id)).hasSize(3);
            }
        }
    }
}
