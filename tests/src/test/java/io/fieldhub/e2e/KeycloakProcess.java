package io.fieldhub.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The Keycloak distribution that Maven unpacks into {@code target/}, run through {@code bin/kc.sh} with its data in
 * {@code home} (a folder whose {@code data/import} holds the realms to import) and its log in
 * {@code target/keycloak.log}.
 */
final class KeycloakProcess {

    /** Options baked into the server image once ({@code kc.sh build}), so that each start skips Quarkus' rebuild. */
    private static final List<String> BUILD_OPTIONS =
            List.of("--db=dev-file", "--health-enabled=false", "--metrics-enabled=false");
    /** Readiness takes ~15 s on an idle 2-core machine, and a minute or more while other builds run. */
    private static final Duration START_DEADLINE = Duration.ofMinutes(6);

    private static final System.Logger LOG = System.getLogger(KeycloakProcess.class.getName());

    private final Path distribution = distribution();
    private final Path log = distribution.resolveSibling("keycloak.log");
    private final Path home;
    private final int port;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process process;

    KeycloakProcess(Path home, int port) throws IOException {
        this.home = home;
        this.port = port;
        // Keycloak keeps its data under kc.home.dir; the rest of that home is the distribution's.
        for (String part : List.of("lib", "conf", "providers", "themes")) {
            Files.createSymbolicLink(home.resolve(part), distribution.resolve(part));
        }
    }

    String url() {
        return "http://localhost:" + port;
    }

    /** Starts Keycloak unless it runs, and waits until {@code readyPath} answers 200. */
    synchronized void start(String readyPath) {
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
                    return answers(readyPath);
                });
        LOG.log(
                System.Logger.Level.INFO,
                "Keycloak ready at {0} after {1} s",
                url(),
                Duration.ofNanos(System.nanoTime() - began).toSeconds());
    }

    /** SIGTERM to kc.sh and the JVM it started, as an operator's stop; the data stays. */
    synchronized void stop() {
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

    private boolean answers(String path) {
        var request = HttpRequest.newBuilder(URI.create(url() + path))
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
     * {@code start-dev} rebuilds the Quarkus image on every start (a minute of CPU here); building once into the
     * unpacked distribution and starting with {@code --optimized} skips that. A marker file names the options built.
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

    private Process run(List<String> args) {
        var command = new ArrayList<>(List.of(distribution.resolve("bin/kc.sh").toString()));
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
            throw new UncheckedIOException("could not run " + command, e);
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
}
