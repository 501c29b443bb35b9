package io.fieldhub.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldhub.e2e.HubProcess;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, R1 and R10: the hub (its jar, embedded broker, PostgreSQL and S3) killed with {@code kill -9}, or stopped
 * with SIGTERM, under load (twice and five times in the long variant, once each in CI) from simulated devices that reconnect and resend: every message a device
 * got PUBACK 0x00 for is in PostgreSQL once and in the S3 archive once. Both scenarios run on one hub and data
 * directory, each with devices of its own; each stop comes once a further share of the run is stored, while the
 * devices are still sending.
 */
class HubRestartsIT {

    /** Kept when a test fails: the hub's logs and the simulator's output are there. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path home;

    static HubProcess hub;
    static Ledger ledger;
    final FaultLoad load = FaultLoad.current();

    @BeforeAll
    static void startHub() {
        hub = new HubProcess(home.resolve("hub"));
        hub.start();
        ledger = new Ledger(hub::jdbc, hub::s3, "fieldhub");
    }

    @AfterAll
    static void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void everyAcknowledgedMessageSurvivesKillNines() throws Exception {
        int kills = load.kills();
        var figures = new Figures("R1: kill -9 of the hub " + kills + " times, " + load);
        SimulatorRun run = SimulatorRun.start(home, hub.mqttUrl(), "engine-kill", load, 0);
        try {
            for (int kill = 1; kill <= kills; kill++) {
                ledger.awaitStored("engine-kill", load.count() * kill / (kills + 1));
                figures.add("stored at the kill", ledger.storedCount("engine-kill"));
                figures.seconds("kill -9, process gone", hub.kill());
                figures.seconds("start again, healthy", hub.start());
            }
            ledger.awaitStored("engine-kill", load.count());
            SimulatorRun.Result result = run.end(Duration.ofMinutes(10));
            ledger.check(result, figures);
            assertThat(result.count("reconnects"))
                    .as("every device reconnected after each kill")
                    .isGreaterThanOrEqualTo((long) kills * load.devices());
        } finally {
            run.stop();
        }
    }

    @Test
    void sigtermsUnderLoadLoseAndDuplicateNothing() throws Exception {
        int stops = load.sigterms();
        var figures = new Figures("R10: SIGTERM " + stops + " times, " + load);
        SimulatorRun run = SimulatorRun.start(home, hub.mqttUrl(), "engine-term", load, 0);
        try {
            for (int stop = 1; stop <= stops; stop++) {
                ledger.awaitStored("engine-term", load.count() * stop / (stops + 1));
                figures.add("stored at the SIGTERM", ledger.storedCount("engine-term"));
                figures.seconds("SIGTERM, stopped", hub.terminate());
                figures.add("exit code", hub.exitValue());
                figures.seconds("start again, healthy", hub.start());
            }
            ledger.awaitStored("engine-term", load.count());
            SimulatorRun.Result result = run.end(Duration.ofMinutes(10));
            ledger.check(result, figures);
            assertThat(result.count("reconnects"))
                    .as("every device reconnected after each SIGTERM")
                    .isGreaterThanOrEqualTo((long) stops * load.devices());
        } finally {
            run.stop();
        }
    }
}
