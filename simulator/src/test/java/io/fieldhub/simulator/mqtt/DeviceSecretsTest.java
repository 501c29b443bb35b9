package io.fieldhub.simulator.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceSecretsTest {

    @Test
    void derivesEachDevicesKeyFromTheGroupKeyAsDpsDoes() {
        // Azure DPS's published example for symmetric-key enrollment groups
        var secrets = DeviceSecrets.derivedFrom(
                "8isrFI1sGsIlvvFSSFRiMfCNzv21fjbE/+ah/lSh3lF8e2YG1Te7w1KpZhJFFXJrqYKi9yegxkqIChbqOS9Egw==");
        assertThat(secrets.of("sn-007-888-abc-mac-a1-b2-c3-d4-e5-f6"))
                .isEqualTo("Jsm0lyGpjaVYVP2g3FnmnmG9dI/9qU24wNoykUmermc=");
    }

    @Test
    void readsTheHubsCredentialsFileAndNamesADeviceItLacks(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("demo-fleet.csv"), "deviceId,secret\nengine-42,s3cr3t\n");
        var secrets = DeviceSecrets.fromFile(file);

        assertThat(secrets.of("engine-42")).isEqualTo("s3cr3t");
        assertThatThrownBy(() -> secrets.of("engine-43")).hasMessageContaining("engine-43");
    }
}
