package io.fieldhub.notify;

import java.time.Instant;
import java.util.List;

/**
 * One notification claimed for sending, with everything a channel needs to compose its message: the transition,
 * its alert, and for a digest the notifications it sums up.
 *
 * @param kind      TRANSITION, or DIGEST for the summary of a recipient's held notifications
 * @param attempt   this is the n-th attempt (1 for the first)
 * @param detail    what the transition says beyond the alert: for ACKNOWLEDGED the operator's note, for ESCALATED and
 *                  CLEARED the hub's reason; null when none. A person's words: channels show it through
 *                  {@link Notes#oneLine} and escape it for their format
 * @param text      the alert's text, as the rule wrote it
 * @param alertUrl  where people see the alert: {@code ${hub.public-url}/api/alerts/{id}}
 * @param digestOf  for a digest, the notifications it sums up; otherwise empty
 */
public record Outgoing(
        long id,
        String channel,
        String recipient,
        String address,
        String kind,
        int attempt,
        Long transitionId,
        String transition,
        Instant transitionAt,
        String actor,
        String detail,
        int tier,
        Long alertId,
        String ruleId,
        String deviceId,
        String severity,
        String state,
        String metric,
        Double value,
        Double threshold,
        Instant ts,
        String text,
        int count,
        String alertUrl,
        List<Outgoing> digestOf) {

    public boolean isDigest() {
        return "DIGEST".equals(kind);
    }
}
