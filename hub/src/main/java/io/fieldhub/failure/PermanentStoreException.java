package io.fieldhub.failure;

/**
 * What a message that met a permanent store failure is failed with: its message is the failure's {@link
 * StoreFailure#reason()} (the cause and the fix), which the dead letter and the device's answer carry.
 */
public class PermanentStoreException extends RuntimeException {

    private final transient StoreFailure failure;

    public PermanentStoreException(StoreFailure failure, Throwable cause) {
        super(failure.reason(), cause);
        this.failure = failure;
    }

    public StoreFailure failure() {
        return failure;
    }
}
