package io.fieldhub.failure;

import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.util.PSQLException;

/**
 * A permanent failure described for the people who must fix it: what PostgreSQL said, on which table, and what to
 * do about it. Two failures with the same {@link #cause()} are the same problem, however many messages hit it.
 *
 * @param sqlState the SQLState, or {@code null} when no SQL error names one
 * @param problem  what went wrong in one line, e.g. "permission denied for table telemetry"
 * @param table    the table (or sequence, or schema) the problem names, or {@code null}
 * @param fix      what to do so that storing works again
 */
public record StoreFailure(String sqlState, String problem, String table, String fix) {

    /** "permission denied for table telemetry", "relation "telemetry" does not exist", "... sequence x_id_seq". */
    private static final Pattern OBJECT = Pattern.compile("(table|relation|sequence|schema) \"?([\\w.$]+)\"?");

    /** Describes a failure; {@code dbUser} is the database user the hub connects as, named in a GRANT to run. */
    public static StoreFailure of(Throwable failure, String dbUser) {
        SQLException sql = sqlCause(failure);
        String problem = sql != null
                ? problem(sql)
                : failure.getClass().getSimpleName() + ": " + firstLine(String.valueOf(failure.getMessage()));
        String state = sql == null ? null : sql.getSQLState();
        Matcher object = OBJECT.matcher(problem);
        String kind = object.find() ? object.group(1) : null;
        String table = kind == null ? null : object.group(2);
        return new StoreFailure(state, problem, table, fix(state, kind, table, dbUser));
    }

    /** The problem and its SQLState: what makes two failures the same cause. */
    public String cause() {
        return sqlState == null ? problem : problem + " (SQLState " + sqlState + ")";
    }

    /** The sentence for a dead letter, a device's answer and the hub's own alert. */
    public String reason() {
        return "store failing: " + cause() + ". Fix: " + fix;
    }

    private static String fix(String state, String kind, String table, String dbUser) {
        String user =
                dbUser == null || dbUser.isBlank() ? "the hub's database user (spring.datasource.username)" : dbUser;
        if ("42501".equals(state)) {
            if ("sequence".equals(kind)) {
                return "grant " + user + " the use of sequence " + table + ": GRANT USAGE, SELECT ON SEQUENCE " + table
                        + " TO " + user;
            }
            if ("schema".equals(kind)) {
                return "grant " + user + " the use of schema " + table + ": GRANT USAGE ON SCHEMA " + table + " TO "
                        + user;
            }
            if (table != null) {
                return "give " + user + " back its rights on table " + table
                        + ": GRANT SELECT, INSERT, UPDATE, DELETE ON " + table + " TO " + user;
            }
            return "grant " + user + " the privilege PostgreSQL names above";
        }
        String stateClass = state == null ? "" : state.substring(0, Math.min(2, state.length()));
        return switch (stateClass) {
            case "42" ->
                "the database does not have the tables this hub version expects: check that"
                        + " spring.datasource.url is the hub's database and that nothing dropped or altered its tables"
                        + " outside the hub's migrations (table flyway_schema_history lists them)";
            case "23" ->
                "a constraint or trigger that the hub's migrations did not create refuses the rows"
                        + (table == null ? "" : " of table " + table) + ": drop it, or relax it";
            case "22" ->
                "PostgreSQL refuses a value the hub writes: report it with the dead letter, which keeps the"
                        + " message";
            case "28" ->
                "the database refuses the hub's credentials: check spring.datasource.username and"
                        + " spring.datasource.password";
            case "3D", "3F" ->
                "the database or schema in spring.datasource.url does not exist: create it, or point"
                        + " the hub at the right one";
            default -> "the error above happens on every attempt, so the hub does not retry it: correct its cause";
        };
    }

    private static SQLException sqlCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }

    /** PostgreSQL's primary message, without its severity and the lines of context after it. */
    private static String problem(SQLException sql) {
        if (sql instanceof PSQLException pg && pg.getServerErrorMessage() != null) {
            String message = pg.getServerErrorMessage().getMessage();
            if (message != null) {
                return firstLine(message);
            }
        }
        return firstLine(String.valueOf(sql.getMessage())).replaceFirst("^(ERROR|FATAL): ", "");
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return (end < 0 ? text : text.substring(0, end)).strip();
    }
}
