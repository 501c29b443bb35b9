package io.fieldhub.routes;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToIgnoreCase;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.fieldhub.routes.SalesforceStub.CASE_ID;
import static io.fieldhub.routes.SalesforceStub.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.fieldhub.notify.crm.CrmProperties;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * routes/notify-crm.camel.yaml against a real PostgreSQL (the outbox) and WireMock answering like Salesforce's OAuth
 * token endpoint and REST sObject API: a raised alert opens one case by upsert on the external id, a cleared one
 * closes the same case, outages (503, 429, a lost answer) are retried into one case, a rejection (400, 404) is final,
 * and the circuit breaker opens on repeated failures and closes after recovery. The OAuth flows:
 * {@link NotifyCrmLoginIT}.
 */
class NotifyCrmRouteIT {

    static final Duration DEADLINE = Duration.ofSeconds(30);

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static final ChannelOutbox outbox = new ChannelOutbox(db);

    @RegisterExtension
    static final WireMockExtension salesforce = SalesforceStub.org();

    RouteHarness hub;

    @BeforeEach
    void loginAnswers() {
        SalesforceStub.tokenEndpoint(salesforce);
    }

    @AfterEach
    void stopRoute() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void raisedAlertOpensOneCaseByUpsertOnTheAlertIdAsExternalId() throws Exception {
        SalesforceStub.upsertCreates(salesforce);
        hub = SalesforceStub.route(outbox, SalesforceStub.settings(salesforce)).start();
        long alert = outbox.alert("engine-7", 95.5);
        long raised = outbox.crmNotification(alert, "RAISED");

        await().atMost(DEADLINE).until(() -> outbox.state(raised).equals("SENT"));
        assertThat(outbox.providerRef(raised))
                .as("the Case id from Salesforce's answer")
                .isEqualTo(CASE_ID);
        assertThat(outbox.outcomes(raised)).containsExactly("SENT");

        salesforce.verify(
                1,
                postRequestedFor(urlEqualTo("/services/oauth2/token"))
                        .withFormParam("grant_type", equalTo("client_credentials"))
                        .withFormParam("client_id", equalTo("3MVG9fieldhub"))
                        .withFormParam("client_secret", equalTo("s3cret")));
        salesforce.verify(
                1,
                patchRequestedFor(urlEqualTo(SalesforceStub.caseUrl(alert)))
                        .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                        .withHeader("Content-Type", equalToIgnoreCase("application/json;charset=utf-8"))
                        .withRequestBody(equalToJson("""
                        {"Subject":
                           "[FieldHub CRITICAL] engine-7: Engine engine-7 is running hot: temperature 95.5 > 90",
                         "Priority": "High",
                         "Status": "New"}""", false, true)));
        String description = SalesforceStub.patchBodies(salesforce).get(0).get("Description");
        assertThat(description)
                .contains(
                        "Device: engine-7",
                        "Rule: Engine overheat",
                        "Metric: temperature",
                        "Value: 95.5",
                        "Threshold: 90.0",
                        "Time: 2026-11-26T10:00:00.123Z",
                        "Transition: RAISED at ",
                        "Alert: http://hub.plant-1.example:8080/api/alerts/" + alert);
        SalesforceStub.assertNoCaseCreatedWithoutExternalId(salesforce);
    }

    @Test
    void anAcknowledgementNoteGoesIntoTheCaseDescriptionAsTextAndNeverIntoItsSubject() throws Exception {
        SalesforceStub.upsertCreates(salesforce);
        hub = SalesforceStub.route(outbox, SalesforceStub.settings(salesforce)).start();
        long alert = outbox.alert("engine-9", 95.5);
        String note = "on my way\nStatus: Closed\u001b <b>x</b> \"quoted\"";
        long acked = outbox.notification(outbox.acknowledged(alert, "maria", note), alert, "crm", "crm", "Case");

        await().atMost(DEADLINE).until(() -> outbox.state(acked).equals("SENT"));
        Map<String, String> body = SalesforceStub.patchBodies(salesforce).get(0);
        assertThat(body.get("Subject"))
                .isEqualTo("[FieldHub CRITICAL] engine-9: Engine engine-9 is running hot: temperature 95.5 > 90");
        assertThat(body.get("Description"))
                .contains(" by maria\nNote: on my way Status: Closed <b>x</b> \"quoted\"\n")
                .doesNotContain("\nStatus: Closed", "\u001b");
        assertThat(body)
                .as("the case's status is left to the people working it")
                .doesNotContainKey("Status");
    }

