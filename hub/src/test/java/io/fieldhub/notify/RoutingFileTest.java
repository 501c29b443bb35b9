package io.fieldhub.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A routing file with a mistake is refused with the line and the reason, at start and on reload, where the routing
 * in force stays.
 */
class RoutingFileTest {

    static final String GOOD = """
            people:
              ops: {email: ops@example.com}
              maria:
                email: maria@example.com
                phone: "+4915112345678"
            groups:
              on-call: [maria]
            rules:
              - name: all
                channels: [email]
                to: [ops]
            """;

    @TempDir
    Path dir;

    static RoutingException refusal(String yaml) {
        return catchThrowableOfType(
                () -> RoutingParser.parse(yaml.getBytes(StandardCharsets.UTF_8), UnaryOperator.identity()),
                RoutingException.class);
    }

    /** Each case: a change to the good file (a line replaced, or lines added at the end), its line, its reason. */
    @ParameterizedTest(name = "{3}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            5  | `    phone: "+49 151 12345678"`     | 5  | phone '+49 151 12345678' of 'maria' is not E.164
            5  | `    phone: "015112345678"`         | 5  | is not E.164
            5  | `    phone: "+0151123456"`          | 5  | is not E.164
            5  | `    phone: "+1234567"`             | 5  | is not E.164
            5  | `    phone: "+1234567890123456"`    | 5  | is not E.164
            2  | `  ops: {email: ops.example.com}`   | 2  | 'ops.example.com' of 'ops' is not an email address
            2  | `  ops: {mail: ops@example.com}`    | 2  | unknown key 'mail' in person 'ops'; the keys are email, phone
            2  | `  ops: {}`                         | 2  | person 'ops' needs an 'email' or a 'phone'
            2  | `  crm: {email: crm@example.com}`   | 2  | 'crm' cannot name a person or group
            7  | `  on-call: [maria, marai]`         | 7  | unknown person 'marai' in group 'on-call'
            7  | `  ops: [maria]`                    | 7  | 'ops' is a person already
            11 | `    to: [opps]`                    | 11 | unknown recipient 'opps'; the people are ops, maria; the groups are on-call
            11 | `    to: [ops]\n    cc: [maria]`    | 12 | unknown key 'cc' in a rule; the keys are name, match, channels, to
            10 | `    channels: [email, fax]`        | 10 | unknown channel 'fax' in 'channels'; the channels are crm, email, sms
            10 | `    channels: [sms]`               | 11 | 'ops' has no phone for sms
            10 | `    channels: [crm]`               | 11 | 'to' has no use with channel crm alone
            9  | `  - match: {severity: URGENT}`     | 9  | unknown severity 'URGENT'; it is one of CRITICAL, INFO, WARNING
            9  | `  - match: {transition: OPENED}`   | 9  | unknown transition 'OPENED'
            9  | `  - match: {colour: red}`          | 9  | unknown key 'colour' in 'match'
            9  | `  - when: {severity: CRITICAL}`    | 9  | unknown key 'when' in a rule
            11 | `    to: [ops]\nalerts: []`         | 12 | unknown key 'alerts' in the routing file; the keys are people, groups, rules, escalation, quiet-hours, rate-limits
            11 | `    to: [ops]\n    to: [maria]`    | 12 | 'to' is given twice
            11 | `    to: [ops\n  - x`               | 12 | not valid YAML
            """)
    void aMistakeIsRefusedWithItsLineAndReason(int line, String replacement, int errorLine, String reason) {
        var lines = new java.util.ArrayList<>(GOOD.lines().toList());
        lines.set(line - 1, replacement.replace("\\n", "\n"));

        RoutingException e = refusal(String.join("\n", lines) + "\n");

        assertThat(e).as("no error for line %d", line).isNotNull();
        assertThat(e.reason()).contains(reason);
        assertThat(e.line()).as(e.getMessage()).isEqualTo(errorLine);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            quiet-hours:\\n  - {from: "22:00", to: "25:00", zone: UTC, channels: [sms]}          | 'to' must be a time of day like 22:00, not '25:00'
            quiet-hours:\\n  - {from: "late", to: "07:00", zone: UTC, channels: [sms]}           | 'from' must be a time of day like 22:00, not 'late'
            quiet-hours:\\n  - {from: "22:00", to: "07:00", zone: Europe/Berln, channels: [sms]} | unknown time zone 'Europe/Berln'
            quiet-hours:\\n  - {from: "22:00", to: "07:00", channels: [sms]}                     | quiet hours need 'zone:'
            quiet-hours:\\n  - {from: "22:00", to: "22:00", zone: UTC, channels: [sms]}          | are empty
            quiet-hours:\\n  - {from: "22:00", to: "07:00", zone: UTC, channels: [crm]}          | unknown channel 'crm' in 'channels'; the channels are email, sms
            quiet-hours:\\n  - {from: "22:00", to: "07:00", zone: UTC, channels: [sms], people: [bob]} | unknown recipient 'bob'
            rate-limits:\\n  crm: {max: 5, per: 1h}                                              | unknown channel 'crm' in rate limits
            rate-limits:\\n  sms: {max: 0, per: 1h}                                              | 'max' must be a whole number of at least 1, not '0'
            rate-limits:\\n  sms: {max: 5, per: soon}                                            | 'per' must be a duration like 30m, 1h or 1d, not 'soon'
            rate-limits:\\n  sms: {max: 5}                                                       | a rate limit needs 'max:' and 'per:'
            escalation:\\n  - {tier: 0, channels: [email], to: [ops]}                            | 'tier' must be a whole number of at least 1
            escalation:\\n  - {channels: [email], to: [ops]}                                     | an escalation tier needs 'tier:'
            escalation:\\n  - {tier: 1, channels: [email], to: [ops], match: {transition: RAISED}} | unknown key 'transition' in 'match'
            escalation:\\n  - {tier: 1, channels: [sms], to: [on-call]}\\n  - {tier: 1, channels: [email], to: [ops]} | escalation tier 1 is given twice
            """)
    void aMistakeInTheLaterSectionsIsRefusedOnItsLine(String section, String reason) {
        String yaml = GOOD + section.replace("\\n", "\n") + "\n";

        RoutingException e = refusal(yaml);

        assertThat(e).isNotNull();
        assertThat(e.reason()).contains(reason);
        assertThat(e.line()).as(e.getMessage()).isGreaterThan((int) GOOD.lines().count());
    }

