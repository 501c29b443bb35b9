package io.fieldhub.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fieldhub.notify.channel.SendFailures;
import io.fieldhub.notify.sms.AlertSmsComposer;
import io.fieldhub.notify.sms.SmppErrors;
import io.fieldhub.notify.sms.SmsReceipts;
import io.fieldhub.routes.TestSmsc.Submitted;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jsmpp.util.DeliveryReceiptState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * routes/notify-sms.camel.yaml against a real PostgreSQL (the outbox) and an SMPP server (jSMPP) in the test's JVM:
 * an alert is one submit_sm with a concise GSM 7-bit text to the E.164 number, a long digest arrives as correctly
 * concatenated segments, delivery receipts are recorded, a refused or non-E.164 number is final, and with the SMSC
 * down for 30 s every SMS is delivered once after it is back.
 */
class NotifySmsRouteIT {

    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final String MARIA = "+4915112345678";
    static final String REFUSED = "+4915100000000";

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static final ChannelOutbox outbox = new ChannelOutbox(db);

    @RegisterExtension
    final TestSmsc smsc = new TestSmsc("fieldhub", "s3cret", Set.of(REFUSED.substring(1)));

    RouteHarness hub;

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void anAlertIsOneConciseSmsToTheNumberAndItsDeliveryReceiptIsRecorded() throws Exception {
        long alert = outbox.alert("engine-42", 95.5, 1);
        long raised = outbox.transition(alert, "RAISED", 0, "rules");
        long id = outbox.notification(raised, alert, "sms", "maria", MARIA);
        outbox.notification(raised, alert, "email", "maria", "maria@plant-1.example");
        startSmsRoute();

        await().atMost(DEADLINE).until(() -> outbox.state(id).equals("SENT"));
        assertThat(smsc.submitted())
                .as("the email notification is not the SMS channel's")
                .hasSize(1);
        Submitted sms = smsc.submitted().get(0);
        assertThat(sms.text()).isEqualTo("CRITICAL engine-42 temperature 95.5>90 at 10:00Z #" + alert);
        assertThat(sms.destination()).isEqualTo("4915112345678");
        assertThat(sms.destTon()).as("international").isEqualTo((byte) 1);
        assertThat(sms.destNpi()).as("E.164").isEqualTo((byte) 1);
        assertThat(sms.source()).isEqualTo("FieldHub");
        assertThat(sms.sourceTon()).as("alphanumeric").isEqualTo((byte) 5);
        assertThat(sms.dataCoding()).as("SMSC default alphabet (GSM 7-bit)").isEqualTo((byte) 0);
        assertThat(sms.concatenated()).isFalse();
        assertThat(sms.registeredDelivery()).as("a receipt is asked for").isEqualTo((byte) 1);
        assertThat(outbox.providerRef(id)).isEqualTo(sms.messageId());
        assertThat(outbox.outcomes(id)).containsExactly("SENT");

        smsc.receipt(sms, DeliveryReceiptState.DELIVRD);
        await().atMost(DEADLINE).until(() -> "DELIVRD".equals(outbox.delivery(id)));
        assertThat(db.jdbc()
                        .queryForObject(
                                "select delivered_at from notification where id = ?", java.sql.Timestamp.class, id))
                .isNotNull();
    }

    @Test
    void anAcknowledgementNoteTravelsOnOneLineCutToOneSms() throws Exception {
        long alert = outbox.alert("engine-42", 95.5, 1);
        String note = "on my way\r\nstill 20 min\u0007 " + "z".repeat(300);
        long id = outbox.notification(outbox.acknowledged(alert, "maria", note), alert, "sms", "maria", MARIA);
        startSmsRoute();

        await().atMost(DEADLINE).until(() -> outbox.state(id).equals("SENT"));
        Submitted sms = smsc.submitted().get(0);
        assertThat(sms.concatenated()).isFalse();
        assertThat(sms.text())
                .startsWith("ACK maria CRITICAL engine-42 temperature 95.5>90 at 10:05Z #" + alert
                        + ": on my way still 20 min zzz")
                .hasSize(160)
                .endsWith("...")
                .doesNotContain("\n", "\r", "\u0007");
    }

