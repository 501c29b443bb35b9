package io.fieldhub.notify.crm;

import io.fieldhub.notify.channel.PermanentFailure;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.camel.component.salesforce.api.SalesforceException;
import org.apache.camel.component.salesforce.api.dto.RestError;

/**
 * What a failed Salesforce call means for the notification: a rejection (the org will refuse the same request again,
 * e.g. 400 INVALID_FIELD or 404 NOT_FOUND for a missing external-id field) is final; anything else (503, 429, 5xx,
 * an API request limit, a network error) is an outage that the outbox retries.
 */
final class SalesforceErrors {

    /** Salesforce's answer when the org has used up its daily API requests; it comes back, so it is retried. */
    private static final String LIMIT_EXCEEDED = "REQUEST_LIMIT_EXCEEDED";

    private static final int MAX_DETAIL = 1000;

    private SalesforceErrors() {}

    /** True when the org refused the request itself, so sending it again cannot succeed. */
    static boolean isRejection(Throwable e) {
        if (!(e instanceof SalesforceException sf)) {
            return false;
        }
        int status = sf.getStatusCode();
        if (status < 400 || status >= 500 || status == 408 || status == 429) {
            return false;
        }
        return errors(sf).stream().noneMatch(error -> LIMIT_EXCEEDED.equals(error.getErrorCode()));
    }

    /** The status and Salesforce's own error codes and messages, for the attempt record. */
    static String describe(Throwable e) {
        if (e instanceof SalesforceException sf) {
            String status = sf.getStatusCode() > 0 ? sf.getStatusCode() + " " : "";
            List<RestError> errors = errors(sf);
            if (!errors.isEmpty()) {
                return cut(
                        status + errors.stream().map(SalesforceErrors::describe).collect(Collectors.joining("; ")));
            }
            Throwable cause = sf.getCause();
            // a failure without an answer: Jetty's cause message dumps the whole connection; its type says enough
            return cut(status
                    + sf.getMessage()
                    + (cause == null ? "" : " (" + cause.getClass().getSimpleName() + ")"));
        }
        return e instanceof CrmUnavailableException || e instanceof PermanentFailure
                ? e.getMessage()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static String cut(String s) {
        return s.length() <= MAX_DETAIL ? s : s.substring(0, MAX_DETAIL - 1) + "…";
    }

    private static String describe(RestError error) {
        String fields = error.getFields() == null || error.getFields().isEmpty()
                ? ""
                : " [" + String.join(", ", error.getFields()) + "]";
        return error.getErrorCode() + ": " + error.getMessage() + fields;
    }

    private static List<RestError> errors(SalesforceException e) {
        return e.getErrors() == null ? List.of() : e.getErrors();
    }
}
