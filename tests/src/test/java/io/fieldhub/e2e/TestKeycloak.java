package io.fieldhub.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.test.util.TestSocketUtils;
import org.springframework.util.FileSystemUtils;

/**
 * The real Keycloak as a child process, started once per test JVM on a free port: the distribution
 * ({@code org.keycloak:keycloak-quarkus-dist}) that Maven unpacks into {@code target/}, with a data directory of its
 * own in a temporary folder, importing the shipped realm plus test users and clients ({@link TestRealms}). Register it
 * with {@code @RegisterExtension static final TestKeycloak keycloak = TestKeycloak.get();}: it brings Keycloak back
 * before a test class if an earlier one stopped it. Its log is {@code target/keycloak.log}.
 */
public final class TestKeycloak implements BeforeAllCallback {

    public static final String REALM = "fieldhub";
    public static final String OTHER_REALM = "other";
    public static final List<String> ROLES = List.of("viewer", "operator", "rule-author", "device-admin", "admin");
    public static final String NO_ROLE_USER = "no-role-user";
    /** The access token lifespan of {@link #shortLivedToken}. */
    public static final Duration SHORT_LIFESPAN = Duration.ofSeconds(5);

    private static TestKeycloak instance;

    private final Path home;
    private final KeycloakProcess server;
    private final Map<String, String> passwords = new LinkedHashMap<>();
    private final String integrationSecret = UUID.randomUUID().toString();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestKeycloak() throws IOException {
        home = Files.createTempDirectory("fieldhub-keycloak-");
        Map<String, List<String>> users = new LinkedHashMap<>();
        ROLES.forEach(role -> users.put(userOf(role), List.of(role)));
        users.put(NO_ROLE_USER, List.of());
        users.keySet().forEach(user -> passwords.put(user, UUID.randomUUID().toString()));
        passwords.put(TestRealms.OTHER_USER, UUID.randomUUID().toString());

        Path imports = Files.createDirectories(home.resolve("data/import"));
        var json = TestRealms.json().writerWithDefaultPrettyPrinter();
        json.writeValue(
                imports.resolve(REALM + ".json").toFile(),
                TestRealms.fieldhub(users, passwords, integrationSecret, SHORT_LIFESPAN.toSeconds()));
        json.writeValue(
                imports.resolve(OTHER_REALM + ".json").toFile(),
                TestRealms.other(OTHER_REALM, passwords.get(TestRealms.OTHER_USER)));
        server = new KeycloakProcess(home, TestSocketUtils.findAvailableTcpPort());
    }

    /** The one Keycloak of this test JVM, started on first use. */
    public static synchronized TestKeycloak get() {
        if (instance == null) {
            try {
                instance = new TestKeycloak();
            } catch (IOException e) {
                throw new UncheckedIOException("could not prepare Keycloak's data directory", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(instance::close));
            instance.start();
        }
        return instance;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    /** The user granted {@code role} alone, e.g. {@code viewer-user}; its token lists the roles that one contains. */
    public static String userOf(String role) {
        return role + "-user";
    }

    /** Base URL, e.g. {@code http://localhost:41234} (what {@code hub.security.keycloak.url} takes). */
    public String url() {
        return server.url();
    }

    /** The {@code iss} of realm fieldhub's tokens. */
    public String issuer() {
        return url() + "/realms/" + REALM;
    }

    /** The random password of a test user, for tests that log in themselves. */
    public String password(String user) {
        return passwords.get(user);
    }

    /** An access token of {@code user} from the password grant of the public client fieldhub-cli. */
    public String passwordToken(String user) {
        return token(REALM, TestRealms.CLI, user);
    }

    /** An access token of fieldhub-integration's service account (role viewer), by client credentials. */
    public String clientCredentialsToken() {
        return token(
                REALM,
                Map.of(
                        "grant_type",
                        "client_credentials",
                        "client_id",
                        TestRealms.INTEGRATION,
                        "client_secret",
                        integrationSecret));
    }

    /** Like {@link #passwordToken}, but valid for {@link #SHORT_LIFESPAN} only. */
    public String shortLivedToken(String user) {
        return token(REALM, TestRealms.SHORT_CLI, user);
    }

    /** A viewer's token from realm {@code other}: the right audience, the wrong issuer. */
    public String otherRealmToken() {
        return token(OTHER_REALM, TestRealms.CLI, TestRealms.OTHER_USER);
    }

    /** Like {@link #passwordToken}, but from a client without the audience mapper: no fieldhub-api in aud. */
    public String tokenWithoutApiAudience(String user) {
        return token(REALM, TestRealms.NO_AUDIENCE_CLI, user);
    }

    /** The decoded payload of a JWT (no signature check: that is the hub's job). */
    public static JsonNode claims(String jwt) {
        try {
            return TestRealms.json().readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts Keycloak (again) on the same port and data, unless it runs; waits until the realm answers. */
    public void start() {
        server.start("/realms/" + REALM + "/.well-known/openid-configuration");
    }

    /** Stops Keycloak (SIGTERM, as an operator would), keeping its data and keys for {@link #start}. */
    public void stop() {
        server.stop();
    }

    private void close() {
        stop();
        FileSystemUtils.deleteRecursively(home.toFile());
    }

    private String token(String realm, String clientId, String user) {
        return token(
                realm,
                Map.of(
                        "grant_type",
                        "password",
                        "client_id",
                        clientId,
                        "username",
                        user,
                        "password",
                        passwords.get(user)));
    }

    private String token(String realm, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        var request = HttpRequest.newBuilder(URI.create(url() + "/realms/" + realm + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("token request to realm " + realm + " for " + form.get("client_id")
                        + " refused: HTTP " + response.statusCode() + " " + response.body());
            }
            return TestRealms.json()
                    .readTree(response.body())
                    .get("access_token")
                    .asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
