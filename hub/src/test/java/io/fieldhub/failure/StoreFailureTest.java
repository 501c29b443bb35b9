package io.fieldhub.failure;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.springframework.jdbc.BadSqlGrammarException;

/** What people read about a permanent failure: the cause as PostgreSQL says it, the table, and a fix they can run. */
class StoreFailureTest {

    @Test
    void aRevokedTablePrivilegeNamesTheTableAndTheGrantToRun() {
        var server = new ServerErrorMessage("SERROR\0C42501\0Mpermission denied for table telemetry\0");
        var failure = StoreFailure.of(
                new BadSqlGrammarException("ConnectionCallback", "insert into telemetry", new PSQLException(server)),
                "fieldhub_app");

        assertThat(failure.sqlState()).isEqualTo("42501");
        assertThat(failure.problem()).isEqualTo("permission denied for table telemetry");
        assertThat(failure.table()).isEqualTo("telemetry");
        assertThat(failure.reason())
                .isEqualTo("store failing: permission denied for table telemetry (SQLState 42501). Fix: give"
                        + " fieldhub_app back its rights on table telemetry: GRANT SELECT, INSERT, UPDATE, DELETE ON"
                        + " telemetry TO fieldhub_app");
    }

    @Test
    void aSequenceOrSchemaGetsItsOwnGrant() {
        assertThat(fix("permission denied for sequence telemetry_id_seq", "42501"))
                .endsWith("GRANT USAGE, SELECT ON SEQUENCE telemetry_id_seq TO app");
        assertThat(fix("permission denied for schema public", "42501")).endsWith("GRANT USAGE ON SCHEMA public TO app");
    }

    @Test
    void aMissingTableSendsPeopleToTheMigrations() {
        var failure = StoreFailure.of(new SQLException("ERROR: relation \"alert\" does not exist", "42P01"), "app");
        assertThat(failure.problem()).isEqualTo("relation \"alert\" does not exist");
        assertThat(failure.table()).isEqualTo("alert");
        assertThat(failure.fix()).contains("flyway_schema_history");
    }

    @Test
    void withoutAUserTheFixNamesTheSetting() {
        var failure = StoreFailure.of(new SQLException("ERROR: permission denied for table alert", "42501"), null);
        assertThat(failure.fix()).contains("spring.datasource.username");
    }

    @Test
    void onlyTheFirstLineOfAMessageIsTheCause() {
        var failure = StoreFailure.of(
                new SQLException(
                        "ERROR: new row violates check constraint \"x\"\n  Detail: Failing row contains (1)", "23514"),
                "app");
        assertThat(failure.cause()).isEqualTo("new row violates check constraint \"x\" (SQLState 23514)");
    }

    private static String fix(String message, String state) {
        return StoreFailure.of(new SQLException(message, state), "app").fix();
    }
}
