package io.fieldhub.notify.channel;

/**
 * A notification that can never be sent as it is, whatever the provider's state: an address the channel cannot
 * use, say. A channel route records it as FAILED at once instead of retrying it.
 */
public class PermanentFailure extends RuntimeException {

    public PermanentFailure(String message) {
        super(message);
    }
}
