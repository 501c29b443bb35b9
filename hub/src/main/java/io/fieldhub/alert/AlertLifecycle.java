package io.fieldhub.alert;

import io.fieldhub.store.PgArrays;
import io.fieldhub.telemetry.TelemetryRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The life of an alert, from the rules' triggers to an operator: one live alert per (rule, device), cleared,
 * acknowledged or escalated, every transition an {@code alert_transition} row (docs/architecture.md#alert-lifecycle).
 *
 * <p>The warm store calls {@link #apply} inside its batch transaction, so alerts commit with their readings and a
 * replayed message applies nothing. Each call is a constant number of statements, whatever the batch size.
 *
 * <p>The transitions are the notification outbox: a transaction that wrote any tells {@code transitionsWritten}, so
 * the fan-out runs as soon as it commits instead of at its next tick.
 */
public class AlertLifecycle {

    /** Counts the triggers applied to alerts, from messages and from the rule clock alike. */
    public static final String TRIGGERS_METRIC = "fieldhub.alerts.raised";

    /**
     * @param clearAfter    how long a device must report without a trigger before its alert clears, unless the rule
     *                      says otherwise
     * @param escalateAfter how long an open alert waits for an acknowledgement before each escalation
     * @param maxTier       the highest escalation tier
     */
    public record Settings(Duration clearAfter, Duration escalateAfter, int maxTier) {}

    /** What {@link #acknowledge} did. */
    public enum Acknowledgement {
        ACKNOWLEDGED,
        NO_SUCH_ALERT,
        ALREADY_ACKNOWLEDGED,
        ALREADY_CLEARED
    }

    /**
     * Live alerts of the devices that reported whose latest trigger is at least clear-after older than the device's
     * newest reading: the condition has ended, with hysteresis.
     */
    private static final String CLEAR = """
            with newest as (
                select device_id, ts::timestamptz as ts from unnest(?::text[], ?::text[]) as r(device_id, ts)
            ), cleared as (
                update alert a set state = 'CLEARED', cleared_at = now()
                from newest r
                where a.device_id = r.device_id and a.state <> 'CLEARED'
                  and a.last_ts <= r.ts - coalesce(a.clear_after, ? * interval '1 millisecond')
                returning a.id, a.severity, a.tier, a.last_ts, r.ts
            )
            insert into alert_transition (alert_id, transition, actor, severity, tier, detail)
            select id, 'CLEARED', 'rules', severity, tier,
                   'no trigger since ' || to_char(last_ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
                   || ', reading at ' || to_char(ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
            from cleared order by id""";

    /** {@code skip locked}: an alert the warm store is updating right now escalates on the next check instead. */
    private static final String ESCALATE = """
            with due as (
                select id from alert
                where state = 'OPEN' and tier < ?
                  and coalesce(escalated_at, opened_at) <= ?::timestamptz - ? * interval '1 millisecond'
                order by id for update skip locked
            ), escalated as (
                update alert a set tier = a.tier + 1, escalated_at = ? from due where a.id = due.id
                returning a.id, a.severity, a.tier
            )
            insert into alert_transition (alert_id, transition, at, actor, severity, tier, detail)
            select id, 'ESCALATED', ?, 'escalation', severity, tier, ? from escalated order by id""";

    private static final String ACKNOWLEDGE = """
            with acked as (
                update alert set state = 'ACKNOWLEDGED', acknowledged_at = now(), acknowledged_by = ?
                where id = ? returning id, severity, tier
            )
            insert into alert_transition (alert_id, transition, actor, severity, tier, detail)
            select id, 'ACKNOWLEDGED', ?, severity, tier, ? from acked""";

    private static final String CLOSE_DEVICE = """
            with closed as (
                update alert set state = 'CLEARED', cleared_at = now()
                where device_id = ? and state <> 'CLEARED'
                returning id, severity, tier
            )
            insert into alert_transition (alert_id, transition, actor, severity, tier, detail)
            select id, 'CLEARED', ?, severity, tier, ? from closed order by id""";

    private static final String CLEAR_ONE = """
            with cleared as (
                update alert set state = 'CLEARED', cleared_at = now()
                where rule_id = ? and device_id = ? and state <> 'CLEARED'
                returning id, severity, tier
            )
            insert into alert_transition (alert_id, transition, actor, severity, tier, detail)
            select id, 'CLEARED', ?, severity, tier, ? from cleared""";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Settings settings;
    private final Clock clock;
    private final AlertUpsert upsert;
    private final Counter triggersApplied;
    private final Runnable transitionsWritten;

    /**
     * @param transitionsWritten told, inside the transaction, each call that wrote alert transitions (the hub's:
     *                           {@code Wakeups.fanOut}, which wakes the notification fan-out when they commit)
     */
    public AlertLifecycle(
            JdbcTemplate jdbc,
            TransactionTemplate tx,
            Settings settings,
            Clock clock,
            MeterRegistry meters,
            Runnable transitionsWritten) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.settings = settings;
        this.clock = clock;
        this.upsert = new AlertUpsert(jdbc);
        this.triggersApplied = meters.counter(TRIGGERS_METRIC);
        this.transitionsWritten = transitionsWritten;
    }

    /**
     * Applies a batch's triggers, then clears the alerts whose condition has ended, so an alert triggered again in
     * the batch stays open. Runs in the caller's transaction; the caller counts {@link #TRIGGERS_METRIC} once it
     * commits.
     *
     * @param triggers      what the rules raised for the batch's fresh messages
     * @param freshReadings the batch's messages that were stored now (not replays of stored ones)
     * @return how many triggers were applied
     */
    public int apply(List<RaisedAlert> triggers, List<TelemetryRecord> freshReadings) {
        written(upsert.apply(triggers) + clear(freshReadings));
        return triggers.size();
    }

    /**
     * Applies triggers no message carries, in a transaction of its own: raised on the rule clock (a device gone
     * silent) or while the rules rebuild their windows from stored readings at start. When {@code rebuilding}, a
     * trigger applies only if it is newer than the latest one recorded for its (rule, device), so the replay neither
     * reopens nor recounts alerts.
     *
     * @return how many triggers were applied
     */
    public int applyOutsideMessages(List<RaisedAlert> triggers, boolean rebuilding) {
        if (triggers.isEmpty()) {
            return 0;
        }
        int applied = tx.execute(s -> {
            List<RaisedAlert> applying = rebuilding ? upsert.newerThanRecorded(triggers) : triggers;
            written(upsert.apply(applying));
            return applying.size();
        });
        triggersApplied.increment(applied);
        return applied;
    }

    /** Acknowledges an open alert on behalf of {@code actor}, with an optional note, in a transaction of its own. */
    public Acknowledgement acknowledge(long id, String actor, String note) {
        return tx.execute(s -> {
            List<String> state = jdbc.queryForList("select state from alert where id = ? for update", String.class, id);
            if (state.isEmpty()) {
                return Acknowledgement.NO_SUCH_ALERT;
            }
            switch (state.get(0)) {
                case "ACKNOWLEDGED":
                    return Acknowledgement.ALREADY_ACKNOWLEDGED;
                case "CLEARED":
                    return Acknowledgement.ALREADY_CLEARED;
                default:
                    written(jdbc.update(ACKNOWLEDGE, actor, id, actor, note));
                    return Acknowledgement.ACKNOWLEDGED;
            }
        });
    }

    /** {@link #escalateDue(Instant)} now, by the hub's clock; the {@code alerts-escalate} route calls it. */
    public int escalateDue() {
        return escalateDue(clock.instant());
    }

    /**
     * Raises by one tier, up to the max tier, every open alert that has waited escalate-after for an acknowledgement
     * since it opened or last escalated.
     *
     * @return how many alerts escalated
     */
    public int escalateDue(Instant now) {
        Timestamp at = Timestamp.from(now);
        String detail = "not acknowledged within "
                + settings.escalateAfter().toString().substring(2).toLowerCase();
        return tx.execute(s -> written(jdbc.update(
                ESCALATE, settings.maxTier(), at, settings.escalateAfter().toMillis(), at, at, detail)));
    }

    /** Passes on how many transitions a statement wrote, telling {@code transitionsWritten} if any. */
    private int written(int transitions) {
        if (transitions > 0) {
            transitionsWritten.run();
        }
        return transitions;
    }

    /**
     * Clears every live alert of a device that left the registry or was disabled: nobody is to act on a device that
     * no longer reports. Returns how many it cleared.
     */
    public int closeDevice(String deviceId, String actor, String why) {
        Integer closed = tx.execute(status -> {
            int n = jdbc.update(CLOSE_DEVICE, deviceId, actor, why);
            if (n > 0) {
                transitionsWritten.run();
            }
            return n;
        });
        return closed == null ? 0 : closed;
    }

    /**
     * Clears the live alert of one rule and device, if there is one, on behalf of {@code actor}, saying why, in a
     * transaction of its own: for alerts no reading clears, such as the hub's own.
     */
    public void closeAlert(String ruleId, String deviceId, String actor, String why) {
        tx.executeWithoutResult(status -> written(jdbc.update(CLEAR_ONE, ruleId, deviceId, actor, why)));
    }

    /** Clears the alerts of these devices whose condition has ended; returns how many CLEARED transitions it wrote. */
    private int clear(List<TelemetryRecord> freshReadings) {
        if (freshReadings.isEmpty()) {
            return 0;
        }
        Map<String, Instant> newest = new TreeMap<>();
        for (TelemetryRecord r : freshReadings) {
            newest.merge(r.deviceId(), r.ts(), (a, b) -> a.isAfter(b) ? a : b);
        }
        var devices = newest.entrySet();
        return jdbc.execute((ConnectionCallback<Integer>) con -> {
            try (PreparedStatement ps = con.prepareStatement(CLEAR)) {
                ps.setArray(1, PgArrays.of(con, "text", devices, Map.Entry::getKey));
                ps.setArray(2, PgArrays.of(con, "text", devices, e -> PgArrays.instant(e.getValue())));
                ps.setLong(3, settings.clearAfter().toMillis());
                return ps.executeUpdate();
            }
        });
    }
}
