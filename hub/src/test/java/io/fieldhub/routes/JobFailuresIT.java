package io.fieldhub.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldhub.failure.HubAlert;
import io.fieldhub.failure.JobFailures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.BadSqlGrammarException;

/**
 * The timer routes' error handling (fieldhub-polling in routes/errors.camel.yaml) with the real jobFailures bean and
 * alert lifecycle on PostgreSQL: a permanent failure ends the run instead of retrying it in a loop, raises the hub's
 * alert about that job once, and a run that completes clears it; an outage is still retried until it passes.
 */
@Timeout(60) // without the permanent branch a failing run would retry forever
class JobFailuresIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static final String JOB = "test-job";

    /** The job's work: fails with each queued error in turn, then completes. */
    static final Deque<Exception> failures = new ConcurrentLinkedDeque<>();

    static final AtomicInteger attempts = new AtomicInteger();

    static JobFailures jobFailures;
    static RouteHarness hub;

    @BeforeAll
    static void start() throws Exception {
        var lifecycle = db.alertLifecycle(Clock.systemUTC(), new SimpleMeterRegistry());
        jobFailures = new JobFailures(
                new HubAlert(lifecycle, Clock.systemUTC()), new SimpleMeterRegistry(), Clock.systemUTC(), "hub_app");
        hub = new RouteHarness().bind("jobFailures", jobFailures).start();
        hub.context().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:job")
                        .routeId(JOB)
                        .routeConfigurationId("fieldhub-polling")
                        .process(exchange -> {
                            attempts.incrementAndGet();
                            Exception next = failures.poll();
                            if (next != null) {
                                throw next;
                            }
                        });
            }
        });
    }

    @AfterAll
    static void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    @BeforeEach
    void reset() {
        failures.clear();
        run();
        attempts.set(0);
    }

    @Test
    void aPermanentFailureEndsTheRunRaisesTheJobsAlertOnceAndAGoodRunClearsIt() {
        failures.add(permissionDenied());
        failures.add(permissionDenied());

        assertThat(run().getException()).as("handled, not retried in a loop").isNull();
        run();

        assertThat(attempts).as("one attempt a run").hasValue(2);
        assertThat(jobFailures.current()).hasEntrySatisfying(JOB, failing -> {
            assertThat(failing.runs()).isEqualTo(2);
            assertThat(failing.failure().cause()).contains("permission denied for table archive_watermark");
            assertThat(failing.failure().fix())
                    .contains("GRANT")
                    .contains("archive_watermark")
                    .contains("hub_app");
            assertThat(failing.alertProblem()).isNull();
        });
        assertThat(jobAlerts()).singleElement().satisfies(alert -> {
            assertThat(alert).containsEntry("state", "OPEN").containsEntry("severity", "CRITICAL");
            assertThat((String) alert.get("text"))
                    .startsWith("job " + JOB + " failing: permission denied for table archive_watermark");
        });

        run();

        assertThat(jobFailures.current()).isEmpty();
        assertThat(jobAlerts())
                .singleElement()
                .satisfies(alert -> assertThat(alert).containsEntry("state", "CLEARED"));
        assertThat(db.jdbc()
                        .queryForObject("select detail from alert_transition order by id desc limit 1", String.class))
                .contains("the job works again")
                .contains("2 run(s)");
    }

    @Test
    void anOutageIsRetriedWithinTheRunUntilItPasses() {
        failures.add(new SQLException("An I/O error occurred while sending to the backend.", "08006"));

        assertThat(run().getException()).isNull();

        assertThat(attempts).as("retried until it passed").hasValue(2);
        assertThat(jobFailures.current()).isEmpty();
        assertThat(jobAlerts()).isEmpty();
    }

    private static Exchange run() {
        return hub.template().send("direct:job", exchange -> {});
    }

    private static BadSqlGrammarException permissionDenied() {
        return new BadSqlGrammarException(
                "ConnectionCallback",
                "update archive_watermark",
                new SQLException("ERROR: permission denied for table archive_watermark", "42501"));
    }

    private static List<Map<String, Object>> jobAlerts() {
        return db.jdbc()
                .queryForList(
                        "select * from alert where device_id = ? and rule_id = ? order by id",
                        HubAlert.DEVICE_ID,
                        HubAlert.JOB_RULE_PREFIX + JOB);
    }
}
