package io.fieldhub.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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

    /** Options baked into the server image once ({@code kc.sh build}), so that each start skips Quarkus' rebuild. */
    private static final List<String> BUILD_OPTIONS =
            List.of("--db=dev-file", "--health-enabled=false", "--metrics-enabled=false");
    /** Readiness takes ~15 s on an idle 2-core machine and minutes when the machine is busy. */
    private static final Duration START_DEADLINE = Duration.ofMinutes(6);

    private static final System.Logger LOG = System.getLogger(TestKeycloak.class.getName());
    private static TestKeycloak instance;

    private final Path distribution = distribution();
    private final Path log = distribution.resolveSibling("keycloak.log");
    private final Path home;
    private final int port = TestSocketUtils.findAvailableTcpPort();
    private final Map<String, String> passwords = new LinkedHashMap<>();
    private final String integrationSecret = UUID.randomUUID().toString();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process process;

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
        // Keycloak keeps its data under kc.home.dir; the rest of that home is the distribution's.
        for (String part : List.of("lib", "conf", "providers", "themes")) {
            Files.createSymbolicLink(home.resolve(part), distribution.resolve(part));
        }
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

    /** The user name that has exactly {@code role}, e.g. {@code viewer-user}. */
    public static String userOf(String role) {
        return role + "-user";
    }

    /** Base URL, e.g. {@code http://localhost:41234} (what {@code hub.security.keycloak.url} takes). */
    public String url() {
        return "http://localhost:" + port;
    }

    /** The {@code iss} of realm fieldhub's tokens. */
    public String issuer() {
        return url() + "/realms/" + REALM;
    }

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
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        long began = System.nanoTime();
        buildOnce();
        process = run(List.of(
                "-Dkc.home.dir=" + home,
                "start",
                "--optimized",
                // a runtime option: without it a production-mode start clusters over JGroups on fixed ports
                "--cache=local",
                "--http-enabled=true",
                "--http-port=" + port,
                "--hostname=" + url(),
                "--import-realm"));
        await("Keycloak answers on " + url() + "; see " + log)
                .atMost(START_DEADLINE)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("Keycloak exited with " + process.exitValue() + "; see " + log);
                    }
                    return ready();
                });
        LOG.log(
                System.Logger.Level.INFO,
                "Keycloak ready at {0} after {1} s",
                url(),
                Duration.ofNanos(System.nanoTime() - began).toSeconds());
    }

    /** Stops Keycloak (SIGTERM, as an operator would), keeping its data for {@link #start}. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
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

    private boolean ready() {
        var request = HttpRequest.newBuilder(URI.create(issuer() + "/.well-known/openid-configuration"))
                .timeout(Duration.ofSeconds(5))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * {@code start-dev} rebuilds the Quarkus image on every start (a minute of CPU); building once into the unpacked
     * distribution and starting with {@code --optimized} skips that. A marker file remembers the options built with.
     */
    private void buildOnce() {
        Path marker = distribution.resolve("fieldhub-build-options");
        String options = String.join(" ", BUILD_OPTIONS);
        try {
            if (Files.exists(marker) && Files.readString(marker).equals(options)) {
                return;
            }
            var args = new ArrayList<>(List.of("build"));
            args.addAll(BUILD_OPTIONS);
            Process build = run(args);
            if (!build.waitFor(START_DEADLINE.toSeconds(), TimeUnit.SECONDS) || build.exitValue() != 0) {
                build.destroyForcibly();
                throw new IllegalStateException("kc.sh build failed; see " + log);
            }
            Files.writeString(marker, options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Failsafe sets keycloak.home to where the dependency plugin unpacked the distribution (tests/pom.xml). */
    private static Path distribution() {
        String home = System.getProperty("keycloak.home");
        if (home == null || !Files.isExecutable(Path.of(home, "bin/kc.sh"))) {
            throw new IllegalStateException("no Keycloak distribution at -Dkeycloak.home=" + home
                    + ": run the tests through Maven (verify), which unpacks it into tests/target/");
        }
        return Path.of(home);
    }

    private Process run(List<String> args) {
        File script = distribution.resolve("bin/kc.sh").toFile();
        var command = new ArrayList<>(List.of(script.getPath()));
        command.addAll(args);
        var builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", UUID.randomUUID().toString());
        // the test JVM's own Java; C1 only, since a short-lived test server gains little from C2 on two cores
        ProcessHandle.current().info().command().ifPresent(java -> env.put("JAVA", java));
        env.put("JAVA_OPTS_APPEND", "-XX:TieredStopAtLevel=1");
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + script, e);
        }
    }
}
