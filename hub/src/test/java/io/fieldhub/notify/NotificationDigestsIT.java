package io.fieldhub.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldhub.routes.SettableClock;
import io.fieldhub.routes.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The rate limit against a real PostgreSQL: beyond max notifications per recipient and channel in a window, the
 * rest is HELD; when the window ends, one DIGEST per recipient and channel sums them up and they become DIGESTED;
 * the channel claims the digest with the notifications it sums up.
 */
class NotificationDigestsIT {

    static final String ROUTING = """
            people:
              ops: {email: ops@example.com}
              maria: {email: maria@example.com, phone: "+4915112345678"}
            rules:
              - channels: [email]
                to: [ops, maria]
              - match: {severity: CRITICAL}
                channels: [sms, crm]
                to: [maria]
            quiet-hours:
              - {from: "00:00", to: "06:00", zone: UTC, channels: [sms]}
            rate-limits:
              email: {max: 2, per: 1h}
              sms: {max: 1, per: 1h}
            """;

    @TempDir
    static Path dir;

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static final AlertMaker alerts = new AlertMaker(db);
    static NotificationRouting routing;
    SettableClock clock;
    NotificationFanOut fanOut;
    NotificationDigests digests;
    /** 10:15 on a day in the future, so PostgreSQL's now() is never past a quiet window the test sets. */
    Instant day;

    @BeforeAll
    static void start() throws Exception {
        routing = AlertMaker.routing(dir, ROUTING);
    }

    @BeforeEach
    void freshClock() {
        day = LocalDate.now(ZoneOffset.UTC).plusYears(1).atTime(10, 15).toInstant(ZoneOffset.UTC);
        clock = new SettableClock(day);
        fanOut = new NotificationFanOut(db.jdbc(), db.tx(), routing, clock, 100, channel -> {});
        digests = new NotificationDigests(db.jdbc(), db.tx(), routing, clock, channel -> {});
    }

    @Test
    void beyondTheLimitNotificationsAreHeldAndOneDigestPerRecipientSumsThemUpWhenTheWindowEnds() {
        for (int i = 1; i <= 5; i++) {
            alerts.raise("Engine overheat", "WARNING", "engine-" + i);
        }
        fanOut.routeDue();
        assertThat(states("email", "ops")).containsExactly("PENDING", "PENDING", "HELD", "HELD", "HELD");
        assertThat(states("email", "maria")).containsExactly("PENDING", "PENDING", "HELD", "HELD", "HELD");

        clock.set(day.plus(Duration.ofMinutes(44)).minusSeconds(1)); // 10:59:59: the window is still open
        assertThat(digests.createDue()).isZero();

        clock.set(day.plus(Duration.ofMinutes(45))); // 11:00
        assertThat(digests.createDue()).isEqualTo(2);
        assertThat(digests.createDue())
                .as("each held notification is in one digest")
                .isZero();

        for (String recipient : List.of("ops", "maria")) {
            Map<String, Object> digest = db.jdbc().queryForMap("""
                    select id, address, state, transition_id, alert_id, created_at from notification
                    where kind = 'DIGEST' and recipient = ?""", recipient);
            assertThat(digest)
                    .containsEntry("address", recipient + "@example.com")
                    .containsEntry("state", "PENDING")
                    .containsEntry("transition_id", null)
                    .containsEntry("alert_id", null);
            assertThat(states("email", recipient))
                    .containsExactly("PENDING", "PENDING", "DIGESTED", "DIGESTED", "DIGESTED");
            assertThat(db.jdbc()
                            .queryForList(
                                    "select digest_id from notification where recipient = ?"
                                            + " and state = 'DIGESTED'",
                                    Long.class,
                                    recipient))
                    .containsOnly((Long) digest.get("id"));
        }

        var outbox = new NotificationOutbox(
                JdbcClient.create(db.dataSource()), db.tx(), "http://hub:8080", Duration.ofMinutes(1));
        List<Outgoing> claimed = outbox.claim("email", 10);
        assertThat(claimed)
                .extracting(Outgoing::kind)
                .containsExactly("TRANSITION", "TRANSITION", "TRANSITION", "TRANSITION", "DIGEST", "DIGEST");
        Outgoing digest = claimed.get(4);
        assertThat(digest.isDigest()).isTrue();
        assertThat(digest.alertId()).isNull();
        assertThat(digest.digestOf())
                .extracting(Outgoing::deviceId)
                .containsExactly("engine-3", "engine-4", "engine-5");
        assertThat(digest.digestOf()).allSatisfy(held -> {
            assertThat(held.recipient()).isEqualTo(digest.recipient());
            assertThat(held.transition()).isEqualTo("RAISED");
            assertThat(held.alertUrl()).startsWith("http://hub:8080/api/alerts/");
        });
    }

    @Test
    void aNewWindowStartsAfreshAndTheDigestDoesNotCountAgainstIt() {
        for (int i = 1; i <= 3; i++) {
            alerts.raise("Engine overheat", "WARNING", "engine-" + i);
        }
        fanOut.routeDue();
        clock.set(day.plus(Duration.ofMinutes(50))); // 11:05, a new window
        digests.createDue();
        alerts.raise("Engine overheat", "WARNING", "engine-4");
        alerts.raise("Engine overheat", "WARNING", "engine-5");
        alerts.raise("Engine overheat", "WARNING", "engine-6");
        fanOut.routeDue();

        assertThat(states("email", "ops"))
                .containsExactly("PENDING", "PENDING", "DIGESTED", "PENDING", "PENDING", "HELD");
        assertThat(db.jdbc()
                        .queryForList(
                                "select kind from notification where recipient = 'ops' order by id", String.class))
                .containsExactly(
                        "TRANSITION", "TRANSITION", "TRANSITION", "DIGEST", "TRANSITION", "TRANSITION", "TRANSITION");
    }

    @Test
    void aDigestWaitsForQuietHoursAndTheCrmIsNeverLimited() {
        clock.set(day.minus(Duration.ofHours(10)).minus(Duration.ofMinutes(10))); // 00:05: quiet for sms
        alerts.raise("Engine overheat", "CRITICAL", "engine-1");
        alerts.raise("Engine overheat", "CRITICAL", "engine-2");
        fanOut.routeDue();
        clock.set(clock.instant().plus(Duration.ofHours(1))); // 01:05, still quiet
        digests.createDue();

        assertThat(db.jdbc().queryForList("""
                select kind || ' ' || state || ' ' || to_char(next_attempt_at at time zone 'UTC', 'HH24:MI')
                from notification where channel = 'sms' order by id""", String.class))
                .containsExactly("TRANSITION PENDING 06:00", "TRANSITION DIGESTED 06:00", "DIGEST PENDING 06:00");
        assertThat(states("crm", "crm")).containsExactly("PENDING", "PENDING");
    }

    private static List<String> states(String channel, String recipient) {
        return db.jdbc()
                .queryForList(
                        "select state from notification where channel = ? and recipient = ?"
                                + " and kind = 'TRANSITION' order by id",
                        String.class,
                        channel,
                        recipient);
    }
}
