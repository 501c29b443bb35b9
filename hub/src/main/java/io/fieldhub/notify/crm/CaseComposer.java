package io.fieldhub.notify.crm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.notify.Notes;
import io.fieldhub.notify.Outgoing;
import io.fieldhub.notify.channel.PermanentFailure;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Salesforce Case for an alert notification (bean {@code crmCase}): the external-id value the route upserts by,
 * and the JSON body of the upsert. Every transition sends the whole case (Subject, Description, Priority), so a
 * retry, or a CLEARED that arrives before its RAISED got through, still leaves one complete case. Status: a RAISED
 * opens the case ({@code hub.crm.open-status}); a CLEARED, or any transition of an alert already cleared, closes it
 * ({@code hub.crm.closed-status}); an ESCALATED or ACKNOWLEDGED leaves the status to the people working the case.
 * The subject is the alert's, the same for every transition; what a transition says (an operator's acknowledgement
 * note) goes only into the description, on its own "Note:" line, as plain text that Jackson encodes.
 */
public class CaseComposer {

    /** Salesforce's limits on the Case fields the hub fills. */
    static final int SUBJECT_MAX = 255;

    static final int DESCRIPTION_MAX = 32_000;

    private final CrmProperties crm;
    private final ObjectMapper json = new ObjectMapper();

    public CaseComposer(CrmProperties crm) {
        this.crm = crm;
    }

    /**
     * The value of the external-id field for the alert's case.
     *
     * @throws PermanentFailure the notification belongs to no alert (a digest), so no case can carry it
     */
    public String externalId(Outgoing n) {
        if (n.alertId() == null) {
            throw new PermanentFailure("notification " + n.id() + " is a " + n.kind()
                    + " of no single alert; only alert transitions become cases");
        }
        return crm.externalId(n.alertId());
    }

    /** The Case fields, as the JSON body of {@code PATCH /sobjects/Case/{externalIdField}/{externalId}}. */
    public String body(Outgoing n) throws JsonProcessingException {
        return json.writeValueAsString(fields(n));
    }

    Map<String, String> fields(Outgoing n) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Subject", cut("[FieldHub " + n.severity() + "] " + n.deviceId() + ": " + n.text(), SUBJECT_MAX));
        fields.put("Description", cut(description(n), DESCRIPTION_MAX));
        String priority = crm.priorities().get(n.severity());
        if (priority != null) {
            fields.put("Priority", priority);
        }
        String status = status(n);
        if (status != null) {
            fields.put("Status", status);
        }
        if (!CrmProperties.blank(crm.origin())) {
            fields.put("Origin", crm.origin());
        }
        return fields;
    }

    private String status(Outgoing n) {
        if ("CLEARED".equals(n.transition()) || "CLEARED".equals(n.state())) {
            return crm.closedStatus();
        }
        return "RAISED".equals(n.transition()) ? crm.openStatus() : null;
    }

    private static String description(Outgoing n) {
        StringBuilder d = new StringBuilder(n.text()).append("\n\n");
        line(d, "Device", n.deviceId());
        line(d, "Rule", n.ruleId());
        line(d, "Severity", n.severity());
        line(d, "Metric", n.metric());
        line(d, "Value", n.value());
        line(d, "Threshold", n.threshold());
        line(d, "Time", n.ts());
        line(d, "Triggers", n.count());
        line(d, "Transition", transition(n));
        line(d, "Note", Notes.oneLine(n.detail()));
        line(d, "Alert", n.alertUrl());
        return d.toString().stripTrailing();
    }

    private static String transition(Outgoing n) {
        if (n.transition() == null) {
            return null;
        }
        StringBuilder t = new StringBuilder(n.transition());
        if ("ESCALATED".equals(n.transition())) {
            t.append(" to tier ").append(n.tier());
        }
        Instant at = n.transitionAt();
        if (at != null) {
            t.append(" at ").append(at);
        }
        if (n.actor() != null) {
            t.append(" by ").append(n.actor());
        }
        return t.toString();
    }

    private static void line(StringBuilder d, String name, Object value) {
        if (value != null) {
            d.append(name).append(": ").append(value).append('\n');
        }
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
