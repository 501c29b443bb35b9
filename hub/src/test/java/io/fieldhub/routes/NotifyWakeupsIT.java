package io.fieldhub.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.alert.AlertLifecycle;
import io.fieldhub.alert.RaisedAlert;
import io.fieldhub.notify.NotificationDigests;
import io.fieldhub.notify.NotificationFanOut;
import io.fieldhub.notify.NotificationRouting;
import io.fieldhub.notify.Wakeups;
import io.fieldhub.notify.channel.SendFailures;
import io.fieldhub.notify.email.AlertEmailComposer;
import io.fieldhub.notify.email.PooledMailSender;
import io.fieldhub.notify.email.SmtpErrors;
import io.fieldhub.store.WarmStore;
import io.fieldhub.telemetry.TelemetryRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * From an alert to its email with no timer to help: routes/store-warm, notify-fanout and notify-email against a real
 * PostgreSQL and SMTP server (GreenMail), with the timer routes not started, so only the wake-ups carry the work. An
 * alert that a reading raises is at the SMTP server within seconds, and a burst of 200 alerts raised at once becomes
 * 200 emails, one per notification, none twice.
 */
class NotifyWakeupsIT {

    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    @TempDir
    static Path dir;

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @RegisterExtension
    static final TestSmtp smtp = new TestSmtp();

    static final ChannelOutbox outbox = new ChannelOutbox(db);
    static NotificationRouting routing;
    RouteHarness hub;
    PooledMailSender sender;
    AlertLifecycle lifecycle;
    WarmStore warmStore;

    @BeforeAll
    static void startDatabase() throws Exception {
        Path file = Files.writeString(dir.resolve("notifications.yaml"), """
                people:
                  ops: {email: ops@plant-1.example}
                rules:
                  - channels: [email]
                    to: [ops]
                """);
        routing = new NotificationRouting(file, UnaryOperator.identity());
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (hub != null) {
            hub.close();
        }
        if (warmStore != null) {
            warmStore.drainAndStop();
        }
        if (sender != null) {
            sender.close();
        }
    }

    @Test
    void theAlertOfAStoredReadingIsAtTheSmtpServerWithinSeconds() throws Exception {
        startHub(100);
        Instant now = Instant.now();
        var hot = new TelemetryRecord(
                "m-1", "engine-7", now, now, Map.of("temperature", 95.5), Map.of("site", "plant-1"), TRACE);

        Exchange stored = hub.template().send("direct:store-warm", e -> {
            e.getMessage().setBody(hot);
            e.getMessage().setHeader("alerts", List.of(overheat("engine-7", "m-1", now)));
        });

        assertThat(stored.getException()).isNull();
        await("the email is at the SMTP server")
                .atMost(Duration.ofSeconds(5))
                .until(() -> smtp.getReceivedMessages().length == 1);
        MimeMessage email = smtp.getReceivedMessages()[0];
        assertThat(email.getSubject()).isEqualTo("[CRITICAL] Engine overheat on engine-7");
        assertThat(email.getAllRecipients()).extracting(Object::toString).containsExactly("ops@plant-1.example");
        await().atMost(DEADLINE)
                .until(() -> "SENT".equals(db.jdbc().queryForObject("select state from notification", String.class)));
    }

