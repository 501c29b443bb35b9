package io.fieldhub.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/**
 * Who gets what: the shipped config/notifications.yaml, matching, quiet hours at fixed times, escalation tiers and
 * the CRM case rules, on the routing model alone.
 */
class RoutingTest {

    static final Path SHIPPED = Path.of("..", "config", "notifications.yaml");
    static final Instant NOON = Instant.parse("2026-11-26T12:00:00Z");

    static final String PEOPLE = """
            people:
              ops: {email: ops@example.com}
              maria: {email: maria@example.com, phone: "+4915112345678"}
              jonas: {phone: "+4915112345679"}
            groups:
              on-call: [maria, jonas]
            """;

    static Routing routing(String yaml) {
        return RoutingParser.parse(yaml.getBytes(StandardCharsets.UTF_8), UnaryOperator.identity());
    }

    static AlertFacts facts(String transition, String severity, String deviceId) {
        return AlertFacts.of(transition, severity, 0, "Engine overheat", deviceId, "plant-1", null, null);
    }

    static List<String> who(List<Delivery> deliveries) {
        return deliveries.stream()
                .map(d -> d.channel() + ":" + d.recipient() + ":" + d.address())
                .toList();
    }

    static Routing shipped() throws Exception {
        // as the hub resolves it, with no hub.mail.to set
        return RoutingParser.parse(Files.readAllBytes(SHIPPED), new MockEnvironment()::resolveRequiredPlaceholders);
    }

    @Test
    void theShippedFileEmailsEveryAlertAndSendsCriticalOnesBySmsAndToTheCrm() throws Exception {
        Routing shipped = shipped();

        assertThat(who(shipped.deliveries(facts("RAISED", "CRITICAL", "engine-42"), false, NOON)))
                .containsExactly(
                        "email:operations:operations@localhost", "sms:duty-engineer:+15555550100", "crm:crm:Case");
        assertThat(who(shipped.deliveries(facts("RAISED", "WARNING", "engine-42"), false, NOON)))
                .containsExactly("email:operations:operations@localhost");
        assertThat(who(shipped.deliveries(facts("CLEARED", "CRITICAL", "engine-42"), true, NOON)))
                .containsExactly(
                        "email:operations:operations@localhost", "sms:duty-engineer:+15555550100", "crm:crm:Case");
        assertThat(shipped.deliveries(facts("ACKNOWLEDGED", "CRITICAL", "engine-42"), true, NOON))
                .as("an acknowledgement is the operators' own doing")
                .isEmpty();
    }

    @Test
    void theShippedFileEscalatesTierByTier() throws Exception {
        Routing shipped = shipped();

        assertThat(who(shipped.deliveries(escalated("WARNING", 1), false, NOON)))
                .containsExactly("email:operations:operations@localhost", "sms:duty-engineer:+15555550100");
        assertThat(who(shipped.deliveries(escalated("WARNING", 2), false, NOON)))
                .containsExactly(
                        "email:operations:operations@localhost",
                        "email:shift-lead:shift-lead@localhost",
                        "sms:shift-lead:+15555550101");
        assertThat(who(shipped.deliveries(escalated("CRITICAL", 3), false, NOON)))
                .containsExactly(
                        "email:operations:operations@localhost",
                        "sms:duty-engineer:+15555550100",
                        "email:plant-manager:plant-manager@localhost");
    }

