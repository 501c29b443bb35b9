package io.fieldhub.e2e;

import static io.fieldhub.e2e.TestKeycloak.claims;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The shipped realm (config/keycloak/fieldhub-realm.json), imported into a real Keycloak, issues the tokens the hub
 * expects (docs/keycloak.md): realm roles in {@code realm_access.roles}, {@code fieldhub-api} in {@code aud}, the
 * user in {@code preferred_username}; and the fixture's tokens that the hub must refuse differ in exactly one claim.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeycloakRealmIT {

    @RegisterExtension
    static final TestKeycloak keycloak = TestKeycloak.get();

    /** The roles a user granted one role holds: the realm's composite roles spell out "also". */
    private static final Map<String, List<String>> HELD = Map.of(
            "viewer", List.of("viewer"),
            "operator", List.of("operator", "viewer"),
            "rule-author", List.of("rule-author", "viewer"),
            "device-admin", List.of("device-admin", "viewer"),
            "admin", TestKeycloak.ROLES);

    private final HttpClient http = HttpClient.newHttpClient();

    @ParameterizedTest
    @FieldSource("io.fieldhub.e2e.TestKeycloak#ROLES")
    void aUsersPasswordTokenCarriesItsRoleItsNameAndTheApiAudience(String role) {
        String user = TestKeycloak.userOf(role);

        JsonNode token = claims(keycloak.passwordToken(user));

        assertThat(strings(token.at("/realm_access/roles")))
                .filteredOn(TestKeycloak.ROLES::contains)
                .containsExactlyInAnyOrderElementsOf(HELD.get(role));
        assertThat(strings(token.get("aud"))).contains("fieldhub-api");
        assertThat(token.get("preferred_username").asText()).isEqualTo(user);
        assertThat(token.get("iss").asText()).isEqualTo(keycloak.issuer());
        assertThat(token.get("exp").asLong() - token.get("iat").asLong()).isEqualTo(300);
    }

    @Test
    void aUserWithoutRoleHasNoneOfTheHubsRoles() {
        JsonNode token = claims(keycloak.passwordToken(TestKeycloak.NO_ROLE_USER));

        assertThat(strings(token.at("/realm_access/roles"))).doesNotContainAnyElementsOf(TestKeycloak.ROLES);
        assertThat(strings(token.get("aud"))).contains("fieldhub-api");
    }

    @Test
    void aWrongPasswordGetsNoToken() throws Exception {
        HttpResponse<String> response = passwordGrant(keycloak.url(), "no-role-user", "wrong-password");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("invalid_grant");
    }

    /** What docker/compose.yaml relies on: iss is the configured hostname, not the address a client called. */
    @Test
    void aTokenFetchedThroughAnotherAddressNamesTheConfiguredIssuer() throws Exception {
        String otherAddress = keycloak.url().replace("localhost", "127.0.0.1");
        HttpResponse<String> response = passwordGrant(otherAddress, "viewer-user", keycloak.password("viewer-user"));

        String token =
                TestRealms.json().readTree(response.body()).get("access_token").asText();
        assertThat(claims(token).get("iss").asText()).isEqualTo(keycloak.issuer());
    }

    @Test
    void theIntegrationClientGetsATokenForItsServiceAccount() {
        JsonNode token = claims(keycloak.clientCredentialsToken());

        assertThat(strings(token.get("aud"))).contains("fieldhub-api");
        assertThat(strings(token.at("/realm_access/roles"))).contains("viewer");
        assertThat(token.get("azp").asText()).isEqualTo("fieldhub-integration");
        assertThat(token.get("iss").asText()).isEqualTo(keycloak.issuer());
    }

    @Test
    void anotherRealmsTokenDiffersInItsIssuerOnly() {
        JsonNode token = claims(keycloak.otherRealmToken());

        assertThat(token.get("iss").asText()).isEqualTo(keycloak.url() + "/realms/other");
        assertThat(strings(token.get("aud"))).contains("fieldhub-api");
        assertThat(strings(token.at("/realm_access/roles"))).contains("viewer");
    }

    @Test
    void theNoAudienceTokenLacksTheApiAudienceOnly() {
        JsonNode token = claims(keycloak.tokenWithoutApiAudience("operator-user"));

        assertThat(strings(token.get("aud"))).doesNotContain("fieldhub-api");
        assertThat(strings(token.at("/realm_access/roles"))).contains("operator");
        assertThat(token.get("iss").asText()).isEqualTo(keycloak.issuer());
    }

    @Test
    void theShortLivedTokenLivesForTheShortLifespan() {
        JsonNode token = claims(keycloak.shortLivedToken("viewer-user"));

        assertThat(token.get("exp").asLong() - token.get("iat").asLong())
                .isEqualTo(TestKeycloak.SHORT_LIFESPAN.toSeconds());
        assertThat(strings(token.get("aud"))).contains("fieldhub-api");
    }

    @Test
    void aBrowserLoginNeedsPkceAndALoopbackRedirectOnAnyPort() throws Exception {
        String pkce = "&code_challenge_method=S256&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

        assertThat(authorize("http://127.0.0.1:53123/callback", pkce).statusCode())
                .as("the login page")
                .isEqualTo(200);
        assertThat(authorize("http://localhost:8080/callback", pkce).statusCode())
                .as("the login page")
                .isEqualTo(200);
        assertThat(authorize("http://example.com/callback", pkce).statusCode())
                .as("not a loopback redirect")
                .isEqualTo(400);
        HttpResponse<String> withoutPkce = authorize("http://127.0.0.1:53123/callback", "");
        assertThat(withoutPkce.headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).contains("error=invalid_request"));
    }

    @Test
    void theApiClientItselfGetsNoToken() throws Exception {
        String form = "grant_type=password&client_id=fieldhub-api&username=viewer-user&password="
                + URLEncoder.encode(keycloak.password("viewer-user"), StandardCharsets.UTF_8);

        HttpResponse<String> response = post(keycloak.issuer() + "/protocol/openid-connect/token", form);

        assertThat(response.statusCode()).isBetween(400, 401);
        assertThat(response.body()).doesNotContain("access_token");
    }

    /** Last: it restarts Keycloak, as a hub test of an identity-provider outage would. */
    @Test
    @Order(Integer.MAX_VALUE)
    void aRestartKeepsTheSigningKeysSoEarlierTokensStayVerifiable() throws Exception {
        String before = keycloak.passwordToken("admin-user");
        assertThat(signingKeyIds()).contains(keyId(before));

        keycloak.stop();
        assertThatThrownBy(this::signingKeyIds).isInstanceOf(ConnectException.class);
        keycloak.start();

        assertThat(signingKeyIds()).contains(keyId(before));
        assertThat(claims(keycloak.passwordToken("admin-user")).get("iss").asText())
                .isEqualTo(keycloak.issuer());
    }

    private HttpResponse<String> passwordGrant(String keycloakUrl, String user, String password)
            throws IOException, InterruptedException {
        String form = "grant_type=password&client_id=fieldhub-cli&username=" + user + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        return post(keycloakUrl + "/realms/fieldhub/protocol/openid-connect/token", form);
    }

    private HttpResponse<String> post(String url, String form) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The start of fieldhub-cli's authorization code flow, as a browser console would begin it. */
    private HttpResponse<String> authorize(String redirectUri, String pkce) throws IOException, InterruptedException {
        String query = "?client_id=fieldhub-cli&response_type=code&scope=openid&redirect_uri="
                + URLEncoder.encode(redirectUri, StandardCharsets.UTF_8) + pkce;
        var request = HttpRequest.newBuilder(URI.create(keycloak.issuer() + "/protocol/openid-connect/auth" + query))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The key ids of the realm's JWK set, which the hub verifies signatures with. */
    private List<String> signingKeyIds() throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(keycloak.issuer() + "/protocol/openid-connect/certs"))
                .build();
        JsonNode jwks = TestRealms.json()
                .readTree(
                        http.send(request, HttpResponse.BodyHandlers.ofString()).body());
        return jwks.get("keys").findValuesAsText("kid");
    }

    private static String keyId(String jwt) throws IOException {
        return TestRealms.json()
                .readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]))
                .get("kid")
                .asText();
    }

    /** A claim that Keycloak writes as a string when it has one value and as an array otherwise. */
    private static List<String> strings(JsonNode claim) {
        List<String> values = new ArrayList<>();
        if (claim != null && claim.isArray()) {
            claim.forEach(value -> values.add(value.asText()));
        } else if (claim != null && !claim.isMissingNode()) {
            values.add(claim.asText());
        }
        return values;
    }
}
