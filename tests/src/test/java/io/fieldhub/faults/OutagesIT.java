package io.fieldhub.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.fieldhub.e2e.HubProcess;
import io.fieldhub.embedded.EmbeddedPostgresServer;
import io.fieldhub.embedded.EmbeddedS3Server;
import io.fieldhub.embedded.S3Clients;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.util.TestSocketUtils;

/**
 * Issue 16, R5 and the S3 and SMTP outages: the hub (its jar) runs against a PostgreSQL, an S3 server and an SMTP
 * server started by the test, which stops each of them for a while under load from simulated devices and starts it
 * again on the same port and data. Nothing acknowledged is lost, the archive and the emails complete afterwards, and
 * no email reaches the SMTP server twice. The three scenarios share the hub, each with devices of its own.
 */
@FaultSuite
class OutagesIT {

    /** Kept when a test fails: the hub's logs and the simulator's output are there. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path home;

    static final int SMTP_PORT = TestSocketUtils.findAvailableTcpPort();
    static final int S3_PORT = TestSocketUtils.findAvailableTcpPort();
    static EmbeddedPostgresServer postgres;
    static EmbeddedS3Server s3;
    static GreenMail mail;
    static HubProcess hub;
    static Ledger ledger;
    final FaultLoad load = FaultLoad.current();

    @BeforeAll
    static void startServersAndHub() throws Exception {
        postgres = new EmbeddedPostgresServer(home.resolve("postgres"), TestSocketUtils.findAvailableTcpPort());
        postgres.start();
        s3 = startS3();
        mail = startMail();
        Path routing =
                Path.of(OutagesIT.class.getResource("/e2e-notifications.yaml").toURI());
        hub = new HubProcess(
                home.resolve("hub"),
                "--spring.datasource.url=" + postgres.jdbcUrl(),
                "--spring.datasource.username=" + postgres.user(),
                "--spring.datasource.password=" + postgres.password(),
                "--hub.s3.endpoint=" + s3.endpoint(),
                "--hub.mail.host=127.0.0.1",
                "--hub.mail.port=" + SMTP_PORT,
                "--hub.mail.poll-interval=100",
                "--hub.notify.routing-file=" + routing);
        hub.start();
        ledger = new Ledger(
                OutagesIT::jdbc,
                () -> S3Clients.create(s3.endpoint(), "us-east-1", "fieldhub", "fieldhub-secret"),
                "fieldhub");
    }

    @AfterAll
    static void stopAll() {
        if (hub != null) {
            hub.close();
        }
        if (mail != null) {
            mail.stop();
        }
        if (s3 != null) {
            s3.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    /** R5: recovery is the time from PostgreSQL's return until every message sent before it is stored. */
    @Test
    void aPostgresOutageLosesNothingAndRecoversWithinTwiceItsLength() throws Exception {
        var figures = new Figures("R5: PostgreSQL stopped for " + load.outage().toSeconds() + " s, " + load);
        SimulatorRun run = SimulatorRun.start(home, hub.mqttUrl(), "engine-pg", load, 0);
        try {
            ledger.awaitStored("engine-pg", load.count() / 3);
            postgres.close();
            TimeUnit.MILLISECONDS.sleep(load.outage().toMillis()); // the outage itself
            postgres.start();
            Instant back = Instant.now();
            ledger.awaitStored("engine-pg", load.count());
            SimulatorRun.Result result = run.end(Duration.ofMinutes(10));
            // the run ends once every message it sent is acknowledged: with this intake, stored
            Timestamp lastStored = jdbc().queryForObject(
                            "select max(stored_at) from telemetry where device_id like 'engine-pg-%' and ts < ?",
                            Timestamp.class, Timestamp.from(back));
            double recovery =
                    Math.max(0, Duration.between(back, lastStored.toInstant()).toMillis() / 1e3);
            figures.seconds("outage", load.outage().toSeconds())
                    .seconds("recovery", recovery)
                    .seconds("recovery bound", 2.0 * load.outage().toSeconds());
            ledger.check(result, figures);
            assertThat(recovery)
                    .as("seconds from PostgreSQL's return until every message sent before it was stored")
                    .isLessThanOrEqualTo(2.0 * load.outage().toSeconds());
        } finally {
            run.stop();
        }
    }

