package io.fieldhub.routes;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.fieldhub.routes.SalesforceStub.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.fieldhub.notify.crm.CrmProperties;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OAuth side of routes/notify-crm.camel.yaml, against WireMock answering like Salesforce's token endpoint: the
 * JWT bearer flow signs its assertion with the keystore's key, a refused login is an outage that is retried, and an
 * expired session is renewed within one attempt. (Client credentials: {@link NotifyCrmRouteIT}.)
 */
class NotifyCrmLoginIT {

    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    @TempDir
    static Path dir;

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static final ChannelOutbox outbox = new ChannelOutbox(db);

    @RegisterExtension
    static final WireMockExtension salesforce = SalesforceStub.org();

    RouteHarness hub;

    @AfterEach
    void stopRoute() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void theJwtBearerFlowSignsItsAssertionWithTheKeystoresKey() throws Exception {
        Path keystore = dir.resolve("salesforce.p12");
        keytool(keystore, "changeit");
        salesforce.stubFor(post(urlEqualTo("/services/oauth2/token"))
                .withFormParam("grant_type", equalTo(JWT_BEARER))
                .withFormParam("assertion", matching("[\\w=-]+\\.[\\w=-]+\\.[\\w=-]+"))
                .willReturn(SalesforceStub.token(salesforce, TOKEN)));
        SalesforceStub.upsertCreates(salesforce);
        CrmProperties jwt = SalesforceStub.settings(
                salesforce, true, 5, 30, CrmProperties.Auth.JWT, "file:" + keystore, "changeit");
        hub = SalesforceStub.route(outbox, jwt).start();
        long raised = outbox.crmNotification(outbox.alert("engine-20", 95.0), "RAISED");

        await().atMost(DEADLINE).until(() -> outbox.state(raised).equals("SENT"));
        salesforce.verify(1, patchRequestedFor(anyUrl()).withHeader("Authorization", equalTo("Bearer " + TOKEN)));
        String body = salesforce
                .findAll(postRequestedFor(urlEqualTo("/services/oauth2/token")))
                .get(0)
                .getBodyAsString();
        String[] assertion = form(body).get("assertion").split("\\.");
        JsonNode header = json(assertion[0]);
        JsonNode claims = json(assertion[1]);
        assertThat(header.path("alg").asText()).isEqualTo("RS256");
        assertThat(claims.path("iss").asText())
                .as("the Connected App's consumer key")
                .isEqualTo("3MVG9fieldhub");
        assertThat(claims.path("sub").asText()).isEqualTo("integration@fieldhub.example");
        assertThat(claims.path("aud").asText()).as("the login URL").isEqualTo(salesforce.baseUrl());
        assertThat(claims.path("exp").asLong()).isGreaterThan(System.currentTimeMillis() / 1000);
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initVerify(certificate(keystore, "changeit"));
        rs256.update((assertion[0] + "." + assertion[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(rs256.verify(Base64.getUrlDecoder().decode(assertion[2])))
                .as("signed by the key whose certificate the Connected App holds")
                .isTrue();
    }

    @Test
    void aRefusedLoginIsAnOutageRetriedUntilTheOrgLetsTheHubIn() throws Exception {
        salesforce.stubFor(post(urlEqualTo("/services/oauth2/token"))
                .inScenario("login")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse()
                        .withStatus(400)
                        .withHeader("Content-Type", "application/json")
                        .withBody("""
                                {"error": "invalid_client", "error_description": "invalid client credentials"}"""))
                .willSetStateTo("fixed"));
        salesforce.stubFor(post(urlEqualTo("/services/oauth2/token"))
                .inScenario("login")
                .whenScenarioStateIs("fixed")
                .willReturn(SalesforceStub.token(salesforce, TOKEN)));
        SalesforceStub.upsertCreates(salesforce);
        hub = SalesforceStub.route(outbox, SalesforceStub.settings(salesforce)).start();
        long alert = outbox.alert("engine-14", 95.0);
        long raised = outbox.crmNotification(alert, "RAISED");

        await().atMost(DEADLINE).until(() -> outbox.state(raised).equals("SENT"));
        assertThat(outbox.outcomes(raised)).containsExactly("RETRY", "SENT");
        assertThat(outbox.details(raised).get(0)).contains("Salesforce login", "invalid_client");
        salesforce.verify(1, patchRequestedFor(anyUrl()));
    }

    @Test
    void anExpiredSessionIsRenewedAndTheCallRepeatedWithinOneAttempt() throws Exception {
        salesforce.stubFor(post(urlEqualTo("/services/oauth2/token"))
                .inScenario("session")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(SalesforceStub.token(salesforce, "expired-token"))
                .willSetStateTo("renewed"));
        salesforce.stubFor(post(urlEqualTo("/services/oauth2/token"))
                .inScenario("session")
                .whenScenarioStateIs("renewed")
                .willReturn(SalesforceStub.token(salesforce, TOKEN)));
        salesforce.stubFor(patch(anyUrl())
                .withHeader("Authorization", equalTo("Bearer expired-token"))
                .willReturn(SalesforceStub.error(401, "INVALID_SESSION_ID", "Session expired or invalid")));
        salesforce.stubFor(patch(anyUrl())
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .willReturn(SalesforceStub.created()));
        hub = SalesforceStub.route(outbox, SalesforceStub.settings(salesforce)).start();
        long raised = outbox.crmNotification(outbox.alert("engine-15", 95.0), "RAISED");

        await().atMost(DEADLINE).until(() -> outbox.state(raised).equals("SENT"));
        assertThat(outbox.outcomes(raised)).containsExactly("SENT");
        salesforce.verify(2, patchRequestedFor(anyUrl()));
        salesforce.verify(2, postRequestedFor(urlEqualTo("/services/oauth2/token")));
    }

    /** A key pair with a self-signed certificate, as {@code keytool} makes one for a Connected App. */
    private static void keytool(Path keystore, String password) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(
                        keytool.toString(),
                        "-genkeypair",
                        "-alias",
                        "fieldhub",
                        "-keyalg",
                        "RSA",
                        "-keysize",
                        "2048",
                        "-validity",
                        "2",
                        "-dname",
                        "CN=fieldhub-test",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keystore.toString(),
                        "-storepass",
                        password,
                        "-keypass",
                        password)
                .redirectErrorStream(true)
                .start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue())
                .as(new String(process.getInputStream().readAllBytes()))
                .isZero();
    }

    private static java.security.cert.Certificate certificate(Path keystore, String password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keystore.toFile())) {
            store.load(in, password.toCharArray());
        }
        return store.getCertificate("fieldhub");
    }

    private static Map<String, String> form(String body) {
        return Stream.of(body.split("&"))
                .map(p -> p.split("=", 2))
                .collect(Collectors.toMap(
                        p -> URLDecoder.decode(p[0], StandardCharsets.UTF_8),
                        p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
    }

    private static JsonNode json(String base64Url) throws Exception {
        return new ObjectMapper().readTree(Base64.getUrlDecoder().decode(base64Url));
    }
}