    @Test
    void anEmptyFileOrOneWithoutRulesIsRefused() {
        assertThat(refusal("# nothing yet\n").reason()).contains("the file is empty");
        assertThat(refusal("people: {}\n").reason()).contains("'rules:' is missing");
    }

    @Test
    void aBrokenFileStopsTheStartNamingTheFileTheLineAndTheReason() throws Exception {
        Path file = dir.resolve("notifications.yaml");
        Files.writeString(file, GOOD.replace("\"+4915112345678\"", "\"+49 151\""));

        var e = catchThrowableOfType(
                () -> new NotificationRouting(file, UnaryOperator.identity()), RoutingException.class);

        assertThat(e.getMessage()).startsWith(file + " line 5: phone '+49 151' of 'maria' is not E.164");
    }

    @Test
    void noFileRoutesEveryTransitionToNobody() {
        var routing = new NotificationRouting(dir.resolve("missing.yaml"), UnaryOperator.identity());

        assertThat(routing.current()
                        .deliveries(RoutingTest.facts("RAISED", "CRITICAL", "engine-1"), false, Instant.now()))
                .isEmpty();
    }

    @Test
    void aReloadPutsAGoodFileInForceAndKeepsTheRoutingInForceOnABadOne() throws Exception {
        Path file = dir.resolve("notifications.yaml");
        Files.writeString(file, GOOD);
        var routing = new NotificationRouting(file, UnaryOperator.identity());
        var critical = RoutingTest.facts("RAISED", "CRITICAL", "engine-1");

        Files.writeString(file, GOOD + "  - {match: {severity: CRITICAL}, channels: [sms], to: [on-call]}\n");
        assertThat(routing.reload()).isTrue();
        assertThat(routing.current().deliveries(critical, false, Instant.now()))
                .extracting(Delivery::recipient)
                .containsExactly("ops", "maria");

        Files.writeString(file, GOOD + "  - {match: {severity: CRITICAL}, channels: [sms], to: [ops]}\n");
        assertThat(routing.reload()).isFalse();
        assertThat(routing.lastFailure()).isEqualTo(file + " line 12: 'ops' has no phone for sms");
        assertThat(routing.current().deliveries(critical, false, Instant.now()))
                .extracting(Delivery::recipient)
                .containsExactly("ops", "maria");

        Files.delete(file);
        assertThat(routing.reload()).isFalse();
        assertThat(routing.lastFailure()).contains("is gone");
        assertThat(routing.current().deliveries(critical, false, Instant.now())).hasSize(2);
    }
}
