package io.fieldhub.failure;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bean {@code jobFailures}: the permanent branch of the background jobs' error handling (route configuration
 * {@code fieldhub-polling} in routes/errors.camel.yaml: the archive, notifications, escalation, the rule clock,
 * retention). Their work stays where it is (rows not yet archived, notifications not yet sent), so nothing is lost:
 * the job tries again at its next run instead of retrying in a loop. Meanwhile each failing job has the hub's own
 * alert (rule "Job failing: ROUTE"), health "jobs" is DOWN with the cause and the fix, and the log says it once a
 * minute. A run of the job that completes ends it all.
 */
public class JobFailures {

    /** Runs of background jobs failed by a permanent error, by route. */
    public static final String METRIC = "fieldhub.jobs.permanent-failures";

    private static final Logger LOG = LoggerFactory.getLogger(JobFailures.class);
    private static final Duration REPEAT = Duration.ofMinutes(1);

    /**
     * A job's permanent failure in force.
     *
     * @param loggedAt     when the log last said it
     * @param alertProblem why the hub's alert could not be written, or {@code null}
     */
    public record Failing(
            String job, StoreFailure failure, Instant since, long runs, Instant loggedAt, String alertProblem) {}

    private final HubAlert alert;
    private final MeterRegistry meters;
    private final Clock clock;
    private final String dbUser;
    private final Map<String, Failing> failing = new ConcurrentHashMap<>();

    public JobFailures(HubAlert alert, MeterRegistry meters, Clock clock, String dbUser) {
        this.alert = alert;
        this.meters = meters;
        this.clock = clock;
        this.dbUser = dbUser;
    }

    /** The permanent branch: records the failed run of the exchange's route and raises its alert once per cause. */
    public void surface(Exchange exchange) {
        String job = exchange.getFromRouteId();
        StoreFailure failure =
                StoreFailure.of(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class), dbUser);
        meters.counter(METRIC, "route", String.valueOf(job)).increment();
        Instant now = clock.instant();
        Failing before = failing.get(job);
        boolean sameCause = before != null && before.failure().cause().equals(failure.cause());
        String alertProblem = sameCause && before.alertProblem() == null ? null : raise(job, failure, before);
        boolean log = !sameCause || now.isAfter(before.loggedAt().plus(REPEAT));
        failing.put(
                job,
                new Failing(
                        job,
                        failure,
                        sameCause ? before.since() : now,
                        sameCause ? before.runs() + 1 : 1,
                        log ? now : before.loggedAt(),
                        alertProblem));
        if (log) {
            LOG.error(
                    "job {} failing, tried again at its next run: {}. Fix: {}. Health 'jobs' is DOWN until a run"
                            + " completes",
                    job,
                    failure.cause(),
                    failure.fix());
        }
    }

    /** A run of a background job completed: if it had failed, that is over and its alert clears. */
    public void succeeded(Exchange exchange) {
        if (failing.isEmpty() || exchange.getProperty(Exchange.EXCEPTION_CAUGHT) != null) {
            return;
        }
        String job = exchange.getFromRouteId();
        Failing ended = failing.remove(job);
        if (ended == null) {
            return;
        }
        LOG.info("job {} works again after {} failed run(s) since {}", job, ended.runs(), ended.since());
        try {
            alert.named(HubAlert.JOB_RULE_PREFIX + job)
                    .clear("the job works again; it failed " + ended.runs() + " run(s) with \""
                            + ended.failure().cause() + "\" since " + ended.since());
        } catch (RuntimeException e) {
            LOG.warn("the hub's alert about job {} could not be cleared: {}", job, e.getMessage());
        }
    }

    /** The jobs failing now, by route id: what health "jobs" shows. */
    public Map<String, Failing> current() {
        return Map.copyOf(failing);
    }

    /** Raises the job's alert (clearing the one of an earlier cause); returns why it could not, or {@code null}. */
    private String raise(String job, StoreFailure failure, Failing before) {
        HubAlert jobAlert = alert.named(HubAlert.JOB_RULE_PREFIX + job);
        try {
            if (before != null && before.alertProblem() == null) {
                jobAlert.clear("the cause changed to: " + failure.cause());
            }
            jobAlert.raise("job " + job + " failing: " + failure.cause() + ". Fix: " + failure.fix(), null, null);
            return null;
        } catch (RuntimeException e) {
            return "the hub's own alert could not be written ("
                    + StoreFailure.of(e, dbUser).cause() + ")";
        }
    }
}