    @Test
    void aBurstOfAlertsIsOneEmailPerNotificationAndNoneTwice() throws Exception {
        // fan-out batches of 7 and email batches of 20 (as shipped): 200 alerts take many runs, each started by a
        // wake-up, most of them arriving while a run is under way
        startHub(7);
        int alerts = 200;
        int threads = 8;
        ExecutorService raisers = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> raised = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t * (alerts / threads);
                raised.add(raisers.submit(() -> {
                    for (int i = first; i < first + alerts / threads; i++) {
                        // one transaction, and one wake-up, each
                        lifecycle.applyOutsideMessages(
                                List.of(overheat("engine-" + i, "m-" + i, Instant.now())), false);
                    }
                }));
            }
            for (Future<?> thread : raised) {
                thread.get(60, TimeUnit.SECONDS);
            }
        } finally {
            raisers.shutdownNow();
        }

        await().atMost(DEADLINE).until(() -> smtp.getReceivedMessages().length >= alerts);
        await("no second copy")
                .during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .until(() -> smtp.getReceivedMessages().length == alerts);
        assertThat(db.jdbc().queryForObject("select count(*) from notification where state = 'SENT'", Long.class))
                .isEqualTo(alerts);
        assertThat(outbox.count("SENT")).as("one send a notification").isEqualTo(alerts);
        List<String> sent = db.jdbc().queryForList("select provider_ref from notification", String.class);
        assertThat(Arrays.stream(smtp.getReceivedMessages()).map(TestSmtp::messageId))
                .as("each notification's email, once")
                .containsExactlyInAnyOrderElementsOf(sent);
        assertThat(hub.deadLetters().letters()).isEmpty();
    }

    /** The three routes from an alert to its email, with their timers not started and the beans the hub has. */
    private void startHub(int fanOutBatch) throws Exception {
        hub = new RouteHarness();
        var wakeups = new Wakeups(hub.context());
        lifecycle = new AlertLifecycle(
                db.jdbc(),
                db.tx(),
                new AlertLifecycle.Settings(Duration.ofMinutes(1), Duration.ofMinutes(15), 3),
                Clock.systemUTC(),
                new SimpleMeterRegistry(),
                wakeups::fanOut);
        warmStore = new WarmStore(
                db.jdbc(),
                db.tx(),
                new ObjectMapper(),
                lifecycle,
                500,
                Duration.ofMillis(20),
                new SimpleMeterRegistry());
        sender = new PooledMailSender(
                "127.0.0.1", smtp.port(), null, null, false, Duration.ofSeconds(10), new SimpleMeterRegistry());
        hub.property("hub.notify.fanout-interval", "1h")
                .property("hub.notify.digest-check", "1h")
                .property("hub.notify.batch-size", fanOutBatch)
                .property("hub.mail.enabled", true)
                .property("hub.mail.host", "127.0.0.1")
                .property("hub.mail.port", smtp.port())
                .property("hub.mail.poll-interval", Duration.ofHours(1).toMillis())
                .bind("warmStore", warmStore)
                .bind(
                        "notificationFanOut",
                        new NotificationFanOut(
                                db.jdbc(), db.tx(), routing, Clock.systemUTC(), fanOutBatch, wakeups::channel))
                .bind(
                        "notificationDigests",
                        new NotificationDigests(db.jdbc(), db.tx(), routing, Clock.systemUTC(), wakeups::channel))
                .bind("notificationOutbox", outbox.outbox())
                .bind("alertEmailComposer", new AlertEmailComposer(ChannelOutbox.PUBLIC_URL))
                .bind("alertMailSender", sender)
                .bind("emailFailures", new SendFailures(outbox.outbox(), "email", SmtpErrors::isPermanent))
                .routes(
                        "store-warm.camel.yaml",
                        "notify-fanout.camel.yaml",
                        "notify-channel.camel.yaml",
                        "notify-email.camel.yaml")
                // an hour apart they would not fire during the test, but the fan-out's first tick comes a second
                // after the start
                .advise("notify-fanout-timer", NotifyWakeupsIT::notStarted)
                .advise("notify-email-timer", NotifyWakeupsIT::notStarted)
                .start();
    }

    private static void notStarted(AdviceWithRouteBuilder route) {
        route.getOriginalRoute().autoStartup(false);
    }

    private static RaisedAlert overheat(String deviceId, String messageId, Instant ts) {
        return new RaisedAlert(
                "Engine overheat",
                "CRITICAL",
                deviceId,
                messageId,
                "temperature",
                95.5,
                90.0,
                "Engine " + deviceId + " is running hot",
                ts,
                TRACE,
                null);
    }
}
