package io.fieldhub.alert;

import io.fieldhub.store.PgArrays;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Applies rule triggers to the {@code alert} table, set-based: a new live alert per (rule, device) with a RAISED
 * transition, or count and latest trigger added to the live one. One statement however many triggers.
 */
final class AlertUpsert {

    /**
     * Triggers arrive grouped, one row per (rule, device): PostgreSQL refuses to update one row twice in one
     * {@code INSERT ... ON CONFLICT}. A late trigger (older than the alert's latest) adds to the count but does not
     * move last_* back, which would clear the alert too early. {@code xmax = 0} marks the rows that were inserted.
     */
    private static final String UPSERT = """
            with t as (
                select * from unnest(?::text[], ?::text[], ?::int[], ?::text[], ?::text[], ?::float8[], ?::float8[],
                                     ?::float8[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                                     ?::int8[])
                    as t(rule_id, device_id, n, severity, metric, threshold, first_value, last_value, first_ts,
                         last_ts, first_message_id, last_message_id, text, trace_id, clear_after_ms)
            ), upserted as (
                insert into alert as a (rule_id, device_id, severity, count, metric, threshold, first_value,
                                        last_value, first_ts, last_ts, first_message_id, last_message_id, text,
                                        trace_id, clear_after)
                select rule_id, device_id, severity, n, metric, threshold, first_value, last_value,
                       first_ts::timestamptz, last_ts::timestamptz, first_message_id, last_message_id, text, trace_id,
                       clear_after_ms * interval '1 millisecond'
                from t
                on conflict (rule_id, device_id) where state <> 'CLEARED' do update set
                    count = a.count + excluded.count,
                    first_value = case when excluded.first_ts < a.first_ts then excluded.first_value
                                       else a.first_value end,
                    first_message_id = case when excluded.first_ts < a.first_ts then excluded.first_message_id
                                            else a.first_message_id end,
                    first_ts = least(a.first_ts, excluded.first_ts),
                    severity = case when excluded.last_ts >= a.last_ts then excluded.severity else a.severity end,
                    metric = case when excluded.last_ts >= a.last_ts then excluded.metric else a.metric end,
                    threshold = case when excluded.last_ts >= a.last_ts then excluded.threshold else a.threshold end,
                    last_value = case when excluded.last_ts >= a.last_ts then excluded.last_value else a.last_value end,
                    last_message_id = case when excluded.last_ts >= a.last_ts then excluded.last_message_id
                                           else a.last_message_id end,
                    text = case when excluded.last_ts >= a.last_ts then excluded.text else a.text end,
                    trace_id = case when excluded.last_ts >= a.last_ts then excluded.trace_id else a.trace_id end,
                    clear_after = case when excluded.last_ts >= a.last_ts then excluded.clear_after
                                       else a.clear_after end,
                    last_ts = greatest(a.last_ts, excluded.last_ts)
                returning a.id, a.severity, a.tier, a.text, (xmax = 0) as inserted
            )
            insert into alert_transition (alert_id, transition, actor, severity, tier, detail)
            select id, 'RAISED', 'rules', severity, tier, text from upserted where inserted order by id""";

    /** The device time of the latest trigger recorded for each (rule, device), open or cleared. */
    private static final String LATEST_RECORDED = """
            select distinct on (a.rule_id, a.device_id) a.rule_id, a.device_id, a.last_ts
            from alert a join unnest(?::text[], ?::text[]) as k(rule_id, device_id)
                 on a.rule_id = k.rule_id and a.device_id = k.device_id
            order by a.rule_id, a.device_id, a.id desc""";

    /** Sorted, so concurrent upserts lock alert rows in the same order and cannot deadlock each other. */
    private record Key(String ruleId, String deviceId) implements Comparable<Key> {
        private static final Comparator<Key> ORDER =
                Comparator.comparing(Key::ruleId).thenComparing(Key::deviceId);

        @Override
        public int compareTo(Key other) {
            return ORDER.compare(this, other);
        }
    }