    @Test
    void clearedAlertClosesTheSameCaseBySameUpsert() throws Exception {
        SalesforceStub.upsertCreatesThenUpdates(salesforce);
        hub = SalesforceStub.route(outbox, SalesforceStub.settings(salesforce)).start();
        long alert = outbox.alert("engine-8", 97.0);
        long raised = outbox.crmNotification(alert, "RAISED");
        await().atMost(DEADLINE).until(() -> outbox.state(raised).equals("SENT"));

        long cleared = outbox.crmNotification(alert, "CLEARED");
        await().atMost(DEADLINE).until(() -> outbox.state(cleared).equals("SENT"));

        assertThat(outbox.providerRef(cleared)).as("the same case, updated").isEqualTo(CASE_ID);
        List<Map<String, String>> bodies = SalesforceStub.patchBodies(salesforce);
        assertThat(bodies).extracting(b -> b.get("Status")).containsExactly("New", "Closed");
        assertThat(bodies.get(1).get("Description")).contains("Transition: CLEARED at ", " by rules");
        salesforce.verify(2, patchRequestedFor(urlEqualTo(SalesforceStub.caseUrl(alert))));
        SalesforceStub.assertNoCaseCreatedWithoutExternalId(salesforce);
    }

    @Test
    void a503AndA429AreRetriedUntilSalesforceTakesTheCaseOnce() throws Exception {
        long alert = outbox.alert("engine-9", 99.0);
        String url = SalesforceStub.caseUrl(alert);
        salesforce.stubFor(patch(urlEqualTo(url))
                .inScenario("outage")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(SalesforceStub.error(503, "SERVER_UNAVAILABLE", "Server unavailable, try again later"))
                .willSetStateTo("rate limited"));
        salesforce.stubFor(patch(urlEqualTo(url))
                .inScenario("outage")
                .whenScenarioStateIs("rate limited")
                .willReturn(SalesforceStub.error(429, "REQUEST_LIMIT_EXCEEDED", "Too many requests")
                        .withHeader("Retry-After", "1"))
                .willSetStateTo("up"));
        salesforce.stubFor(patch(urlEqualTo(url))
                .inScenario("outage")
                .whenScenarioStateIs("up")
                .willReturn(SalesforceStub.created()));
        hub = SalesforceStub.route(outbox, SalesforceStub.settings(salesforce)).start();
        long raised = outbox.crmNotification(alert, "RAISED");

        await().atMost(DEADLINE).until(() -> outbox.state(raised).equals("SENT"));
        assertThat(outbox.outcomes(raised)).containsExactly("RETRY", "RETRY", "SENT");
        assertThat(outbox.details(raised).get(0)).contains("503", "SERVER_UNAVAILABLE");
        assertThat(outbox.details(raised).get(1)).contains("429", "REQUEST_LIMIT_EXCEEDED");
        assertThat(outbox.providerRef(raised)).isEqualTo(CASE_ID);
        salesforce.verify(3, patchRequestedFor(urlEqualTo(url)));
        SalesforceStub.assertNoCaseCreatedWithoutExternalId(salesforce);
    }