    @Test
    void anS3OutageDelaysTheArchiveAndLosesNothing() throws Exception {
        var figures = new Figures("S3 stopped for " + load.outage().toSeconds() + " s, " + load);
        SimulatorRun run = SimulatorRun.start(home, hub.mqttUrl(), "engine-s3", load, 0);
        try {
            ledger.awaitStored("engine-s3", load.count() / 3);
            s3.close();
            TimeUnit.MILLISECONDS.sleep(load.outage().toMillis()); // the outage itself
            s3 = startS3();
            Instant back = Instant.now();
            ledger.awaitStored("engine-s3", load.count());
            SimulatorRun.Result result = run.end(Duration.ofMinutes(10));
            ledger.awaitArchived("engine-s3", result.acked());
            figures.seconds("outage", load.outage().toSeconds())
                    .seconds(
                            "archive complete after",
                            Duration.between(back, Instant.now()).toMillis() / 1e3);
            ledger.check(result, figures);
        } finally {
            run.stop();
        }
    }

    /** Alerts keep coming (a few readings over 90 degrees), so some are raised while the SMTP server is away. */
    @Test
    void anSmtpOutageDelaysTheEmailsAndSendsNoneTwice() throws Exception {
        var figures = new Figures("SMTP stopped for " + load.outage().toSeconds() + " s, " + load);
        SimulatorRun run = SimulatorRun.start(home, hub.mqttUrl(), "engine-smtp", load, 0.004);
        List<MimeMessage> received = new ArrayList<>();
        try {
            ledger.awaitStored("engine-smtp", load.count() / 3);
            received.addAll(Arrays.asList(mail.getReceivedMessages()));
            mail.stop();
            TimeUnit.MILLISECONDS.sleep(load.outage().toMillis()); // the outage itself
            mail = startMail();
            Instant back = Instant.now();
            ledger.awaitStored("engine-smtp", load.count());
            SimulatorRun.Result result = run.end(Duration.ofMinutes(10));
            String pending = """
                    select count(*) from notification n join alert a on a.id = n.alert_id
                    where a.device_id like 'engine-smtp-%' and n.channel = 'email' and n.state <> 'SENT'""";
            await("every alert email sent")
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> jdbc().queryForObject(pending, Long.class) == 0);
            figures.seconds(
                    "emails complete after",
                    Duration.between(back, Instant.now()).toMillis() / 1e3);
            received.addAll(Arrays.asList(mail.getReceivedMessages()));
            List<String> sent = jdbc().queryForList("""
                    select n.provider_ref from notification n join alert a on a.id = n.alert_id
                    where a.device_id like 'engine-smtp-%' and n.channel = 'email'""", String.class);
            Long failedAttempts = jdbc().queryForObject("""
                    select count(*) from notification_attempt t join notification n on n.id = t.notification_id
                    join alert a on a.id = n.alert_id
                    where a.device_id like 'engine-smtp-%' and t.outcome <> 'SENT'""", Long.class);
            Map<String, Long> atServer = received.stream()
                    .filter(m -> subject(m).contains("engine-smtp-"))
                    .collect(Collectors.groupingBy(OutagesIT::messageId, Collectors.counting()));
            figures.seconds("outage", load.outage().toSeconds())
                    .add("alert emails", sent.size())
                    .add("attempts not sent", failedAttempts)
                    .add(
                            "emails at the server",
                            atServer.values().stream()
                                    .mapToLong(Long::longValue)
                                    .sum())
                    .add(
                            "Message-IDs twice",
                            atServer.values().stream().filter(n -> n > 1).count());
            ledger.check(result, figures);
            assertThat(failedAttempts).as("emails the outage held back").isPositive();
            assertThat(atServer.keySet())
                    .as("Message-IDs at the SMTP server")
                    .containsExactlyInAnyOrderElementsOf(sent);
            assertThat(atServer)
                    .as("copies by Message-ID")
                    .allSatisfy((id, copies) -> assertThat(copies).as(id).isOne());
        } finally {
            run.stop();
        }
    }

    private static JdbcTemplate jdbc() {
        return new JdbcTemplate(new DriverManagerDataSource(postgres.jdbcUrl(), postgres.user(), postgres.password()));
    }

    private static EmbeddedS3Server startS3() {
        var server = new EmbeddedS3Server(home.resolve("s3"), "127.0.0.1", S3_PORT, "fieldhub", "fieldhub-secret");
        server.start();
        return server;
    }

    private static GreenMail startMail() {
        var server = new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        server.start();
        return server;
    }

    private static String subject(MimeMessage message) {
        return header(message, MimeMessage::getSubject);
    }

    private static String messageId(MimeMessage message) {
        return header(message, MimeMessage::getMessageID);
    }

    private interface Header {
        String of(MimeMessage message) throws MessagingException;
    }

    private static String header(MimeMessage message, Header header) {
        try {
            return header.of(message);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
