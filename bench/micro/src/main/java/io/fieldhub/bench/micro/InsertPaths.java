package io.fieldhub.bench.micro;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.store.PgArrays;
import io.fieldhub.telemetry.TelemetryRecord;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.postgresql.PGConnection;

/**
 * The ways a batch of readings can reach telemetry and telemetry_key, each keeping what the warm store guarantees:
 * one statement sequence per transaction, a key twice in the batch stored once (its first copy), a stored key stored
 * never again, and the fresh keys reported back.
 */
enum InsertPaths {

    /** The warm store until 2026-12-08: seven text[] parameters as array literals, cast row by row in SQL. */
    UNNEST_TEXT {
        @Override
        Set<String> write(Connection con, List<TelemetryRecord> batch, ObjectMapper mapper) throws SQLException {
            try (PreparedStatement ps = con.prepareStatement(DEDUPE.formatted("""
                    select distinct on (d, m) m, d, t::timestamptz t, r::timestamptz r, x::jsonb x, g::jsonb g, tr, n
                    from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                         with ordinality as b(m, d, t, r, x, g, tr, n)
                    order by d, m, n"""))) {
                ps.setArray(1, PgArrays.of(con, "text", batch, TelemetryRecord::messageId));
                ps.setArray(2, PgArrays.of(con, "text", batch, TelemetryRecord::deviceId));
                ps.setArray(3, PgArrays.of(con, "text", batch, r -> PgArrays.instant(r.ts())));
                ps.setArray(4, PgArrays.of(con, "text", batch, r -> PgArrays.instant(r.receivedAt())));
                ps.setArray(5, PgArrays.of(con, "text", batch, r -> json(mapper, r.metrics())));
                ps.setArray(6, PgArrays.of(con, "text", batch, r -> json(mapper, r.tags())));
                ps.setArray(7, PgArrays.of(con, "text", batch, TelemetryRecord::traceId));
                return keys(ps);
            }
        }
    },

    /** Times as int8[] epoch microseconds, which pgjdbc sends in binary; the rest as text[] literals. */
    UNNEST_TYPED {
        @Override
        Set<String> write(Connection con, List<TelemetryRecord> batch, ObjectMapper mapper) throws SQLException {
            try (PreparedStatement ps =
                    con.prepareStatement(DEDUPE.formatted("""
                    select distinct on (d, m) m, d, %s t, %s r, x::jsonb x, g::jsonb g, tr, n
                    from unnest(?::text[], ?::text[], ?::int8[], ?::int8[], ?::text[], ?::text[], ?::text[])
                         with ordinality as b(m, d, t, r, x, g, tr, n)
                    order by d, m, n""".formatted(micros("t"), micros("r"))))) {
                ps.setArray(1, PgArrays.of(con, "text", batch, TelemetryRecord::messageId));
                ps.setArray(2, PgArrays.of(con, "text", batch, TelemetryRecord::deviceId));
                ps.setArray(3, PgArrays.epochMicros(con, batch, TelemetryRecord::ts));
                ps.setArray(4, PgArrays.epochMicros(con, batch, TelemetryRecord::receivedAt));
                ps.setArray(5, PgArrays.of(con, "text", batch, r -> json(mapper, r.metrics())));
                ps.setArray(6, PgArrays.of(con, "text", batch, r -> json(mapper, r.tags())));
                ps.setArray(7, PgArrays.of(con, "text", batch, TelemetryRecord::traceId));
                return keys(ps);
            }
        }
    },

    /**
     * The warm store since 2026-12-08: as {@link #UNNEST_TYPED}, with the text columns as String[], which pgjdbc sends
     * as a binary text[] (an Object[] goes as a literal): nothing is quoted or escaped, no literal is parsed.
     */
    UNNEST_BINARY {
        @Override
        Set<String> write(Connection con, List<TelemetryRecord> batch, ObjectMapper mapper) throws SQLException {
            try (PreparedStatement ps =
                    con.prepareStatement(DEDUPE.formatted("""
                    select distinct on (d, m) m, d, %s t, %s r, x::jsonb x, g::jsonb g, tr, n
                    from unnest(?::text[], ?::text[], ?::int8[], ?::int8[], ?::text[], ?::text[], ?::text[])
                         with ordinality as b(m, d, t, r, x, g, tr, n)
                    order by d, m, n""".formatted(micros("t"), micros("r"))))) {
                ps.setArray(1, PgArrays.texts(con, batch, TelemetryRecord::messageId));
                ps.setArray(2, PgArrays.texts(con, batch, TelemetryRecord::deviceId));
                ps.setArray(3, PgArrays.epochMicros(con, batch, TelemetryRecord::ts));
                ps.setArray(4, PgArrays.epochMicros(con, batch, TelemetryRecord::receivedAt));
                ps.setArray(5, PgArrays.texts(con, batch, r -> json(mapper, r.metrics())));
                ps.setArray(6, PgArrays.texts(con, batch, r -> json(mapper, r.tags())));
                ps.setArray(7, PgArrays.texts(con, batch, TelemetryRecord::traceId));
                return keys(ps);
            }
        }
    },

