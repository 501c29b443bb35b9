package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ./simulate's gateway mode against the real hub: gateways that prove who they are publish batches for the devices
 * an import put behind them (the CSV's via column), and every reading acknowledged is stored under its own id. The
 * simulator runs as its own process, as ./simulate runs it (its MQTT client cannot share a class path with HiveMQ).
 */
class GatewaySimulatorIT {

    static final Path JAR = Path.of("simulator/target/fieldhub-simulator.jar");

    final RunningHub hub = RunningHub.shared();
    final Observed observed = new Observed(hub);

    @TempDir
    Path work;

    @Test
    void everyReadingOfEveryAcknowledgedBatchIsStoredAsItsDevicesOnce() throws Exception {
        String prefix = "engine-" + UUID.randomUUID().toString().substring(0, 6);
        int gateways = 2;
        int perGateway = 3;
        StringBuilder csv = new StringBuilder("id,via\n");
        for (int i = 1; i <= gateways * perGateway; i++) {
            csv.append(prefix)
                    .append('-')
                    .append(i)
                    .append(',')
                    .append(prefix)
                    .append("-gw-")
                    .append((i - 1) / perGateway + 1)
                    .append('\n');
        }
        HttpResponse<String> imported = HttpClient.newHttpClient()
                .send(
                        hub.api("/api/devices/import")
                                .header("Content-Type", "text/csv")
                                .POST(HttpRequest.BodyPublishers.ofString(csv.toString()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(new ObjectMapper().readTree(imported.body()).path("imported").asInt())
                .as(imported.body())
                .isEqualTo(gateways * perGateway);
        Path acked = work.resolve("acked.csv");

        List<String> command = new ArrayList<>(List.of("java", "-Xmx256m", "-jar", JAR.toString()));
        command.addAll(List.of(
                "--url",
                hub.mqttUrl(),
                "--group-key",
                TestFleet.GROUP_KEY,
                "--gateways",
                Integer.toString(gateways),
                "--devices-per-gateway",
                Integer.toString(perGateway),
                "--batch",
                "5",
                "--count",
                "8",
                "--rate",
                "0",
                "--device-prefix",
                prefix,
                "--run-id",
                "gwsim",
                "--acked-out",
                acked.toString()));
        Path log = work.resolve("simulator.log");
        Process simulator = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!simulator.waitFor(2, TimeUnit.MINUTES)) {
            simulator.destroyForcibly();
            throw new AssertionError("the simulator did not finish: " + Files.readString(log));
        }
        int exitCode = simulator.exitValue();

        assertThat(exitCode)
                .as("every batch acknowledged with 0x00: %s", Files.readString(log))
                .isZero();
        List<String> ackedReadings = Files.readAllLines(acked).stream()
                .filter(line -> !line.startsWith("deviceId,"))
                .toList();
        assertThat(ackedReadings).hasSize(8 * 5).doesNotHaveDuplicates();
        List<String> stored = IntStream.rangeClosed(1, gateways * perGateway)
                .mapToObj(i -> prefix + "-" + i)
                .flatMap(device -> observed.rows(device).stream().map(row -> device + "," + row.get("message_id")))
                .toList();
        assertThat(stored)
                .as("a PUBACK means every reading in it is stored")
                .containsExactlyInAnyOrderElementsOf(ackedReadings);
        assertThat(observed.rows(prefix + "-1"))
                .allSatisfy(row -> assertThat(row.get("message_id").toString()).startsWith("gwsim-" + prefix + "-1-"));
    }
}
