package io.fieldhub.telemetry;

/**
 * Bad input: the message can never be processed as sent. It goes to the dead letters with this reason,
 * and the flow goes on for everyone else. The message says what is wrong and how to fix it.
 */
public class InvalidTelemetryException extends RuntimeException {

    public InvalidTelemetryException(String reason) {
        super(reason);
    }

    public InvalidTelemetryException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
