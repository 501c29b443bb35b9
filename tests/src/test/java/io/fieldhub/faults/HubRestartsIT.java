package io.fieldhub.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldhub.e2e.HubProcess;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, R1 and R10: the hub (its jar, embedded broker, PostgreSQL and S3) killed with {@code kill -9}, then stopped
 * with SIGTERM, under load (twice and five times in the long variant, once each in CI) from simulated devices that
 * reconnect and resend: every message a device got PUBACK 0x00 for is in PostgreSQL once and in the S3 archive once.
 * Both kinds of stop hit one run on one data directory, the kills first: each stop costs a hub start, and one run
 * spares the second run's own stretch of load, its simulator and its check. Each stop comes once a further share of
 * the run is stored, while the devices are still sending.
 */
@FaultSuite
class HubRestartsIT {

    /** Kept when a test fails: the hub's logs and the simulator's output are there. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path home;

    final FaultLoad load = FaultLoad.current();

    @Test
    void everyAcknowledgedMessageSurvivesKillNinesAndSigterms() throws Exception {
        int kills = load.kills();
        int stops = kills + load.sigterms();
        var figures = new Figures("R1 and R10: kill -9 of the hub " + kills + " times, then SIGTERM " + load.sigterms()
                + " times, " + load);
        try (var hub = new HubProcess(home.resolve("hub"))) {
            hub.start();
            var ledger = new Ledger(hub::jdbc, hub::s3, "fieldhub");
            SimulatorRun run = SimulatorRun.start(home, hub.mqttUrl(), "engine-restart", load, 0);
            try {
                for (int stop = 1; stop <= stops; stop++) {
                    ledger.awaitStored("engine-restart", load.count() * stop / (stops + 1));
                    if (stop <= kills) {
                        figures.add("stored at the kill", ledger.storedCount("engine-restart"));
                        figures.seconds("kill -9, process gone", hub.kill());
                    } else {
                        figures.add("stored at the SIGTERM", ledger.storedCount("engine-restart"));
                        figures.seconds("SIGTERM, stopped", hub.terminate());
                        figures.add("exit code", hub.exitValue());
                    }
                    figures.seconds("start again, healthy", hub.start());
                }
                ledger.awaitStored("engine-restart", load.count());
                SimulatorRun.Result result = run.end(Duration.ofMinutes(10));
                ledger.check(result, figures);
                assertThat(result.count("reconnects"))
                        .as("every device reconnected after each kill and each SIGTERM")
                        .isGreaterThanOrEqualTo((long) stops * load.devices());
            } finally {
                run.stop();
            }
        }
    }
}
