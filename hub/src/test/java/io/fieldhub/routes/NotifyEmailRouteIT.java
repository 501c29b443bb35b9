package io.fieldhub.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.fieldhub.alert.AlertLifecycle;
import io.fieldhub.alert.RaisedAlert;
import io.fieldhub.notify.AlertEmail;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * routes/notify-email.camel.yaml against a real PostgreSQL and SMTP server: every raised alert is emailed once to
 * hub.mail.to, marked as sent, repeated triggers and later transitions send nothing, and an SMTP outage delays the
 * email without dropping it.
 */
class NotifyEmailRouteIT {

    static final Duration DEADLINE = Duration.ofSeconds(20);
    static final Instant TS = Instant.parse("2026-11-26T10:00:00.123Z");

    @TempDir
    static Path dir;
    static TestDatabase db;
    static AlertLifecycle lifecycle;
    static int smtpPort;
    GreenMail smtp;
    RouteHarness hub;

    @BeforeAll
    static void startDatabase() throws IOException {
        db = new TestDatabase(dir.resolve("postgres"));
        lifecycle = new AlertLifecycle(db.jdbc(), db.tx(),
                new AlertLifecycle.Settings(Duration.ofMinutes(1), Duration.ofMinutes(15), 3), Clock.systemUTC(),
                new SimpleMeterRegistry());
        smtpPort = RouteHarness.freePort();
    }

    @AfterAll
    static void stopDatabase() {
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void start() throws Exception {
        db.clear();
        smtp = startSmtp();
    }

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
        smtp.stop();
    }

    @Test
    void alertIsEmailedOnceToTheOperatorsAndMarkedSent() throws Exception {
        startMailRoute();
        long id = insertAlert("m-1", "engine-7", 95.5);

        assertThat(smtp.waitForIncomingEmail(DEADLINE.toMillis(), 1)).as("an email arrives").isTrue();
        MimeMessage email = smtp.getReceivedMessages()[0];
        assertThat(email.getSubject())
                .isEqualTo("[FieldHub CRITICAL] engine-7: Engine engine-7 is running hot: temperature 95.5 above 90.0");
        assertThat(email.getRecipients(RecipientType.TO))
                .containsExactly(new InternetAddress("operations@plant-1.example"));
        assertThat(email.getFrom()).containsExactly(new InternetAddress("fieldhub@plant-1.example"));
        assertThat(GreenMailUtil.getBody(email)).contains("engine-7", "Engine overheat", "temperature", "95.5",
                "90.0", "2026-11-26T10:00:00.123Z", "m-1", "http://hub.plant-1.example:8080/api/alerts/" + id);
        await().atMost(DEADLINE).until(() -> emailedAt(id) != null);

        // A repeat of the open alert, its escalation and its acknowledgement send nothing. A new alert, recorded
        // after them, proves the route polled past them; the first one must not come back with it.
        insertAlert("m-1b", "engine-7", 96.5);
        assertThat(lifecycle.escalateDue(Instant.now().plus(Duration.ofHours(1)))).isEqualTo(1);
        lifecycle.acknowledge(id, "maria", null);
        long second = insertAlert("m-2", "engine-8", 91.0);
        await().atMost(DEADLINE).until(() -> emailedAt(second) != null);
        assertThat(smtp.getReceivedMessages()).extracting(MimeMessage::getSubject).containsExactly(
                "[FieldHub CRITICAL] engine-7: Engine engine-7 is running hot: temperature 95.5 above 90.0",
                "[FieldHub CRITICAL] engine-8: Engine engine-8 is running hot: temperature 91.0 above 90.0");
    }

    @Test
    void alertRaisedDuringAnSmtpOutageIsEmailedOnceTheServerIsBack() throws Exception {
        startMailRoute();
        smtp.stop();
        long id = insertAlert("m-3", "engine-7", 99.0);
        try {
            await("the alert stays unsent while SMTP is down").during(Duration.ofMillis(1500))
                    .atMost(Duration.ofSeconds(5)).until(() -> emailedAt(id) == null);
        } finally {
            smtp = startSmtp();
        }

        assertThat(smtp.waitForIncomingEmail(Duration.ofSeconds(45).toMillis(), 1)).isTrue();
        await().atMost(DEADLINE).until(() -> emailedAt(id) != null);
        assertThat(smtp.getReceivedMessages()).extracting(MimeMessage::getSubject).containsExactly(
                "[FieldHub CRITICAL] engine-7: Engine engine-7 is running hot: temperature 99.0 above 90.0");
        assertThat(hub.deadLetters().letters()).as("an outage is waited out, not dead-lettered").isEmpty();
    }

    @Test
    void withoutAMailHostTheRouteStaysStoppedAndAlertsStayUnsent() throws Exception {
        hub = route().start();
        long id = insertAlert("m-4", "engine-7", 95.5);

        assertThat(hub.context().getRouteController().getRouteStatus("notify-email").isStopped()).isTrue();
        assertThat(emailedAt(id)).as("still waiting, to be sent once mail is configured").isNull();
        assertThat(smtp.getReceivedMessages()).isEmpty();
    }

    /** The route as a hub with hub.mail.host set runs it (EmbeddedDefaults then sets hub.mail.enabled). */
    private void startMailRoute() throws Exception {
        hub = route()
                .property("hub.mail.enabled", true)
                .property("hub.mail.host", "127.0.0.1")
                .property("hub.mail.port", smtpPort)
                .property("hub.mail.from", "fieldhub@plant-1.example")
                .property("hub.mail.to", "operations@plant-1.example")
                .property("hub.mail.poll-interval", 200)
                .start();
    }

    private static RouteHarness route() {
        return new RouteHarness()
                .bind("dataSource", db.dataSource())
                .bind("alertEmail", new AlertEmail("http://hub.plant-1.example:8080/"))
                .routes("notify-email.camel.yaml");
    }

    private static GreenMail startSmtp() {
        GreenMail server = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        server.start();
        return server;
    }

    /** The engine overheat rule fires: the device's open alert, a new one with a RAISED transition if none is. */
    private static long insertAlert(String messageId, String deviceId, double temperature) {
        String text = "Engine " + deviceId + " is running hot: temperature " + temperature + " above 90.0";
        lifecycle.applyOutsideMessages(List.of(new RaisedAlert("Engine overheat", "CRITICAL", deviceId, messageId,
                "temperature", temperature, 90.0, text, TS, "4bf92f3577b34da6a3ce929d0e0e4736", null)), false);
        return db.jdbc().queryForObject("select id from alert where device_id = ? and state <> 'CLEARED'",
                Long.class, deviceId);
    }

    /** When the email for the alert's RAISED transition was sent. */
    private static Timestamp emailedAt(long alertId) {
        return db.jdbc().queryForObject(
                "select emailed_at from alert_transition where alert_id = ? and transition = 'RAISED'",
                Timestamp.class, alertId);
    }

}
