package io.fieldhub.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.telemetry.TelemetryRecord;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Reads back the newest stored readings, in the order they were stored: what the rules' windows are rebuilt from. */
public class RecentTelemetry {

    // Bounded by id first (the primary key), so the query never scans an old, large table for the time filter. Only
    // registered, enabled devices have rule state: a disabled or deleted one's readings are not brought back.
    private static final String NEWEST = """
            select t.message_id, t.device_id, t.ts, t.received_at, t.metrics::text, t.tags::text, t.trace_id
            from telemetry t
            join device d on d.id = t.device_id and d.enabled
            where t.id > (select coalesce(max(id), 0) from telemetry) - ? and t.ts > ?
            order by t.id""";

    private final JdbcClient jdbc;
    private final ObjectMapper mapper;

    public RecentTelemetry(JdbcClient jdbc, ObjectMapper mapper) {
        this.jdbc = jdbc;
        this.mapper = mapper;
    }

    /** At most {@code max} of the newest readings with a device time after {@code since}, oldest first. */
    public List<TelemetryRecord> since(Instant since, int max) {
        return jdbc.sql(NEWEST)
                .params(max, Timestamp.from(since))
                .query(this::record)
                .list();
    }

    private TelemetryRecord record(ResultSet rs, int row) throws SQLException {
        return new TelemetryRecord(
                rs.getString(1),
                rs.getString(2),
                rs.getTimestamp(3).toInstant(),
                rs.getTimestamp(4).toInstant(),
                read(rs.getString(5), new TypeReference<Map<String, Double>>() {}),
                read(rs.getString(6), new TypeReference<Map<String, String>>() {}),
                rs.getString(7));
    }

    private <T> T read(String json, TypeReference<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored telemetry row does not hold valid JSON", e);
        }
    }
}
