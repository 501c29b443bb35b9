package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * People signing in with a real Keycloak (the distribution from Maven Central, the shipped realm imported): each
 * role's token on what it may do, and every kind of bad token refused. Keycloak is stopped in the last test.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeycloakIT {

    static final java.util.List<String> ROLES = RoleMatrix.ROLES;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final TestKeycloak keycloak = TestKeycloak.get();

    private static RunningHub hub;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        hub = RunningHub.dedicated(
                "--hub.security.keycloak.url=" + keycloak.url(), "--hub.security.keycloak.clock-skew=0s");
    }

    @AfterAll
    static void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    @Order(1)
    @ParameterizedTest
    @FieldSource("ROLES")
    void eachRolesTokenMayDoWhatTheRoleAllowsAndNothingElse(String role) throws Exception {
        String token = keycloak.passwordToken(TestKeycloak.userOf(role));

        RoleMatrix.check(hub.httpUrl(""), role, "Bearer " + token);
        RoleMatrix.checkHealthDetails(hub.httpUrl(""), role, "Bearer " + token);
    }

    @Order(2)
    @Test
    void theAuthorOfAChangeIsTheTokensUser() throws Exception {
        String device = Device.uniqueId("kc");
        var made = send(
                "POST",
                "/api/devices",
                "{\"id\":\"" + device + "\"}",
                keycloak.passwordToken(TestKeycloak.userOf("device-admin")));
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);

        assertThat(JSON.readTree(made.body()).path("updatedBy").asText())
                .isEqualTo(TestKeycloak.userOf("device-admin"));
    }

    @Order(3)
    @Test
    void aMachineSignsInWithClientCredentials() throws Exception {
        String token = keycloak.clientCredentialsToken();

        assertThat(send("GET", "/api/alerts", null, token).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/api/rules/validate", "{}", token).statusCode())
                .isEqualTo(403);
    }

    @Order(4)
    @Test
    void aUserWithoutARoleMayReadNothing() throws Exception {
        assertThat(send("GET", "/api/alerts", null, keycloak.passwordToken(TestKeycloak.NO_ROLE_USER))
                        .statusCode())
                .isEqualTo(403);
    }

    @Order(5)
    @Test
    void badTokensAreRefusedWith401() throws Exception {
        String good = keycloak.passwordToken(TestKeycloak.userOf("admin"));
        String[] parts = good.split("\\.");

        String noAlgorithm = encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";
        String forged = parts[0] + "." + encode(decode(parts[1]).replace(TestKeycloak.userOf("admin"), "someone-else"))
                + "." + parts[2];

        assertThat(send("GET", "/api/alerts", null, good).statusCode()).isEqualTo(200);
        assertRefused(noAlgorithm, "alg none");
        assertRefused(forged, "a changed payload");
        assertRefused(keycloak.otherRealmToken(), "another realm's token");
        assertRefused(keycloak.tokenWithoutApiAudience(TestKeycloak.userOf("admin")), "a token for another audience");
        assertRefused("not-a-token", "garbage");
    }

    @Order(6)
    @Test
    void anExpiredTokenIsRefused() throws Exception {
        String shortLived = keycloak.shortLivedToken(TestKeycloak.userOf("viewer"));
        long expires =
                JSON.readTree(decode(shortLived.split("\\.")[1])).path("exp").asLong();
        assertThat(send("GET", "/api/alerts", null, shortLived).statusCode()).isEqualTo(200);

        await("the token has expired")
                .atMost(Duration.ofSeconds(60))
                .until(() -> System.currentTimeMillis() / 1000 > expires);
        HttpResponse<String> refused = send("GET", "/api/alerts", null, shortLived);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("expired");
    }

    @Order(7)
    @Test
    void keycloakGoingDownStopsNoOneWhoseTokenIsStillValid() throws Exception {
        String operator = keycloak.passwordToken(TestKeycloak.userOf("operator"));
        assertThat(send("GET", "/api/alerts", null, operator).statusCode()).isEqualTo(200);

        keycloak.stop();

        assertThat(send("GET", "/api/alerts", null, operator).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/api/alerts/987654321/ack", "{}", operator).statusCode())
                .isEqualTo(404);
        assertThat(send("GET", "/api/alerts", null, "not-a-token").statusCode()).isEqualTo(401);
    }

    private void assertRefused(String token, String what) throws Exception {
        HttpResponse<String> response = send("GET", "/api/alerts", null, token);
        assertThat(response.statusCode()).as(what + ": " + response.body()).isEqualTo(401);
        assertThat(response.headers().allValues("WWW-Authenticate"))
                .anySatisfy(h -> assertThat(h).startsWith("Bearer"));
    }

    private HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(hub.httpUrl(path)))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String encode(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String part) {
        return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
    }
}