    @Test
    void laterTransitionsSayWhatHappenedAndStayWithinOneSms() throws Exception {
        long alert = outbox.alert("engine-with-a-rather-long-name-in-hall-7-of-the-north-plant-[main]", 95.5, 4);
        long escalated = outbox.notification(
                outbox.transition(alert, "ESCALATED", 2, "escalation"), alert, "sms", "maria", MARIA);
        startSmsRoute();

        await().atMost(DEADLINE).until(() -> outbox.state(escalated).equals("SENT"));
        String text = smsc.submitted().get(0).text();
        assertThat(text)
                .startsWith("ESCALATED T2 CRITICAL engine-with-a-rather-long-name-in-hall-7-of-the-north-"
                        + "plant-(main) temperature 95.5>90")
                .endsWith(" at 10:05Z #" + alert);
        assertThat(text.length()).isLessThanOrEqualTo(160);
        assertThat(smsc.submitted().get(0).concatenated()).isFalse();
    }

    @Test
    void aLongDigestArrivesAsCorrectlyConcatenatedSegments() throws Exception {
        List<Long> held = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            long alert = outbox.alert("engine-" + i, 90.0 + i, 1);
            held.add(outbox.notification(outbox.transition(alert, "RAISED", 0, "rules"), alert, "sms", "maria", MARIA));
        }
        long digest = outbox.digest("sms", "maria", MARIA, held);
        startSmsRoute();

        await().atMost(DEADLINE).until(() -> outbox.state(digest).equals("SENT"));
        List<Submitted> segments = smsc.submitted();
        assertThat(segments).hasSizeGreaterThan(1).allSatisfy(s -> {
            assertThat(s.concatenated()).as("UDHI set").isTrue();
            assertThat(s.destination()).isEqualTo("4915112345678");
            assertThat(s.text().length()).as("GSM 7-bit characters a segment").isLessThanOrEqualTo(153);
        });
        byte reference = segments.get(0).udh()[3];
        for (int i = 0; i < segments.size(); i++) {
            assertThat(segments.get(i).udh())
                    .as("concatenation header of segment " + (i + 1))
                    .containsExactly(0x05, 0x00, 0x03, reference, segments.size(), i + 1);
        }
        String text = segments.stream()
                .sorted(Comparator.comparingInt(s -> s.udh()[5]))
                .map(Submitted::text)
                .collect(Collectors.joining());
        assertThat(text)
                .startsWith("FieldHub: 5 held for you: CRITICAL engine-1 temperature 91>90 at 10:00Z #")
                .contains("CRITICAL engine-5 temperature 95>90");
        assertThat(segments.subList(0, segments.size() - 1))
                .extracting(Submitted::registeredDelivery)
                .as("one receipt: for the last segment")
                .containsOnly((byte) 0);
        Submitted last = segments.get(segments.size() - 1);
        assertThat(last.registeredDelivery()).isEqualTo((byte) 1);
        assertThat(outbox.providerRef(digest)).isEqualTo(last.messageId());

