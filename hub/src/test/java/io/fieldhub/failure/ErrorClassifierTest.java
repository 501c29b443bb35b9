package io.fieldhub.failure;

import static io.fieldhub.failure.ErrorClassifier.Kind.PERMANENT;
import static io.fieldhub.failure.ErrorClassifier.Kind.TRANSIENT;
import static org.assertj.core.api.Assertions.assertThat;

import io.fieldhub.failure.ErrorClassifier.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.transaction.CannotCreateTransactionException;

/** The table of docs/architecture.md#permanent-errors-are-surfaced, code by code. */
class ErrorClassifierTest {

    @ParameterizedTest(name = "SQLState {0}: {1} ({2})")
    @CsvSource({
        "08006, TRANSIENT, connection failure",
        "08001, TRANSIENT, cannot connect",
        "40001, TRANSIENT, serialization failure",
        "40P01, TRANSIENT, deadlock",
        "25006, TRANSIENT, read-only transaction",
        "57P01, TRANSIENT, admin shutdown",
        "57P02, TRANSIENT, crash shutdown",
        "57P03, TRANSIENT, cannot connect now",
        "57014, TRANSIENT, statement timeout",
        "55P03, TRANSIENT, lock not available",
        "53100, TRANSIENT, disk full",
        "53300, TRANSIENT, too many connections",
        "58030, TRANSIENT, I/O error",
        "XX000, TRANSIENT, internal error: unknown",
        "42501, PERMANENT, insufficient privilege",
        "42P01, PERMANENT, undefined table",
        "42703, PERMANENT, undefined column",
        "42601, PERMANENT, syntax error",
        "23505, PERMANENT, unique violation",
        "23514, PERMANENT, check violation",
        "22P02, PERMANENT, invalid text representation",
        "28P01, PERMANENT, invalid password",
        "3D000, PERMANENT, invalid catalog name",
        "57P04, PERMANENT, database dropped",
    })
    void bySqlState(String sqlState, Kind kind, String what) {
        var failure =
                new UncategorizedSQLException("insert", "insert into telemetry", new SQLException(what, sqlState));
        assertThat(ErrorClassifier.classify(failure)).isEqualTo(kind);
    }

    static Stream<Arguments> byType() {
        return Stream.of(
                Arguments.of(new CannotGetJdbcConnectionException("no connection"), TRANSIENT),
                Arguments.of(new SQLTransientConnectionException("pool timed out"), TRANSIENT),
                Arguments.of(new QueryTimeoutException("timed out"), TRANSIENT),
                Arguments.of(new CannotAcquireLockException("lock"), TRANSIENT),
                Arguments.of(new CannotCreateTransactionException("no connection"), TRANSIENT),
                Arguments.of(new IOException("broken pipe"), TRANSIENT),
                Arguments.of(new IllegalStateException("unknown"), TRANSIENT),
                Arguments.of(new BadSqlGrammarException("insert", "insert", new SQLException("no state")), PERMANENT),
                Arguments.of(new DataIntegrityViolationException("constraint"), PERMANENT),
                Arguments.of(new InvalidDataAccessApiUsageException("misuse"), PERMANENT));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource
    void byType(Throwable failure, Kind kind) {
        assertThat(ErrorClassifier.classify(failure)).isEqualTo(kind);
    }

    @Test
    void theSqlStateOutranksTheExceptionType() {
        // Spring files 42501 as bad grammar and a pool timeout as a resource failure; the code says what it is
        var revoked = new CannotGetJdbcConnectionException(
                "no connection", new SQLException("permission denied for database fieldhub", "42501"));
        var readOnly = new BadSqlGrammarException(
                "insert", "insert", new SQLException("cannot execute INSERT in a read-only transaction", "25006"));
        assertThat(ErrorClassifier.classify(revoked)).isEqualTo(PERMANENT);
        assertThat(ErrorClassifier.classify(readOnly)).isEqualTo(TRANSIENT);
    }

    @Test
    void aCauseDeepInTheChainCounts() {
        var wrapped = new RuntimeException(new IllegalStateException(new SQLException("denied", "42501")));
        assertThat(ErrorClassifier.isPermanent(wrapped)).isTrue();
        assertThat(ErrorClassifier.isPermanent(new RuntimeException(new ConnectException("refused"))))
                .isFalse();
        assertThat(ErrorClassifier.isPermanent(null)).isFalse();
    }
}
