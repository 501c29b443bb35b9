package io.fieldhub.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import org.postgresql.PGConnection;

/** One PostgreSQL array parameter per column, so a whole batch binds to one statement ({@code unnest(?, ?, ...)}). */
public final class PgArrays {

    private PgArrays() {}

    /** An array of {@code type}; a text[] goes in binary, as {@link #texts} explains. */
    public static <T> Array of(Connection con, String type, Collection<T> rows, Function<T, Object> column)
            throws SQLException {
        if (type.equals("text")) {
            String[] values = rows.stream().map(column).map(String.class::cast).toArray(String[]::new);
            return con.unwrap(PGConnection.class).createArrayOf(type, values);
        }
        return con.createArrayOf(type, rows.stream().map(column).toArray());
    }

    /**
     * A text[] that pgjdbc sends in binary, as it does for a String[] (an Object[] goes as an array literal, every
     * element quoted and escaped, which PostgreSQL then parses again).
     */
    public static <T> Array texts(Connection con, List<T> rows, Function<T, String> column) throws SQLException {
        String[] values = new String[rows.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = column.apply(rows.get(i));
        }
        return con.unwrap(PGConnection.class).createArrayOf("text", values);
    }

    /**
     * An int8[] (sent in binary) of instants as microseconds since the epoch, truncated as {@link #micros} does;
     * {@code timestamptz 'epoch' + x * interval '1 microsecond'} reads one back exactly (a float8 holds every
     * microsecond until the year 2255).
     */
    public static <T> Array epochMicros(Connection con, List<T> rows, Function<T, Instant> column) throws SQLException {
        long[] values = new long[rows.size()];
        for (int i = 0; i < values.length; i++) {
            Instant ts = micros(column.apply(rows.get(i)));
            values[i] = ts.getEpochSecond() * 1_000_000L + ts.getNano() / 1_000;
        }
        return con.unwrap(PGConnection.class).createArrayOf("int8", values);
    }

    /**
     * An instant as PostgreSQL stores it (microseconds), in ISO-8601 text for a {@code ::timestamptz} cast; so an
     * instant compared in Java with one read back compares as the database does.
     */
    public static String instant(Instant ts) {
        return micros(ts).toString();
    }

    public static Instant micros(Instant ts) {
        return ts.truncatedTo(ChronoUnit.MICROS);
    }
}
