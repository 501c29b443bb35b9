package io.fieldhub.health;

import io.fieldhub.failure.JobFailures;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health "jobs": DOWN while a background job (the archive, notifications, retention, …) fails permanently, with each
 * failing job's cause and fix (docs/architecture.md#permanent-errors-are-surfaced); UP again once its next run
 * completes. An outage the jobs wait out leaves it UP.
 */
@Component("jobsHealthIndicator") // shown as "jobs"
class JobsHealth implements HealthIndicator {

    private final JobFailures failures;

    JobsHealth(JobFailures failures) {
        this.failures = failures;
    }

    @Override
    public Health health() {
        Map<String, JobFailures.Failing> failing = failures.current();
        if (failing.isEmpty()) {
            return Health.up().build();
        }
        var down = Health.down();
        new TreeMap<>(failing)
                .forEach((job, f) -> down.withDetail(
                        job,
                        Map.of(
                                "reason", f.failure().cause(),
                                "fix", f.failure().fix(),
                                "since", f.since().toString(),
                                "failedRuns", f.runs(),
                                "alert", f.alertProblem() == null ? "raised" : f.alertProblem())));
        return down.build();
    }
}
