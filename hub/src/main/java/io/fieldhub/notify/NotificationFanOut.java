package io.fieldhub.notify;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Turns alert transitions (the outbox) into notifications, each (transition, channel, recipient) once: in one
 * transaction it claims the unrouted transitions with their alert, asks the routing in force who gets what, inserts
 * the notifications ({@code on conflict do nothing}) and marks the transitions routed. Quiet hours set a
 * notification's first attempt to the end of the window; the rate limit holds what exceeds it for the digest.
 *
 * <p>One fan-out runs at a time across all hubs (a transaction-scoped advisory lock), so the rate limit counts
 * exactly; a concurrent call returns at once and the next tick carries on. A channel given notifications due now is
 * woken when they commit ({@link Wakeups}), so it sends them at once.
 */
public class NotificationFanOut {

    /** The advisory lock key of the fan-out: "fhnotify" in ASCII. */
    private static final long LOCK = 0x66686e6f74696679L;

    /** The device's site, type and group are the tags of its latest stored reading. */
    private static final String CLAIM = """
            select t.id, t.alert_id, t.transition, t.severity, t.tier, a.rule_id, a.device_id,
                   d.tags ->> 'site' as site, d.tags ->> 'type' as type, d.tags ->> 'group' as grp
            from alert_transition t
            join alert a on a.id = t.alert_id
            left join lateral (select tags from telemetry r where r.device_id = a.device_id
                               order by r.ts desc limit 1) d on true
            where t.routed_at is null
            order by t.id limit ?
            for update of t skip locked""";

    private static final String INSERT = """
            insert into notification (transition_id, alert_id, channel, recipient, address, state, next_attempt_at,
                                      created_at)
            values (?, ?, ?, ?, ?, ?, coalesce(?, now()), ?)
            on conflict (transition_id, channel, recipient) do nothing""";
    /** What counts against a rate limit: the transitions' notifications that were not held. */
    private static final String SENT_IN_WINDOW = """
            select recipient, count(*) from notification
            where channel = ? and kind = 'TRANSITION' and state not in ('HELD', 'DIGESTED') and created_at >= ?
            group by recipient""";

    private record Claimed(long id, long alertId, AlertFacts facts) {}

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final NotificationRouting routing;
    private final Clock clock;
    private final int batchSize;
    private final Consumer<String> wakeChannel;

    /**
     * @param batchSize   at most this many transitions per call (one transaction)
     * @param wakeChannel told, inside the transaction, each channel it gave notifications due now (the hub's:
     *                    {@link Wakeups#channel})
     */
    public NotificationFanOut(
            JdbcTemplate jdbc,
            TransactionTemplate tx,
            NotificationRouting routing,
            Clock clock,
            int batchSize,
            Consumer<String> wakeChannel) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.routing = routing;
        this.clock = clock;
        this.batchSize = batchSize;
        this.wakeChannel = wakeChannel;
    }

    /**
     * Routes up to a batch of unrouted transitions, oldest first; the {@code notify-fanout} route calls it.
     *
     * @return how many transitions were routed (0 also when another fan-out is running)
     */
    public int routeDue() {
        return tx.execute(status -> {
            if (!Boolean.TRUE.equals(jdbc.queryForObject("select pg_try_advisory_xact_lock(?)", Boolean.class, LOCK))) {
                return 0;
            }
            List<Claimed> claimed = jdbc.query(CLAIM, NotificationFanOut::claimed, batchSize);
            if (claimed.isEmpty()) {
                return 0;
            }
            Routing in = routing.current();
            Instant now = clock.instant();
            Timestamp createdAt = Timestamp.from(now);
            Set<Long> withCase =
                    withCase(claimed.stream().map(Claimed::alertId).distinct().toArray(Long[]::new));
            Map<String, Map<String, Long>> sent = new HashMap<>();
            List<Object[]> rows = new ArrayList<>();
            Set<String> dueNow = new HashSet<>();
            for (Claimed c : claimed) {
                for (Delivery d : in.deliveries(c.facts(), withCase.contains(c.alertId()), now)) {
                    String state = admit(in, sent, d, now) ? "PENDING" : "HELD";
                    if (d.channel().equals(Routing.CRM)) {
                        withCase.add(c.alertId());
                    }
                    if (state.equals("PENDING") && d.notBefore() == null) { // not held: due now
                        dueNow.add(d.channel());
                    }
                    rows.add(new Object[] {
                        c.id(),
                        c.alertId(),
                        d.channel(),
                        d.recipient(),
                        d.address(),
                        state,
                        d.notBefore() == null ? null : Timestamp.from(d.notBefore()),
                        createdAt
                    });
                }
            }
            jdbc.batchUpdate(INSERT, rows);
            jdbc.update("update alert_transition set routed_at = now() where id = any(?)", (Object)
                    claimed.stream().map(Claimed::id).toArray(Long[]::new));
            dueNow.forEach(wakeChannel);
            return claimed.size();
        });
    }

    /** Whether a notification is within its recipient's rate limit on its channel, counting it if so. */
    private boolean admit(Routing in, Map<String, Map<String, Long>> sent, Delivery d, Instant now) {
        var limit = in.rateLimit(d.channel());
        if (limit.isEmpty()) {
            return true;
        }
        Map<String, Long> counts = sent.computeIfAbsent(d.channel(), channel -> {
            Map<String, Long> byRecipient = new HashMap<>();
            jdbc.query(
                    SENT_IN_WINDOW,
                    rs -> {
                        byRecipient.put(rs.getString(1), rs.getLong(2));
                    },
                    channel,
                    Timestamp.from(limit.get().windowStart(now)));
            return byRecipient;
        });
        long count = counts.getOrDefault(d.recipient(), 0L);
        if (count >= limit.get().max()) {
            return false;
        }
        counts.put(d.recipient(), count + 1);
        return true;
    }

    /** The alerts among these that have a CRM case: an earlier transition went to the CRM. */
    private Set<Long> withCase(Long[] alertIds) {
        return new HashSet<>(jdbc.queryForList("""
                select distinct alert_id from notification where channel = 'crm' and alert_id = any(?)""", Long.class, (Object) alertIds));
    }

    private static Claimed claimed(ResultSet rs, int n) throws SQLException {
        var facts = AlertFacts.of(
                rs.getString("transition"),
                rs.getString("severity"),
                rs.getInt("tier"),
                rs.getString("rule_id"),
                rs.getString("device_id"),
                rs.getString("site"),
                rs.getString("type"),
                rs.getString("grp"));
        return new Claimed(rs.getLong("id"), rs.getLong("alert_id"), facts);
    }
}
