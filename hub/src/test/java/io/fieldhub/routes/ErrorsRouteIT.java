package io.fieldhub.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldhub.failure.HubAlert;
import io.fieldhub.failure.StoreFailures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.util.ObjectHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.BadSqlGrammarException;

/**
 * routes/errors.camel.yaml with the real storeFailures bean and alert lifecycle on PostgreSQL: a store failure that
 * may pass is retried until it does, one that will not is dead-lettered at once with its cause and fix, raises the
 * hub's own alert once per cause, and the alert clears when a batch is stored again.
 */
class ErrorsRouteIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    /** Stands in for the warm store: fails with each queued error in turn, then stores. */
    static final Deque<Exception> failures = new ConcurrentLinkedDeque<>();

    static final AtomicInteger attempts = new AtomicInteger();

    static final Processor warmStore = exchange -> {
        attempts.incrementAndGet();
        Exception next = failures.poll();
        if (next != null) {
            throw next;
        }
    };

    static StoreFailures storeFailures;
    static RouteHarness hub;

    @BeforeAll
    static void start() throws Exception {
        var lifecycle = db.alertLifecycle(Clock.systemUTC(), new SimpleMeterRegistry());
        storeFailures = new StoreFailures(
                new HubAlert(lifecycle, Clock.systemUTC()), new SimpleMeterRegistry(), Clock.systemUTC(), "hub_app");
        hub = new RouteHarness()
                .bind("warmStore", warmStore)
                .bind("storeFailures", storeFailures)
                .routes("store-warm.camel.yaml")
                .start();
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
        attempts.set(0);
        storeFailures.stored();
    }

    @Test
    void aRevokedPermissionIsDeadLetteredAtOnceWithItsCauseAndFix() {
        failures.add(permissionDenied());

        Exchange done = store("m-1");

        assertThat(done.getException()).as("handled: kept as a dead letter").isNull();
        assertThat(attempts).as("not retried").hasValue(1);
        assertThat(done.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class))
                .isEqualTo(500);
        assertThat(hub.deadLetters().letters()).last().satisfies(letter -> {
            assertThat(letter.messageId()).isEqualTo("m-1");
            assertThat(letter.reason())
                    .contains("permission denied for table telemetry (SQLState 42501)")
                    .contains("GRANT SELECT, INSERT, UPDATE, DELETE ON telemetry TO hub_app");
        });
        assertThat(storeFailures.current()).hasValueSatisfying(f -> {
            assertThat(f.failure().table()).isEqualTo("telemetry");
            assertThat(f.messageId()).isEqualTo("m-1");
        });
    }

    @Test
    void theHubsAlertIsRaisedOncePerCauseAndClearedWhenStoringWorksAgain() {
        failures.add(permissionDenied());
        failures.add(permissionDenied());
        store("m-2");
        store("m-3");

        assertThat(hubAlerts()).singleElement().satisfies(alert -> {
            assertThat(alert).containsEntry("state", "OPEN").containsEntry("severity", "CRITICAL");
            assertThat((String) alert.get("text")).contains("permission denied for table telemetry");
            assertThat(alert).containsEntry("first_message_id", "m-2");
        });
        assertThat(transitions()).containsExactly("RAISED");

        failures.add(new BadSqlGrammarException(
                "insert",
                "insert into telemetry",
                new SQLException("ERROR: relation \"alert\" does not exist", "42P01")));
        store("m-4");
        assertThat(transitions())
                .as("a new cause clears the old alert and raises one of its own")
                .containsExactly("RAISED", "CLEARED", "RAISED");

        storeFailures.stored();
        assertThat(storeFailures.current()).isEmpty();
        assertThat(transitions()).containsExactly("RAISED", "CLEARED", "RAISED", "CLEARED");
        assertThat(db.jdbc()
                        .queryForObject("select detail from alert_transition order by id desc limit 1", String.class))
                .contains("readings are stored again")
                .contains("relation \"alert\" does not exist");
    }

    @Test
    void aReadOnlyDatabaseIsWaitedOutWithoutADeadLetterOrAnAlert() {
        failures.add(new SQLException("ERROR: cannot execute INSERT in a read-only transaction", "25006"));
        failures.add(new SQLException("FATAL: the database system is starting up", "57P03"));
        int lettersBefore = hub.deadLetters().letters().size();

        Exchange done = store("m-5");

        assertThat(done.getException()).isNull();
        assertThat(attempts).as("retried until stored").hasValue(3);
        assertThat(hub.deadLetters().letters()).hasSize(lettersBefore);
        assertThat(storeFailures.current()).isEmpty();
        assertThat(hubAlerts()).isEmpty();
    }

    @Test
    void aFailureThatTurnsPermanentDuringItsRetriesStopsBeingRetried() {
        failures.add(new SQLException("An I/O error occurred while sending to the backend.", "08006"));
        failures.add(permissionDenied());

        Exchange done = store("m-6");

        assertThat(done.getException()).isNull();
        assertThat(attempts).hasValue(2);
        assertThat(hub.deadLetters().letters())
                .last()
                .satisfies(letter -> assertThat(letter.reason()).contains("permission denied"));
    }

    @Test
    void aMessageNeitherStoredNorDeadLetteredFailsSoItsDeviceSendsItAgain() throws Exception {
        failures.add(permissionDenied());
        try (var alone = new RouteHarness()
                .bind("warmStore", warmStore)
                .bind("storeFailures", storeFailures)
                .bind("deadLetters", new FailingDeadLetters())
                .routes("store-warm.camel.yaml")
                .start()) {
            Exchange done = store(alone, "m-7");

            assertThat(ObjectHelper.getException(IllegalStateException.class, done.getException()))
                    .as("failed: the device is told to send it again")
                    .hasMessageContaining("dead_letter");
        }
        assertThat(storeFailures.current())
                .as("health says it all the same")
                .hasValueSatisfying(f -> assertThat(f.messageId()).isEqualTo("m-7"));
        assertThat(hubAlerts())
                .singleElement()
                .satisfies(alert -> assertThat(alert).containsEntry("state", "OPEN"));
    }

    /** A dead-letter table that refuses rows too. */
    public static class FailingDeadLetters {
        public void record(Exchange exchange) {
            throw new IllegalStateException("permission denied for table dead_letter");
        }
    }

    private static Exchange store(String messageId) {
        return store(hub, messageId);
    }

    private static Exchange store(RouteHarness on, String messageId) {
        return on.template().send("direct:store-warm", e -> {
            e.getMessage().setBody("{}");
            e.getMessage().setHeader("deviceId", "pump-7");
            e.getMessage().setHeader("messageId", messageId);
        });
    }

    private static BadSqlGrammarException permissionDenied() {
        return new BadSqlGrammarException(
                "ConnectionCallback",
                "insert into telemetry",
                new SQLException("ERROR: permission denied for table telemetry", "42501"));
    }

    private static List<Map<String, Object>> hubAlerts() {
        return db.jdbc().queryForList("select * from alert where device_id = ? order by id", HubAlert.DEVICE_ID);
    }

    private static List<String> transitions() {
        return db.jdbc().queryForList("select transition from alert_transition order by id", String.class);
    }
}
