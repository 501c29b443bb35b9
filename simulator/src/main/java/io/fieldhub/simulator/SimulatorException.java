package io.fieldhub.simulator;

/** A run that cannot start, with a message that says what to do about it. */
public final class SimulatorException extends RuntimeException {

    public SimulatorException(String message, Throwable cause) {
        super(message, cause);
    }
}
