package io.fieldhub.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.Map;

/** Turns a result row into JSON-ready values for the REST API: timestamps as ISO instants, jsonb as objects. */
public final class Rows {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final java.util.Set<String> JSON_COLUMNS = java.util.Set.of("metrics", "tags");

    private Rows() {}

    /** A page size the API accepts: at least 1, at most 10,000 rows. */
    public static int limit(int requested) {
        return Math.min(Math.max(requested, 1), 10_000);
    }

    public static Map<String, Object> json(ResultSet rs, int rowNum) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            String name = meta.getColumnLabel(i);
            Object value = rs.getObject(i);
            if (value instanceof Timestamp t) {
                value = t.toInstant().toString();
            } else if (value instanceof String s && JSON_COLUMNS.contains(name)) {
                value = parse(s);
            }
            row.put(name, value);
        }
        return row;
    }

    private static Object parse(String json) {
        try {
            return MAPPER.readValue(json, Object.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
