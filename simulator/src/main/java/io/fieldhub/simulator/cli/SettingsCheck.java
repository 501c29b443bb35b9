package io.fieldhub.simulator.cli;

import io.fieldhub.simulator.SimulationSettings;
import io.fieldhub.simulator.mqtt.BrokerAddress;
import io.fieldhub.simulator.mqtt.DeviceSecrets;
import io.fieldhub.simulator.payload.PayloadFormat;
import java.io.IOException;
import java.util.regex.Pattern;
import picocli.CommandLine.ParameterException;

/** Turns the parsed options into settings, or rejects them with a message that names the option. */
final class SettingsCheck {

    /** The hub accepts device ids of 1-128 of these characters; message ids are built from the same. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

    private static final int DEFAULT_MAX_CONNECTIONS = 8;

    private final SimulateCommand options;

    SettingsCheck(SimulateCommand options) {
        this.options = options;
    }

    SimulationSettings settings() {
        SimulateCommand o = options;
        require(o.gateways >= 0, "--gateways must be 0 (devices publish their own readings) or more");
        boolean viaGateways = o.gateways > 0;
        if (viaGateways) {
            require(o.devicesPerGateway >= 1, "--devices-per-gateway must be at least 1");
            require(o.batch >= 1, "--batch must be at least 1");
            require(o.connections == null, "with --gateways each gateway has one connection: leave out --connections");
            require(o.format == PayloadFormat.JSON, "gateway messages are JSON: leave out --format");
        }
        int devices = viaGateways ? o.gateways * o.devicesPerGateway : o.devices;
        require(devices >= 1, "--devices must be at least 1");
        boolean authenticated = o.credentials != null || o.groupKey != null;
        require(o.credentials == null || o.groupKey == null, "give --credentials or --group-key, not both");
        int connections = viaGateways
                ? o.gateways
                : o.connections != null
                        ? o.connections
                        : authenticated ? devices : Math.min(devices, DEFAULT_MAX_CONNECTIONS);
        require(connections >= 1 && connections <= devices, "--connections must be between 1 and --devices");
        require(
                viaGateways || !authenticated || connections == devices,
                "with credentials every device connects as itself: --connections must equal --devices");
        require(o.rate >= 0 && Double.isFinite(o.rate), "--rate must be 0 (as fast as possible) or more");
        require(o.maxInflight >= 1, "--max-inflight must be at least 1");
        require(o.count >= 0, "--count must be positive");
        require(o.hotShare >= 0 && o.hotShare <= 1, "--hot-share must be between 0 and 1");
        require(o.qos >= 0 && o.qos <= 2, "--qos must be 0, 1 or 2");
        require(ID.matcher(o.devicePrefix).matches(), "--device-prefix may hold letters, digits, '.', '_', ':', '-'");
        String runId = o.runIdOrRandom();
        require(ID.matcher(runId).matches(), "--run-id may hold letters, digits, '.', '_', ':', '-'");
        try {
            BrokerAddress.parse(o.url);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(o.spec.commandLine(), "--url: " + e.getMessage());
        }
        return new SimulationSettings(
                o.url,
                devices,
                connections,
                o.rate,
                o.maxInflight,
                o.duration,
                o.count,
                o.format,
                o.hotShare,
                o.devicePrefix,
                runId,
                o.qos,
                o.seedOrRandom(),
                o.drainTimeout,
                o.giveUpAfter,
                secrets(),
                o.ackedOut,
                o.gateways,
                viaGateways ? o.batch : 0);
    }

    private DeviceSecrets secrets() {
        try {
            if (options.credentials != null) {
                return DeviceSecrets.fromFile(options.credentials);
            }
            return options.groupKey == null ? null : DeviceSecrets.derivedFrom(options.groupKey);
        } catch (IOException | IllegalArgumentException e) {
            throw new ParameterException(
                    options.spec.commandLine(),
                    (options.credentials != null ? "--credentials " + options.credentials : "--group-key") + ": "
                            + e.getMessage());
        }
    }

    private void require(boolean condition, String message) {
        if (!condition) {
            throw new ParameterException(options.spec.commandLine(), message);
        }
    }
}
