package io.fieldhub.notify.crm;

import io.fieldhub.notify.NotificationOutbox;
import io.fieldhub.notify.channel.PermanentFailure;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.component.salesforce.api.SalesforceException;
import org.apache.camel.component.salesforce.api.dto.SaveSObjectResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What came of a case upsert (bean {@code crmOutcome}): the Case id when Salesforce took it, and in the outbox a
 * final failure when the org rejected the case, a retry after an outage, a postponement while the circuit is open.
 */
public class CaseOutcome {

    private static final Logger log = LoggerFactory.getLogger(CaseOutcome.class);

    private final NotificationOutbox outbox;

    public CaseOutcome(NotificationOutbox outbox) {
        this.outbox = outbox;
    }

    /**
     * What SENT records once Salesforce created (201) or updated (200) the case: the Case id its answer carries. API
     * versions before 46.0 answer an update with 204 and no body: the notification is then sent without a Case id.
     */
    public String caseId(Object result) {
        return result instanceof SaveSObjectResult saved ? saved.getId() : null;
    }

    /**
     * In the circuit breaker's catch: a rejection (the org answered "no") is returned, to be recorded after the
     * circuit breaker, for which the call then succeeded; any other failure is thrown on, for it to count.
     */
    public Exception rejection(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception e) throws Exception {
        if (isRejection(e)) {
            return e;
        }
        throw e;
    }

    /**
     * The case was not upserted: CIRCUIT_OPEN when the circuit breaker let no call through; FAILED for good when the
     * org rejected it (400 INVALID_FIELD, 404 NOT_FOUND, ...) or the notification is of no alert; otherwise (503,
     * 429, a failed login, no answer) retried after the outbox's backoff. The attempt keeps Salesforce's reason.
     */
    public void record(long notificationId, Throwable failure) {
        if (causes(failure).anyMatch(CallNotPermittedException.class::isInstance)) {
            outbox.circuitOpen(notificationId, "Salesforce circuit breaker open: not attempted");
            return;
        }
        Throwable cause = causes(failure)
                .filter(e -> e instanceof SalesforceException
                        || e instanceof CrmUnavailableException
                        || e instanceof PermanentFailure)
                .findFirst()
                .orElse(failure);
        String reason = SalesforceErrors.describe(cause);
        if (isRejection(cause)) {
            log.warn("Salesforce rejected the case of notification {}: {}", notificationId, reason);
            outbox.failed(notificationId, reason, true);
        } else {
            log.warn("Salesforce did not take the case of notification {}; retried later: {}", notificationId, reason);
            outbox.failed(notificationId, reason, false);
        }
    }

    /** A rejection, unless it is the cause of an outage (a login refused is the channel being down). */
    private static boolean isRejection(Throwable e) {
        for (Throwable c : causes(e).toList()) {
            if (c instanceof CrmUnavailableException) {
                return false;
            }
            if (c instanceof PermanentFailure || SalesforceErrors.isRejection(c)) {
                return true;
            }
        }
        return false;
    }

    private static Stream<Throwable> causes(Throwable e) {
        return Stream.iterate(e, c -> c != null, c -> c.getCause() == c ? null : c.getCause())
                .limit(20);
    }
}
