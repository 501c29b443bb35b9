package io.fieldhub.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fieldhub.notify.channel.SendFailures;
import io.fieldhub.notify.email.AlertEmailComposer;
import io.fieldhub.notify.email.PooledMailSender;
import io.fieldhub.notify.email.SmtpErrors;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.mail.BodyPart;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * routes/notify-email.camel.yaml against a real PostgreSQL (the outbox) and SMTP server (GreenMail): each email
 * notification goes to its own address as HTML and plain text from config/templates, the emails of one alert form one
 * thread, a digest sums up its alerts, an SMTP outage delays email without losing or doubling it, a permanent
 * rejection is final, and nothing sent is sent again after a restart.
 */
class NotifyEmailRouteIT {

    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final String HOST = "hub.plant-1.example";

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @RegisterExtension
    static final TestSmtp smtp = new TestSmtp();

    static final ChannelOutbox outbox = new ChannelOutbox(db);
    RouteHarness hub;
    final MeterRegistry meters = new SimpleMeterRegistry();
    PooledMailSender sender;

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
        if (sender != null) {
            sender.close();
        }
    }

    @Test
    void eachTransitionIsOneEmailToItsRecipientInOneThreadPerAlertWithHtmlAndText() throws Exception {
        long alert = outbox.alert("engine-7", 95.5, 3);
        long raised = outbox.transition(alert, "RAISED", 0, "rules");
        long toMaria = outbox.notification(raised, alert, "email", "maria", "maria@plant-1.example");
        long toLead = outbox.notification(raised, alert, "email", "lead", "lead@plant-1.example");
        outbox.notification(raised, alert, "sms", "maria", "+4915112345678");
        startMailRoute();

        assertThat(smtp.waitForIncomingEmail(DEADLINE.toMillis(), 2))
                .as("two emails arrive")
                .isTrue();
        await().atMost(DEADLINE)
                .until(() -> outbox.state(toMaria).equals("SENT")
                        && outbox.state(toLead).equals("SENT"));
        MimeMessage first = to("maria@plant-1.example").get(0);
        String thread = "<alert-" + alert + "@" + HOST + ">";
        assertThat(first.getSubject()).isEqualTo("[CRITICAL] Engine overheat on engine-7");
        assertThat(first.getMessageID()).isEqualTo(thread);
        assertThat(first.getHeader("In-Reply-To")).isNull();
        assertThat(first.getFrom()).containsExactly(new InternetAddress("fieldhub@plant-1.example"));
        assertThat(outbox.providerRef(toMaria)).isEqualTo(thread);
        assertThat(outbox.outcomes(toMaria)).containsExactly("SENT");

        String link = "http://hub.plant-1.example:8080/api/alerts/" + alert;
        assertThat(first.getContentType()).startsWith("multipart/alternative");
        String text = part(first, "text/plain");
        String html = part(first, "text/html");
        assertThat(text)
                .contains(
                        "Raised: Engine engine-7 is running hot: temperature 95.5 > 90",
                        "engine-7",
                        "Engine overheat",
                        "temperature",
                        "95.5",
                        "Threshold:  90",
                        "2026-11-26T10:00:00.123Z",
                        "3 triggers so far",
                        link);
        assertThat(html)
                .contains(
                        "<th align=\"left\" style=\"padding: 2px 12px 2px 0;\">Device</th><td>engine-7</td>",
                        "95.5",
                        "90",
                        "2026-11-26T10:00:00.123Z",
                        "<a href=\"" + link + "\">",
                        // the alert's text is escaped in HTML
                        "temperature 95.5 &gt; 90");

        long escalated = outbox.transition(alert, "ESCALATED", 1, "escalation");
        long escalatedToMaria = outbox.notification(escalated, alert, "email", "maria", "maria@plant-1.example");
        long cleared = outbox.transition(alert, "CLEARED", 1, "rules");
        long clearedToMaria = outbox.notification(cleared, alert, "email", "maria", "maria@plant-1.example");

        await().atMost(DEADLINE).until(() -> outbox.state(clearedToMaria).equals("SENT"));
        List<MimeMessage> toMariaEmails = to("maria@plant-1.example");
        assertThat(toMariaEmails)
                .extracting(MimeMessage::getSubject)
                .containsExactly(
                        "[CRITICAL] Engine overheat on engine-7",
                        "Re: [CRITICAL] Engine overheat on engine-7",
                        "Re: [CRITICAL] Engine overheat on engine-7");
        assertThat(toMariaEmails)
                .extracting(MimeMessage::getMessageID)
                .containsExactly(
                        thread,
                        "<alert-" + alert + "-transition-" + escalated + "@" + HOST + ">",
                        "<alert-" + alert + "-transition-" + cleared + "@" + HOST + ">");
        for (MimeMessage reply : toMariaEmails.subList(1, 3)) {
            assertThat(reply.getHeader("In-Reply-To")).containsExactly(thread);
            assertThat(reply.getHeader("References")).containsExactly(thread);
        }
        assertThat(part(toMariaEmails.get(1), "text/plain")).contains("Escalated to tier 1", "ESCALATED", link);
        assertThat(part(toMariaEmails.get(2), "text/plain")).contains("Cleared", "CLEARED", "State:      CLEARED");
        assertThat(outbox.state(escalatedToMaria)).isEqualTo("SENT");
        assertThat(to("lead@plant-1.example")).hasSize(1);
        assertThat(smtp.getReceivedMessages())
                .as("the SMS notification is not the email channel's")
                .hasSize(4);
    }

    @Test
    void anAcknowledgementNoteArrivesAsTextInBothPartsNeverAsMarkup() throws Exception {
        long alert = outbox.alert("engine-7", 95.5, 1);
        String note = "on my way <script>alert(1)</script> <b>x</b>\nbring <a href=\"http://evil.example\">a</a>";
        long acked = outbox.acknowledged(alert, "<i>maria</i>", note);
        long id = outbox.notification(acked, alert, "email", "lead", "lead@plant-1.example");
        startMailRoute();

        await().atMost(DEADLINE).until(() -> outbox.state(id).equals("SENT"));
        MimeMessage email = to("lead@plant-1.example").get(0);
        assertThat(part(email, "text/html"))
                .contains(
                        "Acknowledged by &lt;i&gt;maria&lt;/i&gt;",
                        "<td>on my way &lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;x&lt;/b&gt; bring &lt;a href=&quot;"
                                + "http://evil.example&quot;&gt;a&lt;/a&gt;</td>")
                .doesNotContain("<script>", "<b>x</b>", "<i>maria", "<a href=\"http://evil.example");
        assertThat(part(email, "text/plain"))
                .contains("Note:       on my way <script>alert(1)</script> <b>x</b> bring <a href=");
    }

    @Test
    void aDigestSumsUpTheNotificationsTheRateLimitHeld() throws Exception {
        long engine7 = outbox.alert("engine-7", 95.5, 1);
        long engine8 = outbox.alert("engine-8", 97.0, 2);
        long held7 = outbox.notification(
                outbox.transition(engine7, "RAISED", 0, "rules"), engine7, "email", "maria", "maria@plant-1.example");
        long held8 = outbox.notification(
                outbox.transition(engine8, "RAISED", 0, "rules"), engine8, "email", "maria", "maria@plant-1.example");
        long digest = outbox.digest("email", "maria", "maria@plant-1.example", List.of(held7, held8));
        startMailRoute();

        await().atMost(DEADLINE).until(() -> outbox.state(digest).equals("SENT"));
        assertThat(smtp.getReceivedMessages()).hasSize(1);
        MimeMessage email = smtp.getReceivedMessages()[0];
        assertThat(email.getSubject()).isEqualTo("[FieldHub] 2 alert notifications held for you: 2 CRITICAL");
        assertThat(email.getMessageID()).isEqualTo("<digest-" + digest + "@" + HOST + ">");
        assertThat(part(email, "text/plain"))
                .contains(
                        "2 alert notifications were held back",
                        "[CRITICAL] Engine overheat on engine-7: RAISED",
                        "temperature 95.5 (threshold 90)",
                        "[CRITICAL] Engine overheat on engine-8: RAISED",
                        "temperature 97 (threshold 90)",
                        "http://hub.plant-1.example:8080/api/alerts/" + engine7,
                        "http://hub.plant-1.example:8080/api/alerts/" + engine8);
        assertThat(part(email, "text/html"))
                .contains(
                        "engine-7",
                        "engine-8",
                        "<a href=\"http://hub.plant-1.example:8080/api/alerts/" + engine8 + "\">");
        assertThat(outbox.state(held7))
                .as("a held notification goes out only in its digest")
                .isEqualTo("DIGESTED");
    }

    @Test
    void emailDuringAnSmtpOutageIsDeliveredOnceWhenTheServerIsBack() throws Exception {
        startMailRoute();
        smtp.stop();
        long alert = outbox.alert("engine-7", 99.0, 1);
        long id = outbox.notification(
                outbox.transition(alert, "RAISED", 0, "rules"), alert, "email", "maria", "maria@plant-1.example");
        try {
            await("retried while SMTP is down")
                    .atMost(DEADLINE)
                    .until(() ->
                            outbox.outcomes(id).stream().filter("RETRY"::equals).count() >= 2);
            assertThat(outbox.state(id)).isEqualTo("PENDING");
            assertThat(outbox.lastError(id)).contains("Couldn't connect to host");
        } finally {
            smtp.start();
        }

        await().atMost(DEADLINE).until(() -> outbox.state(id).equals("SENT"));
        await("no second copy")
                .during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .until(() -> smtp.getReceivedMessages().length == 1);
        assertThat(outbox.outcomes(id)).last().isEqualTo("SENT");
        assertThat(outbox.outcomes(id)).filteredOn("SENT"::equals).hasSize(1);
        assertThat(hub.deadLetters().letters())
                .as("an outage is waited out, not dead-lettered")
                .isEmpty();
    }

    @Test
    void emailsOneAfterAnotherShareOneSmtpConnectionAndOneTheServerDroppedIsReplacedWithoutAFailedAttempt()
            throws Exception {
        startMailRoute();
        long alert = outbox.alert("engine-7", 95.5, 1);
        for (int i = 0; i < 4; i++) {
            long id = outbox.notification(
                    outbox.transition(alert, i == 0 ? "RAISED" : "ESCALATED", i, "rules"),
                    alert,
                    "email",
                    "maria",
                    "maria@plant-1.example");
            await().atMost(DEADLINE).until(() -> outbox.state(id).equals("SENT"));
        }
        assertThat(smtp.getReceivedMessages()).hasSize(4);
        assertThat(connectionsOpened()).as("four emails, one connection").isEqualTo(1);

        // the server goes away and comes back between two emails, as one closing idle connections does
        smtp.stop();
        smtp.start();
        long afterRestart = outbox.notification(
                outbox.transition(alert, "CLEARED", 3, "rules"), alert, "email", "maria", "maria@plant-1.example");

        await().atMost(DEADLINE).until(() -> outbox.state(afterRestart).equals("SENT"));
        assertThat(outbox.outcomes(afterRestart))
                .as("the dead connection was found out before use")
                .containsExactly("SENT");
        assertThat(connectionsOpened()).isEqualTo(2);
    }

    private double connectionsOpened() {
        return meters.get("fieldhub.mail.connections.opened").functionCounter().count();
    }

    @Test
    void manyFailuresOpenTheCircuitAndEveryEmailIsDeliveredOnceAfterRecovery() throws Exception {
        hub = mailRoute()
                .property("hub.mail.circuit.open-seconds", 2)
                .property("hub.mail.circuit.min-calls", 4)
                .start();
        smtp.stop();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            long alert = outbox.alert("engine-" + i, 95.0 + i, 1);
            ids.add(outbox.notification(
                    outbox.transition(alert, "RAISED", 0, "rules"), alert, "email", "maria", "maria@plant-1.example"));
        }
        try {
            await("the circuit opens").atMost(DEADLINE).until(() -> outbox.count("CIRCUIT_OPEN") > 0);
        } finally {
            smtp.start();
        }

        await().atMost(Duration.ofSeconds(60))
                .until(() -> ids.stream().allMatch(id -> outbox.state(id).equals("SENT")));
        await("no second copy")
                .during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .until(() -> smtp.getReceivedMessages().length == ids.size());
        assertThat(smtp.countsByMessageId())
                .as("each email once, by Message-ID")
                .hasSize(ids.size())
                .allSatisfy((messageId, copies) -> assertThat(copies).isOne());
    }

    @Test
    void aRecipientTheServerRefusesIsFailedWithTheReasonAndOthersStillGo() throws Exception {
        long alert = outbox.alert("engine-7", 95.5, 1);
        long raised = outbox.transition(alert, "RAISED", 0, "rules");
        // A command line longer than SMTP allows (RFC 5321: 512 octets; GreenMail: 4096) is refused with a 500 reply,
        // as a real server refuses an unknown mailbox.
        long refused = outbox.notification(raised, alert, "email", "ghost", "g".repeat(4100) + "@plant-1.example");
        long noAddress = outbox.notification(raised, alert, "email", "typo", "maria@@plant-1.example");
        long fine = outbox.notification(raised, alert, "email", "maria", "maria@plant-1.example");
        startMailRoute();

        await().atMost(DEADLINE)
                .until(() -> outbox.state(refused).equals("FAILED")
                        && outbox.state(noAddress).equals("FAILED")
                        && outbox.state(fine).equals("SENT"));
        assertThat(outbox.outcomes(refused)).containsExactly("FAILED");
        assertThat(outbox.details(refused)).singleElement().asString().contains("500 Command too long");
        assertThat(outbox.outcomes(noAddress)).containsExactly("FAILED");
        assertThat(outbox.lastError(noAddress)).contains("AddressException");
        assertThat(smtp.getReceivedMessages()).hasSize(1);
        assertThat(to("maria@plant-1.example")).hasSize(1);
    }

    @Test
    void aRestartedRouteSendsNothingAgain() throws Exception {
        long alert = outbox.alert("engine-7", 95.5, 1);
        long raised = outbox.transition(alert, "RAISED", 0, "rules");
        long first = outbox.notification(raised, alert, "email", "maria", "maria@plant-1.example");
        long second = outbox.notification(raised, alert, "email", "lead", "lead@plant-1.example");
        startMailRoute();
        await().atMost(DEADLINE)
                .until(() -> outbox.state(first).equals("SENT")
                        && outbox.state(second).equals("SENT"));
        hub.close();

        startMailRoute();
        long cleared = outbox.notification(
                outbox.transition(alert, "CLEARED", 0, "rules"), alert, "email", "maria", "maria@plant-1.example");
        await().atMost(DEADLINE).until(() -> outbox.state(cleared).equals("SENT"));
        await("nothing else")
                .during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .until(() -> smtp.getReceivedMessages().length == 3);
        assertThat(outbox.outcomes(first)).containsExactly("SENT");
        assertThat(outbox.outcomes(second)).containsExactly("SENT");
    }

    @Test
    void withoutAMailHostTheRouteStaysStoppedAndNotificationsWait() throws Exception {
        hub = route().start();
        long alert = outbox.alert("engine-7", 95.5, 1);
        long id = outbox.notification(
                outbox.transition(alert, "RAISED", 0, "rules"), alert, "email", "maria", "maria@plant-1.example");

        assertThat(hub.context()
                        .getRouteController()
                        .getRouteStatus("notify-email")
                        .isStopped())
                .isTrue();
        assertThat(outbox.state(id))
                .as("still waiting, to be sent once mail is configured")
                .isEqualTo("PENDING");
        assertThat(outbox.outcomes(id)).isEmpty();
    }

    /** The route as a hub with hub.mail.host set runs it (EmbeddedDefaults then sets hub.mail.enabled). */
    private void startMailRoute() throws Exception {
        hub = mailRoute().start();
    }

    private RouteHarness mailRoute() {
        return route().property("hub.mail.enabled", true).property("hub.mail.host", "127.0.0.1");
    }

    private RouteHarness route() {
        sender = new PooledMailSender("127.0.0.1", smtp.port(), null, null, false, Duration.ofSeconds(10), meters);
        return new RouteHarness()
                .bind("alertMailSender", sender)
                .property("hub.mail.port", smtp.port())
                .property("hub.mail.from", "fieldhub@plant-1.example")
                .property("hub.mail.poll-interval", 100)
                .bind("notificationOutbox", outbox.outbox())
                .bind("alertEmailComposer", new AlertEmailComposer(ChannelOutbox.PUBLIC_URL))
                .bind("emailFailures", new SendFailures(outbox.outbox(), "email", SmtpErrors::isPermanent))
                .routes("notify-channel.camel.yaml", "notify-email.camel.yaml");
    }

    private List<MimeMessage> to(String address) {
        return Arrays.stream(smtp.getReceivedMessages())
                .filter(m -> {
                    try {
                        return Arrays.stream(m.getRecipients(RecipientType.TO))
                                .anyMatch(a -> a.toString().equals(address));
                    } catch (MessagingException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .toList();
    }

    /** The text of the email's part of this type. */
    private static String part(MimeMessage email, String type) throws MessagingException, IOException {
        Multipart parts = (Multipart) email.getContent();
        for (int i = 0; i < parts.getCount(); i++) {
            BodyPart part = parts.getBodyPart(i);
            if (part.isMimeType(type)) {
                return (String) part.getContent();
            }
        }
        throw new AssertionError("no " + type + " part in " + email.getContentType());
    }
}