    @Test
    void everyGivenConditionMustHoldAndAnyValueOfAListWill() {
        Routing r = routing(PEOPLE + """
                rules:
                  - match: {severity: [WARNING, CRITICAL], device: "engine-*", site: "plant-?"}
                    channels: email
                    to: ops
                  - match: {type: pump, group: north}
                    channels: [sms]
                    to: [jonas]
                  - match: {rule: "Engine *", transition: ACKNOWLEDGED}
                    channels: [email]
                    to: [maria]
                """);

        assertThat(who(r.deliveries(facts("RAISED", "WARNING", "engine-7"), false, NOON)))
                .containsExactly("email:ops:ops@example.com");
        assertThat(r.deliveries(facts("RAISED", "INFO", "engine-7"), false, NOON))
                .isEmpty();
        assertThat(r.deliveries(facts("RAISED", "CRITICAL", "meter-7"), false, NOON))
                .isEmpty();
        assertThat(r.deliveries(
                        AlertFacts.of("RAISED", "CRITICAL", 0, "x", "engine-7", "plant-10", null, null), false, NOON))
                .as("? is one character")
                .isEmpty();
        assertThat(r.deliveries(AlertFacts.of("RAISED", "INFO", 0, "x", "pump-3", null, null, "north"), false, NOON))
                .as("type from the device id, group from its tag")
                .extracting(Delivery::recipient)
                .containsExactly("jonas");
        assertThat(r.deliveries(
                        AlertFacts.of("RAISED", "INFO", 0, "x", "sensor-3", null, "pump", "south"), false, NOON))
                .isEmpty();
        assertThat(r.deliveries(facts("ACKNOWLEDGED", "WARNING", "engine-7"), false, NOON))
                .extracting(Delivery::recipient)
                .containsExactly("maria");
        assertThat(r.deliveries(facts("CLEARED", "WARNING", "engine-7"), false, NOON))
                .as("without transition: RAISED, ESCALATED, CLEARED")
                .extracting(Delivery::recipient)
                .containsExactly("ops");
    }

    @Test
    void aGroupIsItsPeopleEachChannelAndRecipientOnce() {
        Routing r = routing(PEOPLE + """
                rules:
                  - channels: [sms]
                    to: [on-call, maria]
                  - match: {severity: CRITICAL}
                    channels: [sms, email]
                    to: [maria]
                """);

        assertThat(who(r.deliveries(facts("RAISED", "CRITICAL", "engine-1"), false, NOON)))
                .containsExactly(
                        "sms:maria:+4915112345678", "sms:jonas:+4915112345679", "email:maria:maria@example.com");
    }

    @Test
    void aCaseOpensWhereTheRulesSayAndClosesWheneverItsAlertClears() {
        Routing r = routing(PEOPLE + """
                rules:
                  - match: {severity: CRITICAL}
                    channels: [crm]
                """);

        assertThat(who(r.deliveries(facts("RAISED", "CRITICAL", "engine-1"), false, NOON)))
                .containsExactly("crm:crm:Case");
        assertThat(r.deliveries(facts("RAISED", "WARNING", "engine-1"), false, NOON))
                .isEmpty();
        assertThat(who(r.deliveries(facts("CLEARED", "WARNING", "engine-1"), true, NOON)))
                .as("the alert made a case when it was critical; its clearing closes it")
                .containsExactly("crm:crm:Case");
        assertThat(r.deliveries(facts("CLEARED", "CRITICAL", "engine-1"), false, NOON))
                .as("no case, nothing to close")
                .isEmpty();
    }

    @Test
    void quietHoursDelaySmsToTheEndOfTheWindowExceptForCriticalAlerts() {
        Routing r = routing(PEOPLE + """
                rules:
                  - channels: [sms, email]
                    to: [maria]
                quiet-hours:
                  - name: night
                    from: "22:00"
                    to: "07:00"
                    zone: Europe/Berlin
                    channels: [sms]
                    except: {severity: CRITICAL}
                """);
        // 23:30 in Berlin (UTC+1 in November): the SMS waits for 07:00 Berlin, 06:00 UTC; the email does not
        Instant night = Instant.parse("2026-11-26T22:30:00Z");

        assertThat(r.deliveries(facts("RAISED", "WARNING", "engine-1"), false, night))
                .extracting(d -> d.channel() + "@" + d.notBefore())
                .containsExactly("sms@2026-11-27T06:00:00Z", "email@null");
        assertThat(r.deliveries(facts("RAISED", "CRITICAL", "engine-1"), false, night))
                .extracting(Delivery::notBefore)
                .containsOnlyNulls();
        assertThat(r.notBefore(
                        "sms", "maria", facts("RAISED", "WARNING", "engine-1"), Instant.parse("2026-11-27T05:59:59Z")))
                .isEqualTo("2026-11-27T06:00:00Z");
        assertThat(r.notBefore(
                        "sms", "maria", facts("RAISED", "WARNING", "engine-1"), Instant.parse("2026-11-27T06:00:00Z")))
                .as("07:00 Berlin: the window is over")
                .isNull();
        assertThat(r.notBefore(
                        "sms", "maria", facts("RAISED", "WARNING", "engine-1"), Instant.parse("2026-11-26T20:59:59Z")))
                .as("21:59 Berlin")
                .isNull();
        assertThat(r.notBefore("sms", "maria", null, night))
                .as("a digest waits even when critical alerts would not")
                .isEqualTo("2026-11-27T06:00:00Z");
    }

