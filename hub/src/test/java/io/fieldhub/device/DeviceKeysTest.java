package io.fieldhub.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldhub.device.enroll.DeviceKeys;
import org.junit.jupiter.api.Test;

class DeviceKeysTest {

    /**
     * The worked example of Azure DPS's "How to provision devices using symmetric key enrollment groups": this group
     * key and registration id derive this device key, with the same openssl/PowerShell recipe factories use.
     */
    static final String DPS_GROUP_KEY =
            "8isrFI1sGsIlvvFSSFRiMfCNzv21fjbE/+ah/lSh3lF8e2YG1Te7w1KpZhJFFXJrqYKi9yegxkqIChbqOS9Egw==";

    static final String DPS_REGISTRATION_ID = "sn-007-888-abc-mac-a1-b2-c3-d4-e5-f6";
    static final String DPS_DEVICE_KEY = "Jsm0lyGpjaVYVP2g3FnmnmG9dI/9qU24wNoykUmermc=";

    @Test
    void derivesTheDeviceKeyOfDpsPublishedExample() {
        assertThat(DeviceKeys.derive(DPS_GROUP_KEY, DPS_REGISTRATION_ID)).isEqualTo(DPS_DEVICE_KEY);
    }

    @Test
    void aKeyMatchesOnlyTheDeviceItWasDerivedFor() {
        assertThat(DeviceKeys.matches(DPS_GROUP_KEY, DPS_REGISTRATION_ID, DPS_DEVICE_KEY))
                .isTrue();
        assertThat(DeviceKeys.matches(DPS_GROUP_KEY, "sn-007-888-abc-mac-a1-b2-c3-d4-e5-f7", DPS_DEVICE_KEY))
                .isFalse();
        assertThat(DeviceKeys.matches(DPS_GROUP_KEY, DPS_REGISTRATION_ID, DPS_DEVICE_KEY.toLowerCase()))
                .isFalse();
    }
}