        smsc.receipt(last, DeliveryReceiptState.UNDELIV);
        await().atMost(DEADLINE).until(() -> "UNDELIV".equals(outbox.delivery(digest)));
    }

    @Test
    void aNumberTheSmscRefusesOrThatIsNoE164NumberFailsForGood() throws Exception {
        long alert = outbox.alert("engine-7", 95.5, 1);
        long raised = outbox.transition(alert, "RAISED", 0, "rules");
        long refused = outbox.notification(raised, alert, "sms", "ghost", REFUSED);
        long local = outbox.notification(raised, alert, "sms", "typo", "0151 1234567");
        long fine = outbox.notification(raised, alert, "sms", "maria", MARIA);
        startSmsRoute();

        await().atMost(DEADLINE)
                .until(() -> outbox.state(refused).equals("FAILED")
                        && outbox.state(local).equals("FAILED")
                        && outbox.state(fine).equals("SENT"));
        assertThat(outbox.outcomes(refused)).containsExactly("FAILED");
        assertThat(outbox.lastError(refused)).contains("NegativeResponseException", "0000000b");
        assertThat(outbox.outcomes(local)).containsExactly("FAILED");
        assertThat(outbox.lastError(local)).contains("not an E.164 number: '0151 1234567'");
        assertThat(smsc.submitted()).extracting(Submitted::destination).containsExactly("4915112345678");
    }

    @Test
    void withTheSmscDownFor30SecondsEverySmsIsDeliveredOnceAfterItIsBack() throws Exception {
        hub = smsRoute().property("hub.sms.circuit.open-seconds", 5).start();
        long first = outbox.alert("engine-0", 91.0, 1);
        long before = outbox.notification(outbox.transition(first, "RAISED", 0, "rules"), first, "sms", "maria", MARIA);
        await().atMost(DEADLINE).until(() -> outbox.state(before).equals("SENT"));

        smsc.stop();
        List<Long> ids = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            long alert = outbox.alert("engine-" + i, 95.0 + i, 1);
            ids.add(outbox.notification(
                    outbox.transition(alert, "RAISED", 0, "rules"),
                    alert,
                    "sms",
                    "person-" + i,
                    "+49151000000" + i + "0"));
        }
        try {
            await("nothing goes out while the SMSC is down")
                    .during(Duration.ofSeconds(30))
                    .atMost(Duration.ofSeconds(40))
                    .until(() -> smsc.submitted().size() == 1);
            assertThat(ids).allSatisfy(id -> {
                assertThat(outbox.state(id)).isEqualTo("PENDING");
                assertThat(outbox.outcomes(id)).hasSizeGreaterThanOrEqualTo(2).doesNotContain("SENT", "FAILED");
            });
        } finally {
            smsc.start();
        }

        await().atMost(Duration.ofSeconds(90))
                .until(() -> ids.stream().allMatch(id -> outbox.state(id).equals("SENT")));
        await("no second copy")
                .during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(6))
                .until(() -> smsc.submitted().size() == ids.size());
        for (int i = 1; i <= 3; i++) {
            assertThat(smsc.to("49151000000" + i + "0")).as("person-" + i).hasSize(1);
        }
        assertThat(hub.deadLetters().letters())
                .as("an outage is waited out, not dead-lettered")
                .isEmpty();
    }

    @Test
    void withoutAnSmscHostTheRoutesStayStopped() throws Exception {
        hub = route().start();
        long alert = outbox.alert("engine-7", 95.5, 1);
        long id = outbox.notification(outbox.transition(alert, "RAISED", 0, "rules"), alert, "sms", "maria", MARIA);

        assertThat(hub.context()
                        .getRouteController()
                        .getRouteStatus("notify-sms")
                        .isStopped())
                .isTrue();
        assertThat(hub.context()
                        .getRouteController()
                        .getRouteStatus("notify-sms-receipts")
                        .isStopped())
                .isTrue();
        assertThat(outbox.state(id)).isEqualTo("PENDING");
        assertThat(smsc.boundSessions()).isZero();
    }

    private void startSmsRoute() throws Exception {
        hub = smsRoute().start();
    }

    /** The routes as a hub with hub.sms.host set runs them (EmbeddedDefaults then sets hub.sms.enabled). */
    private RouteHarness smsRoute() {
        return route().property("hub.sms.enabled", true).property("hub.sms.host", "127.0.0.1");
    }

    private RouteHarness route() {
        return new RouteHarness()
                .property("hub.sms.port", smsc.port)
                .property("hub.sms.password", "s3cret")
                .property("hub.sms.poll-interval", 100)
                .property("hub.sms.reconnect-delay", 500)
                .bind("notificationOutbox", outbox.outbox())
                .bind("smsComposer", new AlertSmsComposer())
                .bind("smsFailures", new SendFailures(outbox.outbox(), "sms", SmppErrors::isPermanent))
                .bind("smsReceipts", new SmsReceipts(outbox.outbox(), Clock.systemUTC()))
                .routes("notify-channel.camel.yaml", "notify-sms.camel.yaml");
    }
}
