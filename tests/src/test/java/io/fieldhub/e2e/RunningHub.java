package io.fieldhub.e2e;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.fieldhub.FieldHubApplication;
import io.fieldhub.embedded.EmbeddedS3Server;
import io.fieldhub.embedded.S3Clients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.util.TestSocketUtils;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The hub as a user runs it: embedded broker, PostgreSQL and S3 on free ports, a data directory of its own, and
 * GreenMail as the SMTP server, to which the e2e routing sends every raised alert. Tests talk to it only through real clients (MQTT 5, HTTP, JDBC, S3, SMTP inbox).
 */
final class RunningHub implements AutoCloseable {

    static final String BUCKET = "fieldhub-e2e";
    /** The e2e routing (src/test/resources/e2e-notifications.yaml) emails every raised alert here. */
    static final String MAIL_TO = "operations@fieldhub.test";

    static final Path ROUTING = resource("/e2e-notifications.yaml");
    /** The one browser origin the test hubs let call their API from another site. */
    static final String CONSOLE_ORIGIN = "https://console.fieldhub.test";
    /**
     * Per-device rate of the test hubs: the bursts are load tests, faster per device than the default quota allows;
     * the quota itself is tested with its own settings (QuotaIT).
     */
    static final int LOAD_TEST_QUOTA = 1_000_000;

    private static RunningHub shared;

    final Path dataDir;
    final int mqttPort = TestSocketUtils.findAvailableTcpPort();
    final int tlsPort = TestSocketUtils.findAvailableTcpPort();
    final int httpPort = TestSocketUtils.findAvailableTcpPort();
    final int postgresPort = TestSocketUtils.findAvailableTcpPort();
    final int s3Port = TestSocketUtils.findAvailableTcpPort();
    final int smtpPort = TestSocketUtils.findAvailableTcpPort();
    final GreenMail mail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    private final List<String> extraArgs;
    private ConfigurableApplicationContext context;
    private S3Client s3;

    private RunningHub(Path dataDir, List<String> extraArgs) {
        this.dataDir = dataDir;
        this.extraArgs = new ArrayList<>(extraArgs);
        mail.start();
    }

    /** One hub for the whole suite (starting one takes seconds); tests keep apart by device id. */
    static synchronized RunningHub shared() {
        if (shared == null) {
            shared = new RunningHub(tempDir(), List.of()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    /** A hub of its own, for tests that stop or break it. */
    static RunningHub dedicated(String... extraArgs) {
        var hub = notStarted(extraArgs);
        try {
            return hub.start();
        } catch (RuntimeException e) {
            hub.close();
            throw e;
        }
    }

    /** Ports and data directory chosen, nothing started yet. */
    static RunningHub notStarted(String... extraArgs) {
        return new RunningHub(tempDir(), List.of(extraArgs));
    }

    /** More command-line settings for the next start. */
    RunningHub withArgs(String... more) {
        extraArgs.addAll(List.of(more));
        return this;
    }

    RunningHub start() {
        List<String> args = new ArrayList<>(List.of(
                "--hub.data-dir=" + dataDir,
                "--hub.mqtt.port=" + mqttPort,
                "--hub.mqtt.tls.port=" + tlsPort,
                "--hub.devices.demo-fleet=false",
                "--hub.database.port=" + postgresPort,
                "--hub.s3.port=" + s3Port,
                "--hub.s3.bucket=" + BUCKET,
                "--server.port=" + httpPort,
                "--hub.mail.host=127.0.0.1",
                "--hub.mail.port=" + smtpPort,
                "--hub.notify.routing-file=" + ROUTING,
                "--hub.mail.poll-interval=100",
                "--hub.archive.max-age=1s",
                "--hub.archive.check-interval=200",
                "--hub.security.cors-origins=" + CONSOLE_ORIGIN,
                "--hub.ingest.quota.messages-per-second=" + LOAD_TEST_QUOTA,
                "--logging.level.root=WARN"));
        args.addAll(extraArgs);
        // a later --key=value replaces an earlier one (Spring would join repeated keys into a list)
        var byKey = new java.util.LinkedHashMap<String, String>();
        args.forEach(a -> byKey.put(a.substring(0, a.indexOf('=')), a));
        context = new SpringApplicationBuilder(FieldHubApplication.class)
                .run(byKey.values().toArray(String[]::new));
        try {
            TestFleet.enroll(httpUrl(""), adminAuthorization(dataDir));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("the test devices' enrollment group could not be made", e);
        }
        return this;
    }

    void stop() {
        if (context != null) {
            context.close();
            context = null;
        }
    }

    /**
     * The stopped hub's object store, served alone by an S3 server on the hub's S3 port: what the hub left there,
     * with no start of the hub that could write more. The caller closes it.
     */
    EmbeddedS3Server storedObjects() {
        var server =
                new EmbeddedS3Server(dataDir.resolve("objects"), "127.0.0.1", s3Port, "fieldhub", "fieldhub-secret");
        server.start();
        return server;
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    <T> java.util.Collection<T> beans(Class<T> type) {
        return context.getBeansOfType(type).values();
    }

    String mqttUrl() {
        return "tcp://localhost:" + mqttPort;
    }

    String httpUrl(String path) {
        return "http://localhost:" + httpPort + path;
    }

    /** A request to the API as the first start's admin (HTTP Basic, the password the hub put in its data dir). */
    HttpRequest.Builder api(String path) {
        return HttpRequest.newBuilder(URI.create(httpUrl(path))).header("Authorization", adminAuthorization(dataDir));
    }

    /** A signed-in person: a local user's name and the Authorization header that proves it. */
    record ApiUser(String name, String authorization) {}

    /** Makes a local user with one role (through the API, as admin), with a name no other test uses. */
    ApiUser newUser(String role) {
        String name = role + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        try {
            HttpResponse<String> made = HttpClient.newHttpClient()
                    .send(
                            api("/api/users")
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            "{\"username\":\"" + name + "\",\"roles\":[\"" + role + "\"]}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (made.statusCode() != 201) {
                throw new IllegalStateException("could not make user " + name + ": " + made.body());
            }
            String password = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(made.body())
                    .path("password")
                    .asText();
            return new ApiUser(name, basic(name, password));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("could not make user " + name, e);
        }
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static String adminAuthorization(Path dataDir) {
        try {
            String password =
                    Files.readString(dataDir.resolve("admin-password")).strip();
            return basic("admin", password);
        } catch (IOException e) {
            throw new UncheckedIOException("the hub has not written its admin password yet", e);
        }
    }

    JdbcTemplate jdbc() {
        return new JdbcTemplate(new DriverManagerDataSource(
                "jdbc:postgresql://localhost:" + postgresPort + "/postgres", "postgres", "postgres"));
    }

    synchronized S3Client s3() {
        if (s3 == null) {
            s3 = S3Clients.create(URI.create("http://localhost:" + s3Port), "us-east-1", "fieldhub", "fieldhub-secret");
        }
        return s3;
    }

    @Override
    public void close() {
        stop();
        if (s3 != null) {
            s3.close();
        }
        mail.stop();
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("fieldhub-e2e-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file of the test resources, as a path the hub can read. */
    static Path resource(String name) {
        try {
            return Path.of(RunningHub.class.getResource(name).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