    /** The batch as one JSON array, written by Jackson in one pass and taken apart by json_to_recordset. */
    JSON_RECORDSET {
        @Override
        Set<String> write(Connection con, List<TelemetryRecord> batch, ObjectMapper mapper) throws SQLException {
            try (PreparedStatement ps =
                    con.prepareStatement(DEDUPE.formatted("""
                    select distinct on (d, m) m, d, %s t, %s r, x, g, tr, n
                    from rows from (json_to_recordset(?::json)
                             as (m text, d text, t int8, r int8, x jsonb, g jsonb, tr text))
                         with ordinality as b(m, d, t, r, x, g, tr, n)
                    order by d, m, n""".formatted(micros("t"), micros("r"))))) {
                ps.setString(1, jsonArray(mapper, batch));
                return keys(ps);
            }
        }
    },

    /** COPY (text format) into a temporary staging table, then the same dedupe and insert from it. */
    COPY_STAGING {
        @Override
        Set<String> write(Connection con, List<TelemetryRecord> batch, ObjectMapper mapper) throws SQLException {
            try (Statement st = con.createStatement()) {
                st.execute("""
                        create temp table if not exists telemetry_batch
                            (n int8, m text, d text, t int8, r int8, x jsonb, g jsonb, tr text) on commit delete rows""");
            }
            StringBuilder rows = new StringBuilder(batch.size() * 200);
            long n = 0;
            for (TelemetryRecord r : batch) {
                rows.append(++n).append('\t');
                copyText(rows, r.messageId()).append('\t');
                copyText(rows, r.deviceId()).append('\t');
                rows.append(micros(r.ts()))
                        .append('\t')
                        .append(micros(r.receivedAt()))
                        .append('\t');
                copyText(rows, json(mapper, r.metrics())).append('\t');
                copyText(rows, json(mapper, r.tags())).append('\t');
                copyText(rows, r.traceId()).append('\n');
            }
            byte[] bytes = rows.toString().getBytes(StandardCharsets.UTF_8);
            var copy = con.unwrap(PGConnection.class).getCopyAPI().copyIn("copy telemetry_batch from stdin");
            copy.writeToCopy(bytes, 0, bytes.length);
            copy.endCopy();
            try (PreparedStatement ps =
                    con.prepareStatement(DEDUPE.formatted("""
                    select distinct on (d, m) m, d, %s t, %s r, x, g, tr, n from telemetry_batch
                    order by d, m, n""".formatted(micros("t"), micros("r"))))) {
                return keys(ps);
            }
        }
    };

    /** The dedupe and insert every path shares; %s is a query giving (m, d, t, r, x, g, tr, n), first copies only. */
    private static final String DEDUPE = """
            with batch as (%s),
            fresh as (
                insert into telemetry_key (device_id, message_id)
                select d, m from batch
                on conflict do nothing
                returning device_id, message_id)
            insert into telemetry (message_id, device_id, ts, received_at, metrics, tags, trace_id)
            select b.m, b.d, b.t, b.r, b.x, b.g, b.tr
            from batch b join fresh f on f.device_id = b.d and f.message_id = b.m
            order by b.n
            returning device_id, message_id""";

    abstract Set<String> write(Connection con, List<TelemetryRecord> batch, ObjectMapper mapper) throws SQLException;

    static String key(String deviceId, String messageId) {
        return deviceId + '\n' + messageId;
    }

    private static Set<String> keys(PreparedStatement ps) throws SQLException {
        Set<String> ids = new HashSet<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(key(rs.getString(1), rs.getString(2)));
            }
        }
        return ids;
    }

    /** Exact: interval * int8 multiplies whole microseconds. */
    private static String micros(String column) {
        return "timestamptz 'epoch' + " + column + " * interval '1 microsecond'";
    }

    private static long micros(Instant ts) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, ts);
    }

    private static String json(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String jsonArray(ObjectMapper mapper, List<TelemetryRecord> batch) {
        StringWriter out = new StringWriter(batch.size() * 220);
        try (JsonGenerator json = mapper.getFactory().createGenerator(out)) {
            json.writeStartArray();
            for (TelemetryRecord r : batch) {
                json.writeStartObject();
                json.writeStringField("m", r.messageId());
                json.writeStringField("d", r.deviceId());
                json.writeNumberField("t", micros(r.ts()));
                json.writeNumberField("r", micros(r.receivedAt()));
                json.writeFieldName("x");
                mapper.writeValue(json, r.metrics());
                json.writeFieldName("g");
                mapper.writeValue(json, r.tags());
                json.writeStringField("tr", r.traceId());
                json.writeEndObject();
            }
            json.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** COPY's text format: a backslash, tab, newline or carriage return in a value is escaped with a backslash. */
    private static StringBuilder copyText(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        return out;
    }

    static List<String> freshInOrder(List<TelemetryRecord> batch, Set<String> fresh) {
        Set<String> left = new HashSet<>(fresh);
        List<String> ordered = new ArrayList<>();
        for (TelemetryRecord r : batch) {
            String k = key(r.deviceId(), r.messageId());
            if (left.remove(k)) {
                ordered.add(k);
            }
        }
        return ordered;
    }
}
