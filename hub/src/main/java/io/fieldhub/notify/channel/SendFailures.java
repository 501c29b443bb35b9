package io.fieldhub.notify.channel;

import io.fieldhub.notify.NotificationOutbox;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records why a channel route could not send a notification, in the words the outbox keeps: the channel's circuit
 * was open (retried later, no attempt made), the provider refused it for good (FAILED), or anything else (an outage,
 * a timeout: retried with the outbox's backoff). Which refusals are final is the channel's to say.
 */
public class SendFailures {

    private static final Logger LOG = LoggerFactory.getLogger(SendFailures.class);
    private static final int MAX_DETAIL = 1000;

    private final NotificationOutbox outbox;
    private final String channel;
    private final Predicate<Throwable> permanent;

    /** @param permanent whether an exception (or one of its causes) means the provider will never take the message */
    public SendFailures(NotificationOutbox outbox, String channel, Predicate<Throwable> permanent) {
        this.outbox = outbox;
        this.channel = channel;
        this.permanent = permanent;
    }

    public void record(long notificationId, Throwable error) {
        String detail = describe(error);
        if (has(error, CallNotPermittedException.class)) {
            LOG.debug("{} notification {} not attempted: the circuit is open", channel, notificationId);
            outbox.circuitOpen(notificationId, detail);
        } else if (has(error, PermanentFailure.class) || causes(error).anyMatch(permanent)) {
            LOG.warn("{} notification {} failed for good: {}", channel, notificationId, detail);
            outbox.failed(notificationId, detail, true);
        } else {
            LOG.info("{} notification {} not sent, will retry: {}", channel, notificationId, detail);
            outbox.failed(notificationId, detail, false);
        }
    }

    private static boolean has(Throwable error, Class<? extends Throwable> type) {
        return causes(error).anyMatch(type::isInstance);
    }

    private static java.util.stream.Stream<Throwable> causes(Throwable error) {
        return java.util.stream.Stream.iterate(error, e -> e != null, e -> e.getCause() == e ? null : e.getCause())
                .limit(20);
    }

    /** Each distinct message down the cause chain, outermost first: what a person needs to see why. */
    static String describe(Throwable error) {
        var text = new StringBuilder();
        causes(error).forEach(e -> {
            String message = e.getMessage() == null
                    ? e.getClass().getSimpleName()
                    : e.getClass().getSimpleName() + ": " + e.getMessage().strip();
            if (text.indexOf(message) < 0) {
                text.append(text.isEmpty() ? "" : " <- ").append(message);
            }
        });
        return text.length() <= MAX_DETAIL ? text.toString() : text.substring(0, MAX_DETAIL - 3) + "...";
    }
}