    /** The triggers of one (rule, device) in a batch: how many, the earliest and the latest by device time. */
    private record Group(Key key, int count, RaisedAlert first, RaisedAlert latest) {
        Group plus(RaisedAlert t) {
            // on equal times the later arrival is the latest
            return new Group(
                    key, count + 1, t.ts().isBefore(first.ts()) ? t : first, t.ts().isBefore(latest.ts()) ? latest : t);
        }
    }

    private final JdbcTemplate jdbc;

    AlertUpsert(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Applies the triggers in the caller's transaction; returns how many RAISED transitions it wrote. */
    int apply(List<RaisedAlert> triggers) {
        if (triggers.isEmpty()) {
            return 0;
        }
        Map<Key, Group> groups = new TreeMap<>();
        for (RaisedAlert t : triggers) {
            Key key = new Key(t.ruleId(), t.deviceId());
            groups.merge(key, new Group(key, 1, t, t), (g, one) -> g.plus(t));
        }
        Collection<Group> rows = groups.values();
        return jdbc.execute((ConnectionCallback<Integer>) con -> {
            try (PreparedStatement ps = con.prepareStatement(UPSERT)) {
                ps.setArray(1, PgArrays.of(con, "text", rows, g -> g.key().ruleId()));
                ps.setArray(2, PgArrays.of(con, "text", rows, g -> g.key().deviceId()));
                ps.setArray(3, PgArrays.of(con, "int4", rows, Group::count));
                ps.setArray(4, PgArrays.of(con, "text", rows, g -> g.latest().severity()));
                ps.setArray(5, PgArrays.of(con, "text", rows, g -> g.latest().metric()));
                ps.setArray(6, PgArrays.of(con, "float8", rows, g -> g.latest().threshold()));
                ps.setArray(7, PgArrays.of(con, "float8", rows, g -> g.first().value()));
                ps.setArray(8, PgArrays.of(con, "float8", rows, g -> g.latest().value()));
                ps.setArray(
                        9,
                        PgArrays.of(
                                con,
                                "text",
                                rows,
                                g -> PgArrays.instant(g.first().ts())));
                ps.setArray(
                        10,
                        PgArrays.of(
                                con,
                                "text",
                                rows,
                                g -> PgArrays.instant(g.latest().ts())));
                ps.setArray(11, PgArrays.of(con, "text", rows, g -> g.first().messageId()));
                ps.setArray(12, PgArrays.of(con, "text", rows, g -> g.latest().messageId()));
                ps.setArray(13, PgArrays.of(con, "text", rows, g -> g.latest().text()));
                ps.setArray(14, PgArrays.of(con, "text", rows, g -> g.latest().traceId()));
                ps.setArray(
                        15,
                        PgArrays.of(
                                con,
                                "int8",
                                rows,
                                g -> g.latest().clearAfter() == null
                                        ? null
                                        : g.latest().clearAfter().toMillis()));
                return ps.executeUpdate();
            }
        });
    }

    /**
     * The triggers newer than the latest one recorded for their (rule, device): what a replay of stored readings
     * may still apply without reopening or recounting what was applied before.
     */
    List<RaisedAlert> newerThanRecorded(List<RaisedAlert> triggers) {
        List<Key> keys = triggers.stream()
                .map(t -> new Key(t.ruleId(), t.deviceId()))
                .distinct()
                .toList();
        Map<Key, Instant> recorded = new HashMap<>();
        jdbc.execute((ConnectionCallback<Void>) con -> {
            try (PreparedStatement ps = con.prepareStatement(LATEST_RECORDED)) {
                ps.setArray(1, PgArrays.of(con, "text", keys, Key::ruleId));
                ps.setArray(2, PgArrays.of(con, "text", keys, Key::deviceId));
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Timestamp lastTs = rs.getTimestamp(3);
                        recorded.put(new Key(rs.getString(1), rs.getString(2)), lastTs.toInstant());
                    }
                }
            }
            return null;
        });
        return triggers.stream()
                .filter(t -> {
                    Instant latest = recorded.get(new Key(t.ruleId(), t.deviceId()));
                    return latest == null || PgArrays.micros(t.ts()).isAfter(latest);
                })
                .toList();
    }
}
