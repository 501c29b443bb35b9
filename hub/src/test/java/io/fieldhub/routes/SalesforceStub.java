package io.fieldhub.routes;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.fieldhub.notify.channel.CircuitOverride;
import io.fieldhub.notify.crm.CaseComposer;
import io.fieldhub.notify.crm.CaseOutcome;
import io.fieldhub.notify.crm.CrmProperties;
import io.fieldhub.notify.crm.SalesforceConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * WireMock answering like a Salesforce org, with the JSON shapes of Salesforce's documentation: the OAuth 2.0 token
 * endpoint and the REST sObject upsert by external id; and the notify-crm route set up against it.
 * {@code @RegisterExtension static final WireMockExtension salesforce = SalesforceStub.org();} runs one for a test
 * class and forgets every stub and request before each test.
 */
public final class SalesforceStub {

    static final String TOKEN = "00D5g000004ZQbE!AQ4AQFieldHubAccessToken.yC6zTJwvPDMqW1TsIfVk2ur";
    static final String CASE_ID = "5005g00000FhUbNAAV";
    static final String API = "/services/data/v62.0";
    static final String EXTERNAL_ID = "FieldHub_Alert_Id__c";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SalesforceStub() {}

    /** The stub org on a free local port, started for a test class; stubs and requests reset before each test. */
    public static WireMockExtension org() {
        return WireMockExtension.newInstance()
                .options(options().dynamicPort().bindAddress("127.0.0.1"))
                .build();
    }

    /** The hub.crm.* settings of a hub that logs in to the stub with client credentials. */
    static CrmProperties settings(WireMockExtension org) {
        return settings(org, true, 5, 30, CrmProperties.Auth.CLIENT_CREDENTIALS, null, null);
    }

    static CrmProperties settings(WireMockExtension org, boolean enabled) {
        return settings(org, enabled, 5, 30, CrmProperties.Auth.CLIENT_CREDENTIALS, null, null);
    }

    /** With a circuit that opens once {@code calls} calls in a row failed, for {@code openSeconds}. */
    static CrmProperties settings(WireMockExtension org, int calls, int openSeconds) {
        return settings(org, true, calls, openSeconds, CrmProperties.Auth.CLIENT_CREDENTIALS, null, null);
    }

    static CrmProperties settings(
            WireMockExtension org,
            boolean enabled,
            int calls,
            int openSeconds,
            CrmProperties.Auth auth,
            String keystore,
            String keystorePassword) {
        boolean jwt = auth == CrmProperties.Auth.JWT;
        return new CrmProperties(
                enabled,
                org.baseUrl(),
                null,
                "62.0",
                auth,
                "3MVG9fieldhub",
                jwt ? null : "s3cret",
                jwt ? "integration@fieldhub.example" : null,
                keystore,
                keystorePassword,
                "PKCS12",
                null,
                EXTERNAL_ID,
                "",
                "New",
                "Closed",
                Map.of("CRITICAL", "High", "WARNING", "Medium", "INFO", "Low"),
                null,
                Duration.ofSeconds(5),
                20,
                Duration.ofMillis(200),
                new CircuitOverride(50, calls, calls, openSeconds, 1));
    }

    /** The route with its beans, as CrmBeans wires them, and the placeholders it reads. */
    static RouteHarness route(ChannelOutbox outbox, CrmProperties crm) {
        var salesforce = SalesforceConnection.component(crm);
        return new RouteHarness()
                .bind("salesforce", salesforce)
                .bind("salesforceConnection", new SalesforceConnection(salesforce))
                .bind("notificationOutbox", outbox.outbox())
                .bind("crmCase", new CaseComposer(crm))
                .bind("crmOutcome", new CaseOutcome(outbox.outbox()))
                .property("hub.crm.enabled", crm.enabled())
                .property("hub.crm.poll-interval", crm.pollInterval().toMillis())
                .property("hub.crm.batch-size", crm.batchSize())
                .property("hub.crm.external-id-field", crm.externalIdField())
                .property("hub.crm.circuit.failure-rate", crm.circuit().failureRate())
                .property("hub.crm.circuit.window", crm.circuit().window())
                .property("hub.crm.circuit.min-calls", crm.circuit().minCalls())
                .property("hub.crm.circuit.open-seconds", crm.circuit().openSeconds())
                .property("hub.crm.circuit.half-open-calls", crm.circuit().halfOpenCalls())
                .routes("notify-channel.camel.yaml", "notify-crm.camel.yaml");
    }

