package io.fieldhub.failure;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLNonTransientException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.NonTransientDataAccessException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.dao.UncategorizedDataAccessException;

/**
 * Says whether a failure may pass by itself (retry it) or will fail the same way every time until someone changes
 * something (stop retrying, tell people). The SQLState decides first (PostgreSQL's codes, appendix A of its manual),
 * then the Spring and JDBC exception types; a failure neither names is transient, so the hub delays a message rather
 * than gives it up. The table: docs/architecture.md#permanent-errors-are-surfaced.
 */
public final class ErrorClassifier {

    /** What a failure says about its next attempt. */
    public enum Kind {
        /** may pass by itself: retried with backoff */
        TRANSIENT,
        /** fails the same way until someone acts: not retried */
        PERMANENT
    }

    /**
     * Whole SQLState classes: 08 connection, 53 insufficient resources (disk full, too many connections), 58 system
     * error (I/O) may pass; 22 data exception, 23 integrity constraint, 28 invalid authorization, 3D/3F no such
     * database/schema, 42 syntax error or access rule (42501 insufficient privilege, 42P01 undefined table) do not.
     */
    private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "53", "58");

    private static final Set<String> PERMANENT_CLASSES = Set.of("22", "23", "28", "3D", "3F", "42");

    /**
     * Single codes: serialization failure, deadlock, statement completion unknown, read-only transaction (a standby
     * or a database in recovery), admin or crash shutdown, cannot connect now (starting up), idle session timeout,
     * statement timeout or cancel, lock not available, object in use.
     */
    private static final Set<String> TRANSIENT_CODES =
            Set.of("40001", "40P01", "40003", "25006", "57P01", "57P02", "57P03", "57P05", "57014", "55P03", "55006");

    /** The database was dropped under the hub, a feature the server lacks. */
    private static final Set<String> PERMANENT_CODES = Set.of("57P04", "0A000");

    private ErrorClassifier() {}

    public static Kind classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = next(t)) {
            if (t instanceof SQLException sql) {
                Kind kind = bySqlState(sql.getSQLState());
                if (kind != null) {
                    return kind;
                }
            }
        }
        for (Throwable t = failure; t != null; t = next(t)) {
            Kind kind = byType(t);
            if (kind != null) {
                return kind;
            }
        }
        return Kind.TRANSIENT;
    }

    public static boolean isPermanent(Throwable failure) {
        return failure != null && classify(failure) == Kind.PERMANENT;
    }

    /** What one SQLState says, or {@code null} for a code this table does not name. */
    static Kind bySqlState(String state) {
        if (state == null || state.length() != 5) {
            return null;
        }
        if (TRANSIENT_CODES.contains(state)) {
            return Kind.TRANSIENT;
        }
        if (PERMANENT_CODES.contains(state)) {
            return Kind.PERMANENT;
        }
        String stateClass = state.substring(0, 2);
        if (TRANSIENT_CLASSES.contains(stateClass)) {
            return Kind.TRANSIENT;
        }
        return PERMANENT_CLASSES.contains(stateClass) ? Kind.PERMANENT : null;
    }

    /**
     * What the exception type says, or {@code null}. Spring files a failed connection
     * ({@link DataAccessResourceFailureException}) as non-transient, but a database that is down comes back; and an
     * {@link UncategorizedDataAccessException} is Spring not knowing, which says nothing either way.
     */
    private static Kind byType(Throwable t) {
        if (t instanceof TransientDataAccessException
                || t instanceof RecoverableDataAccessException
                || t instanceof DataAccessResourceFailureException
                || t instanceof SQLTransientException
                || t instanceof SQLRecoverableException
                || t instanceof SQLNonTransientConnectionException) {
            return Kind.TRANSIENT;
        }
        if (t instanceof UncategorizedDataAccessException) {
            return null;
        }
        if (t instanceof NonTransientDataAccessException || t instanceof SQLNonTransientException) {
            return Kind.PERMANENT;
        }
        return null;
    }

    private static Throwable next(Throwable t) {
        return t.getCause() == t ? null : t.getCause();
    }
}
