package io.fieldhub.device;

import io.fieldhub.device.credential.DeviceCredentials;
import io.fieldhub.security.PrivateFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quick start's devices: on the first start of an empty registry, a few demo devices with a secret each, written
 * to a file only the hub's user can read (never to the log), so that the tour can publish with them at once.
 */
public class DemoFleet {

    private static final Logger LOG = LoggerFactory.getLogger(DemoFleet.class);

    static final List<DeviceSpec> DEVICES = List.of(
            new DeviceSpec("engine-42", "engine", "plant-1", Map.of(), true),
            new DeviceSpec("engine-7", "engine", "plant-1", Map.of(), true),
            new DeviceSpec("meter-1", "meter", "plant-1", Map.of(), true));

    private final DeviceRegistry registry;
    private final DeviceCredentials credentials;
    private final Path file;

    public DemoFleet(DeviceRegistry registry, DeviceCredentials credentials, Path file) {
        this.registry = registry;
        this.credentials = credentials;
        this.file = file;
    }

    /** Creates the fleet when the registry is empty and no earlier fleet file exists. */
    public void createOnFirstStart() {
        if (Files.exists(file)
                || !registry.list(new DeviceFilter(null, null, null, null, null, null, null, 1))
                        .isEmpty()) {
            return;
        }
        StringBuilder csv = new StringBuilder("deviceId,secret\n");
        for (DeviceSpec spec : DEVICES) {
            registry.create(spec, "demo fleet", null);
            csv.append(spec.id())
                    .append(',')
                    .append(credentials.newSecret(spec.id(), "demo fleet").secret())
                    .append('\n');
        }
        PrivateFile.create(file, csv.toString(), "the demo fleet's secrets");
        LOG.info(
                "Demo fleet: devices {} registered; their secrets are in {} (readable by this user only)",
                DEVICES.stream().map(DeviceSpec::id).toList(),
                file);
    }
}
