package io.fieldhub.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.fieldhub.notify.AlertEmail;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * routes/notify-email.camel.yaml against a real PostgreSQL and SMTP server: every alert is emailed once to
 * hub.mail.to, marked as sent, and an SMTP outage delays the email without dropping it.
 */
class NotifyEmailRouteIT {

    static final Duration DEADLINE = Duration.ofSeconds(20);
    static final Instant TS = Instant.parse("2026-11-26T10:00:00.123Z");

    @TempDir
    static Path dir;
    static TestDatabase db;
    static int smtpPort;
    GreenMail smtp;
    RouteHarness hub;

    @BeforeAll
    static void startDatabase() throws IOException {
        db = new TestDatabase(dir.resolve("postgres"));
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
                "http://hub.plant-1.example:8080/api/alerts/" + id);
        await().atMost(DEADLINE).until(() -> emailedAt(id) != null);

        // A later alert proves the route polled again; the first one must not come back with it.
        insertAlert("m-2", "engine-8", 91.0);
        assertThat(smtp.waitForIncomingEmail(DEADLINE.toMillis(), 2)).isTrue();
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

    /** An alert row as the warm store writes it when the engine overheat rule fires. */
    private static long insertAlert(String messageId, String deviceId, double temperature) {
        String text = "Engine " + deviceId + " is running hot: temperature " + temperature + " above 90.0";
        return db.jdbc().queryForObject("""
                insert into alert (rule_id, severity, device_id, message_id, metric, value, threshold, text, ts, trace_id)
                values ('Engine overheat', 'CRITICAL', ?, ?, 'temperature', ?, 90.0, ?, ?,
                        '4bf92f3577b34da6a3ce929d0e0e4736')
                returning id""", Long.class, deviceId, messageId, temperature, text, Timestamp.from(TS));
    }

    private static Timestamp emailedAt(long id) {
        return db.jdbc().queryForObject("select emailed_at from alert where id = ?", Timestamp.class, id);
    }

}
