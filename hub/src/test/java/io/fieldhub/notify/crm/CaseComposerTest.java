package io.fieldhub.notify.crm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.notify.Outgoing;
import io.fieldhub.notify.channel.PermanentFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Case an alert transition becomes: fields, status by transition, the external id. */
class CaseComposerTest {

    static final Instant TS = Instant.parse("2026-11-26T10:00:00.123Z");

    final CaseComposer composer = new CaseComposer(settings("", null));

    @Test
    void aRaisedAlertOpensACaseWithEverythingAnEngineerNeeds() {
        Map<String, String> fields = composer.fields(transition("RAISED", "OPEN", "CRITICAL"));

        assertThat(fields)
                .containsOnlyKeys("Subject", "Description", "Priority", "Status")
                .containsEntry("Subject", "[FieldHub CRITICAL] engine-7: Engine engine-7 is running hot")
                .containsEntry("Priority", "High")
                .containsEntry("Status", "New");
        assertThat(fields.get("Description")).isEqualTo("""
                Engine engine-7 is running hot

                Device: engine-7
                Rule: Engine overheat
                Severity: CRITICAL
                Metric: temperature
                Value: 95.5
                Threshold: 90.0
                Time: 2026-11-26T10:00:00.123Z
                Triggers: 3
                Transition: RAISED at 2026-11-26T10:00:01Z by rules
                Alert: http://hub.example/api/alerts/42""");
    }

    @Test
    void aClearedAlertClosesItsCase() {
        assertThat(composer.fields(transition("CLEARED", "CLEARED", "CRITICAL")))
                .containsEntry("Status", "Closed");
    }

    @Test
    void aRaisedThatArrivesAfterItsAlertClearedDoesNotReopenTheCase() {
        assertThat(composer.fields(transition("RAISED", "CLEARED", "CRITICAL"))).containsEntry("Status", "Closed");
    }

    @Test
    void anEscalationUpdatesTheCaseButLeavesItsStatusToThePeopleWorkingIt() {
        Map<String, String> fields = composer.fields(transition("ESCALATED", "OPEN", "CRITICAL"));

        assertThat(fields).doesNotContainKey("Status");
        assertThat(fields.get("Description")).contains("Transition: ESCALATED to tier 2 at ");
    }

    @Test
    void anOperatorsNoteIsPlainTextOnItsOwnLineOfTheDescriptionAndNeverInTheSubject() throws Exception {
        String note = "on my way\nDevice: engine-99\r\n\u0007<script>alert(1)</script>\u202e";
        Outgoing acked = transition("ACKNOWLEDGED", "ACKNOWLEDGED", "CRITICAL", note);

        Map<String, String> fields = new ObjectMapper().readValue(composer.body(acked), new TypeReference<>() {});

        assertThat(fields.get("Subject")).isEqualTo("[FieldHub CRITICAL] engine-7: Engine engine-7 is running hot");
        assertThat(fields.get("Description"))
                .contains("\nNote: on my way Device: engine-99 <script>alert(1)</script>\n")
                .doesNotContain("\nDevice: engine-99", "\u0007", "\u202e", "\r");
    }

    @Test
    void aSeverityWithoutAPriorityLeavesTheOrgsDefaultAndOriginIsSentWhenSet() {
        var withOrigin = new CaseComposer(settings("", "Web"));

        assertThat(withOrigin.fields(transition("RAISED", "OPEN", "DEBUG")))
                .doesNotContainKey("Priority")
                .containsEntry("Origin", "Web");
    }

    @Test
    void theExternalIdIsTheAlertIdAfterAnOptionalPrefix() {
        assertThat(composer.externalId(transition("RAISED", "OPEN", "CRITICAL")))
                .isEqualTo("42");
        assertThat(new CaseComposer(settings("plant-1-", null)).externalId(transition("RAISED", "OPEN", "CRITICAL")))
                .isEqualTo("plant-1-42");
    }

    @Test
    void aDigestBelongsToNoAlertSoItCannotBecomeACase() {
        var digest = new Outgoing(
                9, "crm", "crm", "Case", "DIGEST", 1, null, null, null, null, null, 0, null, null, null, null, null,
                null, null, null, null, null, 0, null, List.of());

        assertThatThrownBy(() -> composer.externalId(digest))
                .isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("notification 9 is a DIGEST");
    }

    @Test
    void theSubjectIsCutToSalesforcesLimit() {
        var n = transition("RAISED", "OPEN", "CRITICAL");
        var longText = new Outgoing(
                n.id(),
                n.channel(),
                n.recipient(),
                n.address(),
                n.kind(),
                n.attempt(),
                n.transitionId(),
                n.transition(),
                n.transitionAt(),
                n.actor(),
                n.detail(),
                n.tier(),
                n.alertId(),
                n.ruleId(),
                n.deviceId(),
                n.severity(),
                n.state(),
                n.metric(),
                n.value(),
                n.threshold(),
                n.ts(),
                "x".repeat(400),
                n.count(),
                n.alertUrl(),
                List.of());

        assertThat(composer.fields(longText).get("Subject"))
                .hasSize(CaseComposer.SUBJECT_MAX)
                .endsWith("…");
    }

    @Test
    void theBodyIsTheJsonOfTheFields() throws Exception {
        assertThat(composer.body(transition("CLEARED", "CLEARED", "WARNING")))
                .startsWith("{\"Subject\":\"[FieldHub WARNING] engine-7: Engine engine-7 is running hot\"")
                .contains("\"Priority\":\"Medium\"", "\"Status\":\"Closed\"");
    }

    static Outgoing transition(String transition, String state, String severity) {
        return transition(transition, state, severity, null);
    }

    static Outgoing transition(String transition, String state, String severity, String detail) {
        return new Outgoing(
                7,
                "crm",
                "crm",
                "Case",
                "TRANSITION",
                1,
                11L,
                transition,
                Instant.parse("2026-11-26T10:00:01Z"),
                "rules",
                detail,
                2,
                42L,
                "Engine overheat",
                "engine-7",
                severity,
                state,
                "temperature",
                95.5,
                90.0,
                TS,
                "Engine engine-7 is running hot",
                3,
                "http://hub.example/api/alerts/42",
                List.of());
    }

    static CrmProperties settings(String prefix, String origin) {
        return new CrmProperties(
                true,
                "https://login.salesforce.com",
                null,
                "62.0",
                CrmProperties.Auth.CLIENT_CREDENTIALS,
                "id",
                "secret",
                null,
                null,
                null,
                null,
                null,
                "FieldHub_Alert_Id__c",
                prefix,
                "New",
                "Closed",
                Map.of("CRITICAL", "High", "WARNING", "Medium", "INFO", "Low"),
                origin,
                Duration.ofSeconds(30),
                20,
                Duration.ofSeconds(1),
                null);
    }
}
