package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.fieldhub.routes.SalesforceStub;
import io.fieldhub.routes.TestSmsc;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A gateway that lost its bookkeeping sends the last hour of its engines' readings again, with the same message ids:
 * the hub stores and evaluates nothing twice, so no person gets a second email or SMS and Salesforce no second case
 * or update. Each engine overheats twice in the hour and cools down after each, so a replay that reached the rules
 * would raise every alert again.
 */
class ReplayIT {

    static final int ENGINES = 3;
    /** An hour of device time, a reading every 30 seconds. */
    static final int READINGS = 120;

    static final String PHONE = "15555550100";

    @RegisterExtension
    static final WireMockExtension salesforce = SalesforceStub.org();

    @RegisterExtension
    final TestSmsc smsc = new TestSmsc("fieldhub", "s3cret", Set.of());

    RunningHub hub;

    @AfterEach
    void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void replayingAnHoursInputSendsNoSecondEmailSmsOrCase() throws Exception {
        SalesforceStub.tokenEndpoint(salesforce);
        SalesforceStub.upsertCreates(salesforce);
        hub = RunningHub.dedicated(
                "--hub.notify.routing-file=" + RunningHub.resource("/e2e-replay-notifications.yaml"),
                "--hub.sms.host=127.0.0.1",
                "--hub.sms.port=" + smsc.port,
                "--hub.sms.system-id=fieldhub",
                "--hub.sms.password=s3cret",
                "--hub.sms.poll-interval=100",
                "--hub.crm.enabled=true",
                "--hub.crm.login-url=" + salesforce.baseUrl(),
                "--hub.crm.client-id=3MVG9fieldhub",
                "--hub.crm.client-secret=s3cret",
                "--hub.crm.poll-interval=100");
        String run = Device.uniqueId("engine");
        List<String[]> hour = hourOfReadings(run, Instant.now().minus(61, ChronoUnit.MINUTES));

        publishAll(hour);
        // each engine raises at least its two overheat alerts, each then cleared (a gateway catching up on an hour
        // may also pass for silent on the way); wait until what the hub recorded as sent has reached the SMTP
        // server, the SMSC and Salesforce
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            String outbox = outbox(run);
            Sent sent = sent(run);
            assertThat(sent.emails()).as(outbox).isGreaterThanOrEqualTo(4 * ENGINES);
            assertThat(sent.sms()).as(outbox).isGreaterThanOrEqualTo(2 * ENGINES);
            assertThat(sent.caseCalls()).as(outbox).isGreaterThanOrEqualTo(4 * ENGINES);
            assertThat(sent).as(outbox).isEqualTo(recorded(run));
        });
        Sent first = sent(run);
        long alerts = alerts(run);

        publishAll(hour);
        // a new engine's alert, after the replay: once its email, SMS and case are through, so would the replay's be
        String late = Device.uniqueId("engine");
        publishAll(List.<String[]>of(new String[] {late, late + "-0", reading(Instant.now(), 99)}));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(sent(late)).as(outbox(late)).isEqualTo(new Sent(1, 1, 1)));

        Sent afterReplay = sent(run);
        System.out.printf(
                "ReplayIT: %d readings sent twice; emails %d, SMS %d, case calls %d after the first pass, "
                        + "%d, %d, %d after the replay%n",
                hour.size(),
                first.emails(),
                first.sms(),
                first.caseCalls(),
                afterReplay.emails(),
                afterReplay.sms(),
                afterReplay.caseCalls());
        assertThat(afterReplay).isEqualTo(first);
        assertThat(alerts(run)).isEqualTo(alerts);
        assertThat(hub.jdbc()
                        .queryForObject(
                                "select count(*) from telemetry where device_id like ?", Long.class, run + "-%"))
                .isEqualTo(hour.size());
        Map<String, Long> copies = Arrays.stream(hub.mail.getReceivedMessages())
                .map(Observed::messageId)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(copies)
                .as("emails by Message-ID")
                .allSatisfy((id, n) -> assertThat(n).as(id).isOne());
    }

    /** What reached people and Salesforce about the devices whose id starts with the prefix. */
    record Sent(long emails, long sms, long caseCalls) {}

    private Sent sent(String devicePrefix) {
        long emails = Arrays.stream(hub.mail.getReceivedMessages())
                .filter(m -> Observed.subject(m).contains(devicePrefix))
                .count();
        long sms = smsc.submitted().stream()
                .filter(s -> s.destination().equals(PHONE) && s.text().contains(devicePrefix))
                .count();
        long caseCalls = SalesforceStub.patchBodies(salesforce).stream()
                .filter(body -> body.values().stream().anyMatch(v -> v != null && v.contains(devicePrefix)))
                .count();
        return new Sent(emails, sms, caseCalls);
    }

    /** What the hub recorded as sent about those devices: notifications SENT, by channel. */
    private Sent recorded(String devicePrefix) {
        Map<String, Long> byChannel = hub.jdbc().queryForList("""
                        select n.channel, count(*) as n from notification n join alert a on a.id = n.alert_id
                        where a.device_id like ? and n.state = 'SENT' group by n.channel""", devicePrefix + "%").stream()
                .collect(Collectors.toMap(r -> (String) r.get("channel"), r -> ((Number) r.get("n")).longValue()));
        return new Sent(
                byChannel.getOrDefault("email", 0L),
                byChannel.getOrDefault("sms", 0L),
                byChannel.getOrDefault("crm", 0L));
    }

    /** The hub's side, for a failure message: each alert's rule and transitions, and the notifications' states. */
    private String outbox(String devicePrefix) {
        return hub.jdbc().queryForList("""
                        select a.device_id, a.rule_id, t.transition, n.channel, n.state, n.last_error
                        from alert a join alert_transition t on t.alert_id = a.id
                        left join notification n on n.transition_id = t.id
                        where a.device_id like ? order by a.device_id, t.id, n.channel""", devicePrefix + "%").toString();
    }

    private long alerts(String devicePrefix) {
        return hub.jdbc()
                .queryForObject("select count(*) from alert where device_id like ?", Long.class, devicePrefix + "-%");
    }

    /** Each engine runs hot (over the 90 degree limit) from minute 10 to 12 and 40 to 42, and cool otherwise. */
    private static List<String[]> hourOfReadings(String run, Instant start) {
        List<String[]> readings = new ArrayList<>();
        for (int i = 0; i < READINGS; i++) {
            int minute = i / 2;
            boolean hot = (minute >= 10 && minute < 12) || (minute >= 40 && minute < 42);
            for (int e = 0; e < ENGINES; e++) {
                String device = run + "-" + e;
                double temperature = hot ? 95 + i % 3 : 70 + i % 7;
                readings.add(new String[] {device, device + "-" + i, reading(start.plusSeconds(30L * i), temperature)});
            }
        }
        return readings;
    }

    private static String reading(Instant ts, double temperature) {
        return "{\"ts\":\"" + ts + "\",\"metrics\":{\"temperature\":" + temperature + "}}";
    }

    private void publishAll(List<String[]> readings) throws InterruptedException {
        try (var burst = new Burst(hub.mqttUrl())) {
            for (String[] r : readings) {
                assertThat(burst.publish(r[0], r[1], r[2])).isTrue();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> burst.answered() == readings.size());
            assertThat(burst.refused()).isEmpty();
        }
    }
}
