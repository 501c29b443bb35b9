package io.fieldhub.notify.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldhub.notify.Outgoing;
import io.fieldhub.notify.channel.PermanentFailure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SMS text: concise, GSM 7-bit only, within one SMS for an alert and three segments for a digest. */
class AlertSmsComposerTest {

    static final Instant TS = Instant.parse("2026-11-26T10:00:00.123Z");

    final AlertSmsComposer composer = new AlertSmsComposer();

    @Test
    void aRaisedAlertIsOneLineWithValueThresholdTimeAndAlertId() {
        Map<String, Object> headers = new HashMap<>();
        String text =
                composer.compose(alert("RAISED", "engine-42", "temperature", 95.5, 90.0, "+4915112345678"), headers);

        assertThat(text).isEqualTo("CRITICAL engine-42 temperature 95.5>90 at 10:00Z #123");
        assertThat(headers).containsEntry("CamelSmppDestAddr", "4915112345678");
    }

    @Test
    void aValueBelowItsThresholdAndAnAlertWithoutMetricReadAsTheySound() {
        assertThat(AlertSmsComposer.line(alert("RAISED", "pump-3", "pressure", 1.2, 2.0, "+4915112345678")))
                .isEqualTo("CRITICAL pump-3 pressure 1.2<2 at 10:00Z #123");
        assertThat(AlertSmsComposer.line(alert("CLEARED", "pump-3", null, null, null, "+4915112345678")))
                .isEqualTo("CLEARED CRITICAL pump-3 Engine overheat at 10:05Z #123");
    }

    @Test
    void charactersOutsideTheGsmDefaultAlphabetAreReplacedAndTheTextFitsOneSms() {
        String device = "Kühlpumpe-[Halle~7]-ê€-" + "x".repeat(200);
        String text = AlertSmsComposer.line(alert("ESCALATED", device, "temperature", 95.5, 90.0, "+4915112345678"));

        assertThat(text)
                .hasSize(160)
                .startsWith("ESCALATED T2 CRITICAL Kühlpumpe-(Halle-7)-eEUR-xxx")
                .endsWith("... at 10:05Z #123");
        assertThat(Gsm7.plain(text)).as("only default-alphabet characters").isEqualTo(text);
    }

    @Test
    void anAcknowledgementCarriesTheOperatorsNoteOnOneLineWithinOneSms() {
        var headers = new HashMap<String, Object>();
        assertThat(composer.compose(
                        alert("ACKNOWLEDGED", "engine-42", "temperature", 95.5, 90.0, "+4915112345678", "on my\nway"),
                        headers))
                .isEqualTo("ACK escalation CRITICAL engine-42 temperature 95.5>90 at 10:05Z #123: on my way");

        String note = "Line one\r\nline two\u0007 " + "z".repeat(400);
        String text = composer.compose(
                alert("ACKNOWLEDGED", "engine-42", "temperature", 95.5, 90.0, "+4915112345678", note), headers);
        assertThat(text)
                .hasSize(AlertSmsComposer.SMS_LENGTH)
                .contains("#123: Line one line two zzz")
                .endsWith("...")
                .doesNotContain("\n", "\r", "\u0007");
        assertThat(composer.compose(
                        alert("ESCALATED", "engine-42", "temperature", 95.5, 90.0, "+4915112345678", "within 5m"),
                        headers))
                .as("only an acknowledgement's note is sent")
                .doesNotContain("within 5m");
    }

    @Test
    void aDigestListsItsAlertsInAtMostThreeSegments() {
        List<Outgoing> held = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            held.add(alert("RAISED", "engine-" + i, "temperature", 95.0 + i, 90.0, "+4915112345678"));
        }
        String text = AlertSmsComposer.digest(held);

        assertThat(text)
                .startsWith("FieldHub: 20 held for you: CRITICAL engine-0 temperature 95>90 at 10:00Z #123; ")
                .matches(".*; \\+\\d+ more")
                .hasSizeLessThanOrEqualTo(3 * 153);
        assertThat(AlertSmsComposer.digest(held.subList(0, 2)))
                .isEqualTo(
                        "FieldHub: 2 held for you:"
                                + " CRITICAL engine-0 temperature 95>90 at 10:00Z #123; CRITICAL engine-1 temperature 96>90 at 10:00Z #123");
    }

    @Test
    void aNumberThatIsNotE164IsRefusedForGood() {
        for (String number : List.of("015112345678", "+49 151 12345678", "+0151123456", "+1234567", "", "Case")) {
            assertThatThrownBy(() -> composer.compose(
                            alert("RAISED", "engine-42", "temperature", 95.5, 90.0, number), new HashMap<>()))
                    .as(number)
                    .isInstanceOf(PermanentFailure.class)
                    .hasMessageContaining("E.164");
        }
    }

    private static Outgoing alert(
            String transition, String device, String metric, Double value, Double threshold, String address) {
        return alert(transition, device, metric, value, threshold, address, null);
    }

    private static Outgoing alert(
            String transition,
            String device,
            String metric,
            Double value,
            Double threshold,
            String address,
            String detail) {
        return new Outgoing(
                1,
                "sms",
                "maria",
                address,
                "TRANSITION",
                1,
                7L,
                transition,
                Instant.parse("2026-11-26T10:05:00Z"),
                "escalation",
                detail,
                2,
                123L,
                "Engine overheat",
                device,
                "CRITICAL",
                "OPEN",
                metric,
                value,
                threshold,
                TS,
                "hot",
                3,
                "http://localhost:8080/api/alerts/123",
                List.of());
    }
}