    static String caseUrl(long alertId) {
        return API + "/sobjects/Case/" + EXTERNAL_ID + "/" + alertId;
    }

    /** POST /services/oauth2/token answers with an access token for the org at the stub's address. */
    public static void tokenEndpoint(WireMockExtension org) {
        org.stubFor(post(urlEqualTo("/services/oauth2/token")).willReturn(token(org, TOKEN)));
    }

    static ResponseDefinitionBuilder token(WireMockExtension org, String accessToken) {
        return json(200, """
                {"access_token": "%s",
                 "signature": "d/SxeYBxH0GSVko0HMgcUxuZy0PA2cDDz1u7g7JtDHw=",
                 "scope": "api",
                 "instance_url": "%s",
                 "id": "https://login.salesforce.com/id/00D5g000004ZQbEEAW/0055g00000DWpZ3AAL",
                 "token_type": "Bearer",
                 "issued_at": "1764151200000"}""".formatted(accessToken, org.baseUrl()));
    }

    /** Every upsert by external id creates a case (201). */
    public static void upsertCreates(WireMockExtension org) {
        org.stubFor(patch(urlPathMatching(API + "/sobjects/Case/" + EXTERNAL_ID + "/[^/]+"))
                .willReturn(created()));
    }

    /** The first upsert creates the case (201), later ones update it (200, API 46.0 and later). */
    static void upsertCreatesThenUpdates(WireMockExtension org) {
        var url = urlPathMatching(API + "/sobjects/Case/" + EXTERNAL_ID + "/[^/]+");
        org.stubFor(patch(url)
                .inScenario("case")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(created())
                .willSetStateTo("exists"));
        org.stubFor(patch(url).inScenario("case").whenScenarioStateIs("exists").willReturn(updated()));
    }

    static ResponseDefinitionBuilder created() {
        return json(201, "{\"id\": \"" + CASE_ID + "\", \"success\": true, \"errors\": [], \"created\": true}");
    }

    static ResponseDefinitionBuilder updated() {
        return json(200, "{\"id\": \"" + CASE_ID + "\", \"success\": true, \"errors\": [], \"created\": false}");
    }

    /** A REST API error: Salesforce answers with a list of {message, errorCode}. */
    static ResponseDefinitionBuilder error(int status, String errorCode, String message) {
        return json(status, "[{\"message\": \"" + message + "\", \"errorCode\": \"" + errorCode + "\"}]");
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json;charset=UTF-8")
                .withBody(body);
    }

    /** The bodies of the upserts Salesforce received, oldest first. */
    public static List<Map<String, String>> patchBodies(WireMockExtension org) {
        return calls(org).stream()
                .filter(e -> e.getRequest().getMethod().getName().equals("PATCH"))
                .map(e -> parse(e.getRequest().getBodyAsString()))
                .toList();
    }

    public static long patchCount(WireMockExtension org) {
        return calls(org).stream()
                .filter(e -> e.getRequest().getMethod().getName().equals("PATCH"))
                .count();
    }

    /** The hub only ever upserts by external id: never a plain create (POST /sobjects/Case) that could duplicate. */
    static void assertNoCaseCreatedWithoutExternalId(WireMockExtension org) {
        assertThat(calls(org)).isNotEmpty().allSatisfy(e -> {
            assertThat(e.getRequest().getMethod().getName()).isEqualTo("PATCH");
            assertThat(e.getRequest().getUrl()).matches(API + "/sobjects/Case/" + EXTERNAL_ID + "/\\d+");
        });
    }

    /** The REST API calls (not the logins), oldest first. */
    private static List<ServeEvent> calls(WireMockExtension org) {
        return org.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().startsWith("/services/data/"))
                .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate()))
                .toList();
    }

    private static Map<String, String> parse(String body) {
        try {
            return JSON.readValue(body, new TypeReference<>() {});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
