package io.fieldhub.notify.crm;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.io.EOFException;
import java.util.List;
import org.apache.camel.component.salesforce.api.NoSuchSObjectException;
import org.apache.camel.component.salesforce.api.SalesforceException;
import org.apache.camel.component.salesforce.api.dto.RestError;
import org.junit.jupiter.api.Test;

/** Which Salesforce answers are final, how they read in the attempt record, and the settings a hub refuses. */
class SalesforceErrorsTest {

    @Test
    void theOrgRefusingTheRequestIsFinal() {
        assertThat(SalesforceErrors.isRejection(error(400, "INVALID_FIELD"))).isTrue();
        assertThat(SalesforceErrors.isRejection(new NoSuchSObjectException(List.of(
                        new RestError("NOT_FOUND", "Provided external ID field does not exist or is not accessible")))))
                .isTrue();
        assertThat(SalesforceErrors.isRejection(error(403, "INSUFFICIENT_ACCESS")))
                .isTrue();
    }

    @Test
    void outagesAndLimitsAreRetried() {
        assertThat(SalesforceErrors.isRejection(error(503, "SERVER_UNAVAILABLE")))
                .isFalse();
        assertThat(SalesforceErrors.isRejection(error(500, "UNKNOWN_EXCEPTION")))
                .isFalse();
        assertThat(SalesforceErrors.isRejection(error(429, "REQUEST_LIMIT_EXCEEDED")))
                .isFalse();
        assertThat(SalesforceErrors.isRejection(error(403, "REQUEST_LIMIT_EXCEEDED")))
                .as("Salesforce's daily API limit comes back")
                .isFalse();
        assertThat(SalesforceErrors.isRejection(new SalesforceException("no answer", 0, new EOFException())))
                .isFalse();
        assertThat(SalesforceErrors.isRejection(new IllegalStateException("?"))).isFalse();
    }

    @Test
    void theRecordKeepsSalesforcesCodeMessageAndFields() {
        var e = new SalesforceException(
                List.of(new RestError("INVALID_FIELD", "No such column 'Foo__c'", List.of("Foo__c"))), 400);

        assertThat(SalesforceErrors.describe(e)).isEqualTo("400 INVALID_FIELD: No such column 'Foo__c' [Foo__c]");
        assertThat(SalesforceErrors.describe(new SalesforceException(
                        "Unexpected error {0:null} executing {PATCH:x}", 0, new EOFException("a long dump"))))
                .isEqualTo("Unexpected error {0:null} executing {PATCH:x} " + "(EOFException)");
    }

    @Test
    void anEnabledCrmNeedsTheCredentialsOfItsFlow() {
        Validator validator = Validation.buildDefaultValidatorFactory().getValidator();
        var complete = CaseComposerTest.settings("", null);
        var noSecret = new CrmProperties(
                true,
                complete.loginUrl(),
                null,
                "62.0",
                CrmProperties.Auth.CLIENT_CREDENTIALS,
                "id",
                null,
                null,
                null,
                null,
                null,
                null,
                complete.externalIdField(),
                "",
                "New",
                "Closed",
                complete.priorities(),
                null,
                complete.timeout(),
                20,
                complete.pollInterval(),
                complete.circuit());
        var jwtWithoutKeystore = new CrmProperties(
                true,
                complete.loginUrl(),
                null,
                "62.0",
                CrmProperties.Auth.JWT,
                "id",
                null,
                "integration@fieldhub.example",
                null,
                null,
                null,
                null,
                complete.externalIdField(),
                "",
                "New",
                "Closed",
                complete.priorities(),
                null,
                complete.timeout(),
                20,
                complete.pollInterval(),
                complete.circuit());
        var offWithoutCredentials = new CrmProperties(
                false,
                complete.loginUrl(),
                null,
                "62.0",
                CrmProperties.Auth.CLIENT_CREDENTIALS,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                complete.externalIdField(),
                "",
                "New",
                "Closed",
                complete.priorities(),
                null,
                complete.timeout(),
                20,
                complete.pollInterval(),
                complete.circuit());

        assertThat(validator.validate(complete)).isEmpty();
        assertThat(validator.validate(offWithoutCredentials)).isEmpty();
        assertThat(validator.validate(noSecret))
                .singleElement()
                .satisfies(v -> assertThat(v.getMessage()).contains("hub.crm.client-secret"));
        assertThat(validator.validate(jwtWithoutKeystore))
                .singleElement()
                .satisfies(v -> assertThat(v.getMessage()).contains("hub.crm.keystore"));
    }

    private static SalesforceException error(int status, String code) {
        return new SalesforceException(List.of(new RestError(code, "message")), status);
    }
}
