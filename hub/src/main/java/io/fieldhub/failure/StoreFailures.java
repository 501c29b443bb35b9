package io.fieldhub.failure;

import io.fieldhub.deadletter.DeadLetters;
import io.fieldhub.ingest.TelemetryHeaders;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bean {@code storeFailures}: what the shared error handling (routes/errors.camel.yaml) does with a failure that
 * retrying cannot cure, and how the hub learns that storing works again.
 * <ul>
 *   <li>{@link #isPermanent}: the {@link ErrorClassifier}'s verdict, choosing between retry with backoff and the
 *       permanent branch;</li>
 *   <li>{@link #surface}: the permanent branch. The message's failure becomes the cause and the fix (which its dead
 *       letter and its device's answer carry), the hub's own alert is raised once per cause, health "store" turns
 *       DOWN, and the log says it once a minute per cause;</li>
 *   <li>{@link #stored}: the warm store committed a batch, so the failure is over: health is UP again and the alert
 *       clears.</li>
 * </ul>
 * The guarantee: docs/architecture.md#permanent-errors-are-surfaced.
 */
public class StoreFailures {

    /** Messages failed by a permanent store failure, by SQLState. */
    public static final String METRIC = "fieldhub.store.permanent-failures";

    private static final Logger LOG = LoggerFactory.getLogger(StoreFailures.class);
    /** How often the log repeats a cause that lasts, and how often a failed alert write is tried again. */
    private static final Duration REPEAT = Duration.ofMinutes(1);

    /**
     * The permanent failure in force.
     *
     * @param since        when the first message met this cause
     * @param messages     how many messages met it since
     * @param deviceId     the device of the latest one
     * @param messageId    the latest one
     * @param alertProblem why the hub's own alert could not be written, or {@code null}
     */
    public record Failing(
            StoreFailure failure,
            Instant since,
            long messages,
            String deviceId,
            String messageId,
            String alertProblem) {

        Failing next(String device, String message) {
            return new Failing(failure, since, messages + 1, device, message, alertProblem);
        }

        Failing withAlertProblem(String problem) {
            return new Failing(failure, since, messages, deviceId, messageId, problem);
        }
    }

    private final HubAlert alert;
    private final MeterRegistry meters;
    private final Clock clock;
    private final String dbUser;
    private volatile Failing failing;
    /** A hub alert may be open: one this hub raised, or one an earlier run left (a first commit clears it). */
    private volatile boolean alertMayBeOpen = true;
    /** The cause of the alert this hub raised and has not cleared, or {@code null}. */
    private String alertCause;
    /** Before this, a failed alert write is not tried again. */
    private Instant alertRetryAt = Instant.MIN;
    /** Per cause: when the log last said it, and how many messages met it since. */
    private final Map<String, Instant> loggedAt = new HashMap<>();

    private final Map<String, Long> sinceLogged = new HashMap<>();

    /** @param dbUser the user the hub connects to PostgreSQL as (spring.datasource.username), named in fixes */
    public StoreFailures(HubAlert alert, MeterRegistry meters, Clock clock, String dbUser) {
        this.alert = alert;
        this.meters = meters;
        this.clock = clock;
        this.dbUser = dbUser;
    }

    /** Whether the exchange's failure is permanent: the {@code onWhen} of the permanent branch. */
    public boolean isPermanent(Exchange exchange) {
        Throwable failure = exchange.getException() != null
                ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return ErrorClassifier.isPermanent(failure);
    }

    /**
     * The first step of the permanent branch: records the failure and puts a {@link PermanentStoreException} with the
     * cause and the fix in place of the exception caught, for the dead letter and the device's answer.
     */
    public void surface(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        StoreFailure failure = StoreFailure.of(error, dbUser);
        Message in = exchange.getMessage();
        String deviceId = in.getHeader(TelemetryHeaders.DEVICE_ID, String.class);
        String messageId = in.getHeader(TelemetryHeaders.MESSAGE_ID, String.class);
        meters.counter(METRIC, "sqlstate", failure.sqlState() == null ? "none" : failure.sqlState())
                .increment();
        synchronized (this) {
            Instant now = clock.instant();
            Failing before = failing;
            failing = before != null && before.failure().cause().equals(failure.cause())
                    ? before.next(deviceId, messageId)
                    : new Failing(failure, now, 1, deviceId, messageId, null);
            raiseAlert(failure, messageId, in.getHeader(TelemetryHeaders.TRACE_ID, String.class), now);
            log(failure, deviceId, messageId, now);
        }
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new PermanentStoreException(failure, error));
        exchange.setProperty(DeadLetters.CAUSE_LOGGED, true);
    }

    /** The warm store committed a batch: a permanent failure is over, and the hub's alert clears. */
    public void stored() {
        if (failing == null && !alertMayBeOpen) {
            return;
        }
        synchronized (this) {
            Failing ended = failing;
            failing = null;
            loggedAt.clear();
            sinceLogged.clear();
            if (ended != null) {
                LOG.info(
                        "store works again: {} message(s) failed with \"{}\" since {} (GET /api/dead-letters lists"
                                + " them); health 'store' is UP",
                        ended.messages(),
                        ended.failure().cause(),
                        ended.since());
            }
            Instant now = clock.instant();
            if (!alertMayBeOpen || now.isBefore(alertRetryAt)) {
                return;
            }
            String why = ended == null
                    ? "readings are stored (the hub's alert was open when it started)"
                    : "readings are stored again; " + ended.messages() + " message(s) failed with \""
                            + ended.failure().cause() + "\" since " + ended.since() + " (see the dead letters)";
            try {
                alert.clear(why);
                alertMayBeOpen = false;
                alertCause = null;
            } catch (RuntimeException e) {
                alertRetryAt = now.plus(REPEAT);
                LOG.warn("the hub's own alert could not be cleared, tried again in a minute: {}", e.getMessage());
            }
        }
    }

    /** The permanent failure in force, if any: what health "store" shows. */
    public Optional<Failing> current() {
        return Optional.ofNullable(failing);
    }

    /** Raises the hub's alert once per cause; a cause that changes clears the alert of the one before. */
    private void raiseAlert(StoreFailure failure, String messageId, String traceId, Instant now) {
        if (failure.cause().equals(alertCause) || now.isBefore(alertRetryAt)) {
            return;
        }
        try {
            if (alertCause != null) {
                alert.clear("the cause changed to: " + failure.cause());
            }
            alert.raise(failure, messageId, traceId);
            alertCause = failure.cause();
            alertMayBeOpen = true;
            alertRetryAt = Instant.MIN;
            failing = failing.withAlertProblem(null);
        } catch (RuntimeException e) {
            alertRetryAt = now.plus(REPEAT);
            String problem = "the hub's own alert could not be written ("
                    + StoreFailure.of(e, dbUser).cause() + "); tried again in a minute";
            failing = failing.withAlertProblem(problem);
            LOG.error("{}: {}", problem, failure.reason());
        }
    }

    /** Says a cause once a minute, with how many messages met it in between. */
    private void log(StoreFailure failure, String deviceId, String messageId, Instant now) {
        String cause = failure.cause();
        long messages = sinceLogged.merge(cause, 1L, Long::sum);
        Instant last = loggedAt.get(cause);
        if (last != null && now.isBefore(last.plus(REPEAT))) {
            return;
        }
        loggedAt.put(cause, now);
        sinceLogged.remove(cause);
        LOG.error(
                "store failing, not retried: {}. {} message(s) failed on it since this was last logged (see the"
                        + " dead letters), the latest from device {}, message {}. Fix: {}. Health 'store' is DOWN"
                        + " until a reading is stored again",
                cause,
                messages,
                deviceId,
                messageId,
                failure.fix());
    }
}
