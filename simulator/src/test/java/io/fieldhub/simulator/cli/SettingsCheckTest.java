package io.fieldhub.simulator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldhub.simulator.SimulationSettings;
import io.fieldhub.simulator.payload.PayloadFormat;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

class SettingsCheckTest {

    private static SimulationSettings parse(String... args) {
        CommandLine commandLine = SimulateCommand.commandLine();
        commandLine.parseArgs(args);
        return new SettingsCheck(commandLine.getCommand()).settings();
    }

    @Test
    void defaultsMakeASmallSteadyDemo() {
        SimulationSettings s = parse();

        assertThat(s.url()).isEqualTo("tcp://localhost:1883");
        assertThat(s.devices()).isEqualTo(10);
        assertThat(s.connections()).isEqualTo(8);
        assertThat(s.rate()).isEqualTo(10);
        assertThat(s.count()).isZero();
        assertThat(s.duration()).isNull();
        assertThat(s.format()).isEqualTo(PayloadFormat.JSON);
        assertThat(s.hotShare()).isEqualTo(0.01);
        assertThat(s.qos()).isEqualTo(1);
        assertThat(s.runId()).matches("[0-9a-z]{6}");
        assertThat(s.giveUpAfter()).isEqualTo(Duration.ofMinutes(2));
        assertThat(parse("--give-up-after", "0").giveUpAfter()).as("never").isZero();
    }

    @Test
    void gatewaysHaveOneConnectionEachAndTheirDevicesBehindThem() {
        SimulationSettings s =
                parse("--gateways", "4", "--devices-per-gateway", "50", "--batch", "20", "--device-prefix", "pump");

        assertThat(s.devices()).isEqualTo(200);
        assertThat(s.connections()).isEqualTo(4);
        assertThat(s.gateways()).isEqualTo(4);
        assertThat(s.batch()).isEqualTo(20);
        assertThat(s.gatewayId(1)).isEqualTo("pump-gw-1");
        assertThat(parse().batch()).as("no gateways, no batches").isZero();
        assertThatThrownBy(() -> parse("--gateways", "2", "--batch", "0"))
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining("--batch");
        assertThatThrownBy(() -> parse("--gateways", "2", "--format", "frame"))
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining("JSON");
    }

    @Test
    void fewDevicesGetOneConnectionEach() {
        assertThat(parse("--devices", "3").connections()).isEqualTo(3);
    }

    @Test
    void readsEveryOption() {
        SimulationSettings s = parse(
                "--url",
                "ssl://hub:8883",
                "--devices",
                "800",
                "--connections",
                "4",
                "--rate",
                "0",
                "--count",
                "200000",
                "--duration",
                "5m",
                "--format",
                "frame",
                "--hot-share",
                "0.5",
                "--device-prefix",
                "pump",
                "--run-id",
                "bench-1",
                "--qos",
                "0",
                "--seed",
                "7");

        assertThat(s)
                .extracting(
                        SimulationSettings::url,
                        SimulationSettings::connections,
                        SimulationSettings::count,
                        SimulationSettings::format,
                        SimulationSettings::devicePrefix,
                        SimulationSettings::runId,
                        SimulationSettings::seed)
                .containsExactly("ssl://hub:8883", 4, 200_000L, PayloadFormat.FRAME, "pump", "bench-1", 7L);
    }

    @Test
    void refusesMoreConnectionsThanDevicesAndIdsTheHubWouldReject() {
        assertThatThrownBy(() -> parse("--devices", "2", "--connections", "3"))
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining("--connections");
        assertThatThrownBy(() -> parse("--device-prefix", "engine/1"))
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining("--device-prefix");
        assertThatThrownBy(() -> parse("--url", "http://localhost:8080"))
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining("tcp://host:port");
    }
}