    @Test
    void aCaseWhoseAnswerWasLostIsUpdatedOnRetryNotCreatedTwice() throws Exception {
        long alert = outbox.alert("engine-10", 93.0);
        String url = SalesforceStub.caseUrl(alert);
        // Salesforce creates the case, then the connection drops before the hub reads the answer.
        salesforce.stubFor(patch(urlEqualTo(url))
                .inScenario("org")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))
                .willSetStateTo("case exists"));
        salesforce.stubFor(patch(urlEqualTo(url))
                .inScenario("org")
                .whenScenarioStateIs("case exists")
                .willReturn(SalesforceStub.updated()));
        hub = SalesforceStub.route(outbox, SalesforceStub.settings(salesforce)).start();
        long raised = outbox.crmNotification(alert, "RAISED");

        await().atMost(DEADLINE).until(() -> outbox.state(raised).equals("SENT"));
        assertThat(outbox.outcomes(raised)).containsExactly("RETRY", "SENT");
        assertThat(outbox.providerRef(raised))
                .as("the case the lost call created")
                .isEqualTo(CASE_ID);
        salesforce.verify(2, patchRequestedFor(urlEqualTo(url)));
        SalesforceStub.assertNoCaseCreatedWithoutExternalId(salesforce);
    }

    @Test
    void aRejectedCaseFailsAtOnceWithSalesforcesReasonAndDoesNotCountAgainstTheCircuit() throws Exception {
        long bad = outbox.alert("engine-11", 95.0);
        long missing = outbox.alert("engine-12", 95.0);
        long good = outbox.alert("engine-13", 95.0);
        salesforce.stubFor(patch(urlEqualTo(SalesforceStub.caseUrl(bad)))
                .willReturn(SalesforceStub.error(
                        400, "INVALID_FIELD", "No such column 'Priority' on sobject of type Case")));
        salesforce.stubFor(patch(urlEqualTo(SalesforceStub.caseUrl(missing)))
                .willReturn(SalesforceStub.error(
                        404,
                        "NOT_FOUND",
                        "Provided external ID field does not exist or is not accessible: FieldHub_Alert_Id__c")));
        salesforce.stubFor(patch(urlEqualTo(SalesforceStub.caseUrl(good))).willReturn(SalesforceStub.created()));
        // a circuit that opens after two failures in a row: rejections must not be counted as failures
        hub = SalesforceStub.route(outbox, SalesforceStub.settings(salesforce, 2, 1))
                .start();
        long first = outbox.crmNotification(bad, "RAISED");
        long second = outbox.crmNotification(missing, "RAISED");
        long third = outbox.crmNotification(good, "RAISED");

        await().atMost(DEADLINE).until(() -> outbox.state(third).equals("SENT"));
        assertThat(outbox.state(first)).isEqualTo("FAILED");
        assertThat(outbox.lastError(first))
                .isEqualTo("400 INVALID_FIELD: No such column 'Priority' on sobject of type Case");
        assertThat(outbox.state(second)).isEqualTo("FAILED");
        assertThat(outbox.lastError(second)).startsWith("404 NOT_FOUND: Provided external ID field does not exist");
        assertThat(outbox.outcomes(first)).containsExactly("FAILED");
        assertThat(outbox.outcomes(third)).as("the circuit stayed closed").containsExactly("SENT");
        salesforce.verify(1, patchRequestedFor(urlEqualTo(SalesforceStub.caseUrl(bad))));
    }

    @Test
    void theCircuitOpensAfterRepeatedFailuresCallsNothingWhileOpenAndClosesAfterRecovery() throws Exception {
        salesforce.stubFor(patch(urlPathMatching("/services/data/v62\\.0/sobjects/Case/FieldHub_Alert_Id__c/.*"))
                .willReturn(SalesforceStub.error(503, "SERVER_UNAVAILABLE", "Server unavailable")));
        // opens when 3 calls of the last 3 failed; half-open again after 2 s
        hub = SalesforceStub.route(outbox, SalesforceStub.settings(salesforce, 3, 2))
                .start();
        long[] notifications = new long[5];
        for (int i = 0; i < notifications.length; i++) {
            notifications[i] = outbox.crmNotification(outbox.alert("pump-" + i, 95.0), "RAISED");
        }

        await().atMost(DEADLINE).until(() -> outbox.count("CIRCUIT_OPEN") >= 2);
        assertThat(SalesforceStub.patchCount(salesforce))
                .as("three failures open the circuit")
                .isEqualTo(3);
        assertThat(outbox.count("RETRY")).isEqualTo(3);

        salesforce.resetMappings();
        SalesforceStub.tokenEndpoint(salesforce);
        SalesforceStub.upsertCreates(salesforce);
        await().atMost(DEADLINE).until(() -> outbox.count("SENT") == notifications.length);
        for (long n : notifications) {
            assertThat(outbox.state(n)).isEqualTo("SENT");
            assertThat(outbox.outcomes(n)).last().isEqualTo("SENT");
        }
        assertThat(outbox.attempts())
                .as("no call was made while the circuit was open")
                .isEqualTo(SalesforceStub.patchCount(salesforce) + outbox.count("CIRCUIT_OPEN"));

        long after = outbox.crmNotification(outbox.alert("pump-9", 95.0), "RAISED");
        await().atMost(DEADLINE).until(() -> outbox.state(after).equals("SENT"));
        assertThat(outbox.outcomes(after)).as("closed again").containsExactly("SENT");
        SalesforceStub.assertNoCaseCreatedWithoutExternalId(salesforce);
    }

    @Test
    void withTheCrmOffTheRouteStaysStoppedAndCasesWait() throws Exception {
        CrmProperties off = SalesforceStub.settings(salesforce, false);
        hub = SalesforceStub.route(outbox, off).start();
        long raised = outbox.crmNotification(outbox.alert("engine-16", 95.0), "RAISED");

        assertThat(hub.context()
                        .getRouteController()
                        .getRouteStatus("notify-crm")
                        .isStopped())
                .isTrue();
        assertThat(outbox.state(raised)).isEqualTo("PENDING");
        assertThat(salesforce.getAllServeEvents()).isEmpty();
    }
}
