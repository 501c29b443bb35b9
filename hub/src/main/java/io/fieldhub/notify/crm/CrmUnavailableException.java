package io.fieldhub.notify.crm;

/**
 * Salesforce could not be reached or would not let the hub in: an outage of the CRM channel, retried later and
 * counted by its circuit breaker.
 */
public class CrmUnavailableException extends RuntimeException {

    public CrmUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
