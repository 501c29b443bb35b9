package io.fieldhub.faults;

import io.fieldhub.e2e.HubProcess;
import io.fieldhub.embedded.EmbeddedBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.util.TestSocketUtils;

/**
 * Issue 16, R6: devices publish to an external broker, the hub takes their telemetry through its subscription intake
 * (a persistent session), and the hub is down ({@code kill -9}) for a while under load. The broker acknowledges each
 * message to the device at once and keeps it for the hub's session; once the hub is back, every message the broker
 * acknowledged is in PostgreSQL once and in the archive once.
 */
@FaultSuite
class ExternalBrokerIT {

    /** Kept when a test fails: the hub's logs and the simulator's output are there. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path home;

    final FaultLoad load = FaultLoad.current();

    @Test
    void theBrokerKeepsWhatItAcknowledgedWhileTheHubIsDown() throws Exception {
        var figures = new Figures("R6: the hub down for " + load.outage().toSeconds() + " s behind a broker, " + load);
        // persistent, as a production broker: the hub's session and its queue are on disk
        try (var broker = new EmbeddedBroker(
                        home.resolve("broker"), "127.0.0.1", TestSocketUtils.findAvailableTcpPort(), true);
                var hub = new HubProcess(home.resolve("hub"), "--hub.mqtt.broker-url=" + broker.url())) {
            broker.start();
            hub.start();
            var ledger = new Ledger(hub::jdbc, hub::s3, "fieldhub");
            SimulatorRun run = SimulatorRun.start(home, broker.url(), "engine-broker", load, 0);
            try {
                ledger.awaitStored("engine-broker", load.count() / 3);
                figures.seconds("kill -9, process gone", hub.kill());
                TimeUnit.MILLISECONDS.sleep(load.outage().toMillis()); // the outage itself
                figures.seconds("start again, healthy", hub.start());
                figures.seconds("outage", load.outage().toSeconds());
                ledger.awaitStored("engine-broker", load.count());
                ledger.check(run.end(Duration.ofMinutes(10)), figures);
            } finally {
                run.stop();
            }
        }
    }
}