    @Test
    void quietHoursForSomePeopleOnlyAndWindowsThatFollowEachOther() {
        Routing r = routing(PEOPLE + """
                rules:
                  - channels: [email]
                    to: [ops, maria]
                quiet-hours:
                  - {from: "12:00", to: "13:00", zone: UTC, channels: [email], people: [on-call]}
                  - {from: "13:00", to: "14:30", zone: UTC, channels: [email], people: [maria]}
                """);

        assertThat(r.deliveries(facts("RAISED", "WARNING", "engine-1"), false, NOON))
                .extracting(d -> d.recipient() + "@" + d.notBefore())
                .containsExactly("ops@null", "maria@2026-11-26T14:30:00Z");
    }

    @Test
    void aTierNarrowedByAMatchOnlyEscalatesThoseAlerts() {
        Routing r = routing(PEOPLE + """
                rules: []
                escalation:
                  - tier: 1
                    match: {site: plant-1}
                    channels: [sms, crm]
                    to: [jonas]
                """);

        assertThat(who(r.deliveries(escalated("WARNING", 1), false, NOON)))
                .containsExactly("sms:jonas:+4915112345679", "crm:crm:Case");
        assertThat(r.deliveries(
                        AlertFacts.of("ESCALATED", "WARNING", 1, "x", "engine-1", "plant-2", null, null), false, NOON))
                .isEmpty();
        assertThat(r.deliveries(escalated("WARNING", 2), false, NOON)).isEmpty();
        assertThat(r.deliveries(
                        AlertFacts.of("RAISED", "WARNING", 1, "x", "engine-1", "plant-1", null, null), false, NOON))
                .as("tiers are for ESCALATED transitions")
                .isEmpty();
    }

    @Test
    void rateLimitWindowsAreAlignedToTheEpoch() {
        Routing r = routing(PEOPLE + """
                rules: []
                rate-limits:
                  sms: {max: 5, per: 1h}
                  email: {max: 10, per: 15m}
                """);

        assertThat(r.rateLimit("sms").orElseThrow().windowStart(Instant.parse("2026-11-26T10:59:59Z")))
                .isEqualTo("2026-11-26T10:00:00Z");
        assertThat(r.rateLimit("email").orElseThrow().windowStart(Instant.parse("2026-11-26T10:31:00Z")))
                .isEqualTo("2026-11-26T10:30:00Z");
        assertThat(r.rateLimit("crm")).isEmpty();
    }

    @Test
    void aPhoneNumberKeepsItsPlusUnquotedAndPlaceholdersAreResolved() {
        var env = new MockEnvironment().withProperty("ONCALL_PHONE", "+15555550123");
        Routing r = RoutingParser.parse("""
                people:
                  maria: {phone: +4915112345678}
                  duty: {phone: "${ONCALL_PHONE}", email: "${hub.mail.to:ops@localhost}"}
                rules:
                  - {channels: [sms], to: [maria, duty]}
                  - {channels: [email], to: [duty]}
                """.getBytes(StandardCharsets.UTF_8), env::resolveRequiredPlaceholders);

        assertThat(who(r.deliveries(facts("RAISED", "INFO", "engine-1"), false, NOON)))
                .containsExactly("sms:maria:+4915112345678", "sms:duty:+15555550123", "email:duty:ops@localhost");
    }

    @Test
    void aFileWithoutMistakesButWithAnUnresolvablePlaceholderIsRefusedAtItsLine() {
        var env = new MockEnvironment();
        var e = catchThrowableOfType(
                () -> RoutingParser.parse("""
                people:
                  duty:
                    phone: "${ONCALL_PHONE}"
                rules: []
                """.getBytes(StandardCharsets.UTF_8), env::resolveRequiredPlaceholders),
                RoutingException.class);

        assertThat(e.line()).isEqualTo(3);
        assertThat(e.reason()).contains("ONCALL_PHONE");
    }

    private static AlertFacts escalated(String severity, int tier) {
        return AlertFacts.of("ESCALATED", severity, tier, "Engine overheat", "engine-42", "plant-1", null, null);
    }
}
