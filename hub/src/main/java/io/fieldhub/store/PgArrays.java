package io.fieldhub.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.function.Function;

/** One PostgreSQL array parameter per column, so a whole batch binds to one statement ({@code unnest(?, ?, ...)}). */
public final class PgArrays {

    private PgArrays() {}

    public static <T> Array of(Connection con, String type, Collection<T> rows, Function<T, Object> column)
            throws SQLException {
        return con.createArrayOf(type, rows.stream().map(column).toArray());
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
