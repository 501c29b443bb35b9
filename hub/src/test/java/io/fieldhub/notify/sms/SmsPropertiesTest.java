package io.fieldhub.notify.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Settings the SMSC would refuse at every bind stop the start, naming the setting and never its secret value. */
class SmsPropertiesTest {

    @Test
    void aPasswordLongerThanSmppAllowsIsRefusedWithoutShowingIt() {
        assertThatThrownBy(() -> settings("fieldhub", "smsc-secret"))
                .hasMessageContaining("hub.sms.password")
                .hasMessageContaining("at most 8 characters")
                .message()
                .doesNotContain("smsc-secret");
    }

    @Test
    void aSystemIdLongerThanSmppAllowsIsRefused() {
        assertThatThrownBy(() -> settings("fieldhub-plant-north-1", "s3cret"))
                .hasMessageContaining("hub.sms.system-id");
    }

    @Test
    void theLongestAllowedValuesAreKept() {
        assertThat(settings("fieldhub-plant1", "8chars!!").password()).isEqualTo("8chars!!");
    }

    private static SmsProperties settings(String systemId, String password) {
        return new SmsProperties(
                true, "smsc.example.com", 2775, systemId, password, "FieldHub", 5, 0, 20, 500, 5000, null);
    }
}
