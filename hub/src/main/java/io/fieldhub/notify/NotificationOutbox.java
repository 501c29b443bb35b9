package io.fieldhub.notify;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The notifications waiting to go out, in PostgreSQL, and the record of every attempt. A channel route claims a
 * batch, sends each, and reports {@link #sent} or {@link #failed}; a claim is a lease, so a notification whose
 * sender died is claimed again when the lease runs out (the only case in which a message can go out twice: the
 * provider took it and the hub died before recording that).
 */
public class NotificationOutbox {

    /**
     * One alert's notifications to one recipient on one channel go out in order (a case is opened before it is
     * closed, a RAISED email before the CLEARED one): a notification waits while an earlier one is being sent or
     * retried. One that quiet hours hold back (never attempted, not yet due) does not hold up a later one that an
     * exception lets through.
     */
    private static final String CLAIM = """
            update notification n set attempts = n.attempts + 1, next_attempt_at = now() + ? * interval '1 millisecond'
            where n.id in (select c.id from notification c
                           where c.channel = ? and c.state = 'PENDING' and c.next_attempt_at <= now()
                             and not exists (select 1 from notification p
                                             where p.alert_id = c.alert_id and p.channel = c.channel
                                               and p.recipient = c.recipient and p.id < c.id
                                               and p.state = 'PENDING'
                                               and (p.attempts > 0 or p.next_attempt_at <= now()))
                           order by c.id limit ? for update skip locked)
            returning n.id""";

    private static final String OUTGOING = """
            select n.id, n.channel, n.recipient, n.address, n.kind, n.attempts, n.transition_id, t.transition,
                   t.at as transition_at, t.actor, coalesce(t.tier, a.tier, 0) as tier, a.id as alert_id, a.rule_id,
                   a.device_id, coalesce(t.severity, a.severity) as severity, a.state, a.metric, a.last_value,
                   a.threshold, a.last_ts, a.text, t.detail, a.count, n.digest_id
            from notification n
            left join alert_transition t on t.id = n.transition_id
            left join alert a on a.id = n.alert_id
            where n.id = any(?) or n.digest_id = any(?)
            order by n.id""";

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final String alertsUrl;
    private final Duration lease;

    /**
     * @param publicUrl the hub's address as people reach it, for links to the alert
     * @param lease     how long a claimed notification is left to its sender before it is claimed again
     */
    public NotificationOutbox(JdbcClient jdbc, TransactionTemplate tx, String publicUrl, Duration lease) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.alertsUrl = publicUrl.replaceAll("/+$", "") + "/api/alerts/";
        this.lease = lease;
    }

    /** Claims up to {@code max} due notifications of a channel, oldest first. */
    public List<Outgoing> claim(String channel, int max) {
        return tx.execute(status -> {
            Long[] ids = jdbc.sql(CLAIM)
                    .params(lease.toMillis(), channel, max)
                    .query(Long.class)
                    .list()
                    .toArray(Long[]::new);
            if (ids.length == 0) {
                return List.of();
            }
            return assemble(jdbc.sql(OUTGOING).params(ids, ids).query(this::row).list(), ids);
        });
    }

    /** The channel's server took it. */
    public void sent(long id, String providerRef) {
        tx.executeWithoutResult(status -> {
            jdbc.sql("update notification set state = 'SENT', sent_at = now(), provider_ref = ?, last_error = null"
                            + " where id = ?")
                    .params(providerRef, id)
                    .update();
            attempt(id, "SENT", providerRef);
        });
    }

    /**
     * Sending failed. A permanent failure (the recipient does not exist) is final; any other is retried after an
     * exponential backoff: 1 s after the first attempt, doubling, at most 5 minutes.
     */
    public void failed(long id, String error, boolean permanent) {
        failed(id, error, permanent ? "FAILED" : "RETRY");
    }

    /** The channel's circuit breaker is open: not attempted, retried after the backoff. */
    public void circuitOpen(long id, String error) {
        failed(id, error, "CIRCUIT_OPEN");
    }

    /** A delivery receipt (SMS) for the notification the provider knows as {@code providerRef}. */
    public void delivered(String channel, String providerRef, String deliveryState, Instant at) {
        jdbc.sql("update notification set delivery = ?, delivered_at = ? where channel = ? and provider_ref = ?")
                .params(deliveryState, Timestamp.from(at), channel, providerRef)
                .update();
    }

    /**
     * Every notification of an alert with its attempts, oldest first: what was sent to whom, and how it went. A
     * notification the rate limit held names the digest it went out in ({@code digestId}, {@code digestState}).
     */
    public List<Map<String, Object>> ofAlert(long alertId) {
        List<Map<String, Object>> notifications =
                jdbc.sql("""
                select n.id, n.transition_id as "transitionId", t.transition, n.channel, n.recipient, n.address,
                       n.kind, n.state, n.attempts, n.next_attempt_at as "nextAttemptAt", n.last_error as "lastError",
                       n.provider_ref as "providerRef", n.delivery, n.delivered_at as "deliveredAt",
                       n.created_at as "createdAt", n.sent_at as "sentAt", n.digest_id as "digestId",
                       d.state as "digestState", d.sent_at as "digestSentAt"
                from notification n left join alert_transition t on t.id = n.transition_id
                left join notification d on d.id = n.digest_id
                where n.alert_id = ? order by n.id""").param(alertId).query(io.fieldhub.store.Rows::json).list();
        for (Map<String, Object> n : notifications) {
            n.put(
                    "attempts",
                    jdbc.sql("select at, outcome, detail from notification_attempt where notification_id = ?"
                                    + " order by id")
                            .param(n.get("id"))
                            .query(io.fieldhub.store.Rows::json)
                            .list());
        }
        return notifications;
    }

    private void failed(long id, String error, String outcome) {
        tx.executeWithoutResult(status -> {
            if (outcome.equals("FAILED")) {
                jdbc.sql("update notification set state = 'FAILED', last_error = ? where id = ?")
                        .params(error, id)
                        .update();
            } else {
                jdbc.sql("""
                        update notification set state = 'PENDING', last_error = ?,
                            next_attempt_at = now() + least(300000, 1000 * power(2, greatest(attempts - 1, 0)))
                                                       * interval '1 millisecond'
                        where id = ?""").params(error, id).update();
            }
            attempt(id, outcome, error);
        });
    }

    private void attempt(long id, String outcome, String detail) {
        jdbc.sql("insert into notification_attempt (notification_id, outcome, detail) values (?, ?, ?)")
                .params(id, outcome, detail)
                .update();
    }

    private record Row(Outgoing outgoing, Long digestId) {}

    private Row row(ResultSet rs, int n) throws SQLException {
        Long alertId = (Long) rs.getObject("alert_id");
        Timestamp at = rs.getTimestamp("transition_at");
        Timestamp ts = rs.getTimestamp("last_ts");
        var outgoing = new Outgoing(
                rs.getLong("id"),
                rs.getString("channel"),
                rs.getString("recipient"),
                rs.getString("address"),
                rs.getString("kind"),
                rs.getInt("attempts"),
                (Long) rs.getObject("transition_id"),
                rs.getString("transition"),
                at == null ? null : at.toInstant(),
                rs.getString("actor"),
                rs.getString("detail"),
                rs.getInt("tier"),
                alertId,
                rs.getString("rule_id"),
                rs.getString("device_id"),
                rs.getString("severity"),
                rs.getString("state"),
                rs.getString("metric"),
                (Double) rs.getObject("last_value"),
                (Double) rs.getObject("threshold"),
                ts == null ? null : ts.toInstant(),
                rs.getString("text"),
                rs.getInt("count"),
                alertId == null ? null : alertsUrl + alertId,
                List.of());
        return new Row(outgoing, (Long) rs.getObject("digest_id"));
    }

    /** The claimed notifications, each digest carrying the notifications it sums up. */
    private static List<Outgoing> assemble(List<Row> rows, Long[] claimed) {
        Map<Long, List<Outgoing>> byDigest = rows.stream()
                .filter(r -> r.digestId() != null)
                .collect(Collectors.groupingBy(Row::digestId, Collectors.mapping(Row::outgoing, Collectors.toList())));
        List<Long> ids = List.of(claimed);
        List<Outgoing> out = new ArrayList<>();
        for (Row r : rows) {
            Outgoing o = r.outgoing();
            if (!ids.contains(o.id())) {
                continue;
            }
            List<Outgoing> of = byDigest.getOrDefault(o.id(), List.of());
            out.add(
                    of.isEmpty()
                            ? o
                            : new Outgoing(
                                    o.id(),
                                    o.channel(),
                                    o.recipient(),
                                    o.address(),
                                    o.kind(),
                                    o.attempt(),
                                    o.transitionId(),
                                    o.transition(),
                                    o.transitionAt(),
                                    o.actor(),
                                    o.detail(),
                                    o.tier(),
                                    o.alertId(),
                                    o.ruleId(),
                                    o.deviceId(),
                                    o.severity(),
                                    o.state(),
                                    o.metric(),
                                    o.value(),
                                    o.threshold(),
                                    o.ts(),
                                    o.text(),
                                    o.count(),
                                    o.alertUrl(),
                                    of));
        }
        return out;
    }
}
