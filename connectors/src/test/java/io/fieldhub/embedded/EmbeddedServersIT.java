package io.fieldhub.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.test.util.TestSocketUtils;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

class EmbeddedServersIT {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServersIT.class);
    private static final String LOCALHOST = "127.0.0.1";
    private static final long TIMEOUT_SECONDS = 10;

    @TempDir
    Path tempDir;

    /** Servers and clients to close after each test, newest first. */
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();

    @AfterEach
    void closeEverything() throws Exception {
        Exception first = null;
        while (!toClose.isEmpty()) {
            try {
                toClose.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Test
    void brokerDeliversQos1TelemetryToSubscriber() throws Exception {
        EmbeddedBroker broker = started(
                new EmbeddedBroker(tempDir.resolve("mqtt"), LOCALHOST, TestSocketUtils.findAvailableTcpPort(), false));
        CompletableFuture<MqttMessage> received = new CompletableFuture<>();
        MqttClient subscriber = mqttClient(broker, "subscriber", received);
        subscriber.connect();
        subscriber.subscribe("devices/+/telemetry", 1);

        byte[] payload = "{\"temperature\":21.5}".getBytes(StandardCharsets.UTF_8);
        IMqttToken delivery = publishQos1(broker, "devices/pump-7/telemetry", payload);

        assertThat(delivery.getReasonCodes()).containsExactly(0);
        MqttMessage message = received.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(message.getPayload()).isEqualTo(payload);
        assertThat(message.getQos()).isEqualTo(1);
    }

    @Test
    void persistentBrokerKeepsQueuedQos1MessageOfOfflineSessionAcrossRestart() throws Exception {
        Path home = tempDir.resolve("mqtt");
        int port = TestSocketUtils.findAvailableTcpPort();
        EmbeddedBroker broker = started(new EmbeddedBroker(home, LOCALHOST, port, true));
        MqttConnectionOptions durable = new MqttConnectionOptions();
        durable.setCleanStart(false);
        durable.setSessionExpiryInterval(3600L);
        CompletableFuture<MqttMessage> received = new CompletableFuture<>();
        MqttClient subscriber = mqttClient(broker, "archiver", received);
        subscriber.connect(durable);
        subscriber.subscribe("devices/+/telemetry", 1);
        subscriber.disconnect();

        byte[] payload = "queued while offline".getBytes(StandardCharsets.UTF_8);
        assertThat(publishQos1(broker, "devices/pump-7/telemetry", payload).getReasonCodes())
                .containsExactly(0);
        broker.close();
        try (var buckets = Files.find(
                home.resolve("data/persistence/client_session_store"),
                2,
                (path, attributes) -> attributes.isDirectory()
                        && path.getFileName().toString().startsWith("client_session_store_"))) {
            assertThat(buckets).as("session store buckets of a new folder").hasSize(BrokerBuckets.NEW_FOLDER);
        }
        broker = started(new EmbeddedBroker(home, LOCALHOST, port, true));

        IMqttToken connect = subscriber.connectWithResult(durable);
        assertThat(connect.getSessionPresent())
                .as("session present after restart")
                .isTrue();
        assertThat(received.get(TIMEOUT_SECONDS, TimeUnit.SECONDS).getPayload()).isEqualTo(payload);
    }

    @Test
    void brokerStartNamesThePortWhenItCannotBind() throws Exception {
        try (ServerSocket occupied = new ServerSocket(0, 50, InetAddress.getByName(LOCALHOST))) {
            int port = occupied.getLocalPort();
            EmbeddedBroker broker = new EmbeddedBroker(tempDir.resolve("mqtt"), LOCALHOST, port, false);
            toClose.push(broker);

            assertThatThrownBy(broker::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(LOCALHOST + ":" + port);
        }
    }

    @Test
    void postgresKeepsRowsAcrossRestartOnTheSameDataDirectory() throws Exception {
        Path data = tempDir.resolve("pg");
        EmbeddedPostgresServer postgres = started(new EmbeddedPostgresServer(data, 0));
        try (Connection connection = connect(postgres);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE reading (device_id text PRIMARY KEY, celsius numeric NOT NULL)");
            statement.execute("INSERT INTO reading VALUES ('pump-7', 21.5)");
        }
        postgres.close();

        postgres = started(new EmbeddedPostgresServer(data, TestSocketUtils.findAvailableTcpPort()));
        try (Connection connection = connect(postgres);
                Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery("SELECT device_id, celsius FROM reading")) {
                assertThat(rows.next()).as("row survived the restart").isTrue();
                assertThat(rows.getString("device_id")).isEqualTo("pump-7");
                assertThat(rows.getBigDecimal("celsius")).isEqualByComparingTo("21.5");
                assertThat(rows.next()).isFalse();
            }
            assertThat(setting(statement, "fsync")).isEqualTo("on");
            assertThat(setting(statement, "synchronous_commit")).isEqualTo("on");
        }
    }

    @Test
    void postgresStartNamesThePortWhenItIsTaken() throws Exception {
        try (ServerSocket occupied = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = occupied.getLocalPort();
            EmbeddedPostgresServer postgres = new EmbeddedPostgresServer(tempDir.resolve("pg"), port);
            toClose.push(postgres);

            assertThatThrownBy(postgres::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("localhost:" + port);
        }
    }

    @Test
    void s3KeepsObjectsAcrossRestartOnTheSameDirectory() throws Exception {
        Path dir = tempDir.resolve("s3");
        int port = TestSocketUtils.findAvailableTcpPort();
        byte[] content = "archived telemetry".getBytes(StandardCharsets.UTF_8);
        EmbeddedS3Server s3 = started(new EmbeddedS3Server(dir, LOCALHOST, port, "hub-key", "hub-secret"));
        try (S3Client client = S3Clients.create(s3.endpoint(), "us-east-1", "hub-key", "hub-secret")) {
            client.createBucket(b -> b.bucket("archive"));
            client.putObject(p -> p.bucket("archive").key("2025/11/pump-7.json"), RequestBody.fromBytes(content));
        }
        s3.close();

        s3 = started(new EmbeddedS3Server(dir, LOCALHOST, port, "hub-key", "hub-secret"));
        try (S3Client client = S3Clients.create(s3.endpoint(), "us-east-1", "hub-key", "hub-secret")) {
            assertThat(client.listObjectsV2(l -> l.bucket("archive")).contents())
                    .extracting(S3Object::key)
                    .containsExactly("2025/11/pump-7.json");
            assertThat(client.getObjectAsBytes(g -> g.bucket("archive").key("2025/11/pump-7.json"))
                            .asByteArray())
                    .isEqualTo(content);
        }
    }

    @Test
    void s3DropsAnUploadThatAKilledServerLeftUnfinished() throws Exception {
        Path dir = tempDir.resolve("s3-killed");
        int port = TestSocketUtils.findAvailableTcpPort();
        EmbeddedS3Server s3 = started(new EmbeddedS3Server(dir, LOCALHOST, port, "hub-key", "hub-secret"));
        try (S3Client client = S3Clients.create(s3.endpoint(), "us-east-1", "hub-key", "hub-secret")) {
            client.createBucket(b -> b.bucket("archive"));
            client.putObject(p -> p.bucket("archive").key("t/a.jsonl.gz"), RequestBody.fromString("a"));
        }
        s3.close();
        // what S3Proxy leaves when its process dies between writing an object and renaming it to its key
        Files.writeString(dir.resolve("archive/t/a.jsonl.gz-15da6379-a650-4373-b620-9a3fadde060e"), "half");

        s3 = started(new EmbeddedS3Server(dir, LOCALHOST, port, "hub-key", "hub-secret"));
        try (S3Client client = S3Clients.create(s3.endpoint(), "us-east-1", "hub-key", "hub-secret")) {
            assertThat(client.listObjectsV2(l -> l.bucket("archive")).contents())
                    .extracting(S3Object::key)
                    .containsExactly("t/a.jsonl.gz");
        }
    }

    private <T extends AutoCloseable> T started(T server) {
        toClose.push(server);
        long begin = System.nanoTime();
        if (server instanceof EmbeddedBroker broker) {
            broker.start();
        } else if (server instanceof EmbeddedPostgresServer postgres) {
            postgres.start();
        } else if (server instanceof EmbeddedS3Server s3) {
            s3.start();
        }
        LOG.info(
                "{} started in {} ms",
                server.getClass().getSimpleName(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
        return server;
    }

    private MqttClient mqttClient(EmbeddedBroker broker, String clientId, CompletableFuture<MqttMessage> received)
            throws MqttException {
        MqttClient client = new MqttClient(broker.url(), clientId, new MemoryPersistence());
        client.setTimeToWait(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        client.setCallback(new FirstMessage(received));
        toClose.push(() -> {
            if (client.isConnected()) {
                client.disconnect();
            }
            client.close();
        });
        return client;
    }

    private IMqttToken publishQos1(EmbeddedBroker broker, String topic, byte[] payload) throws MqttException {
        MqttAsyncClient publisher = new MqttAsyncClient(broker.url(), "publisher", new MemoryPersistence());
        try {
            publisher.connect().waitForCompletion(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
            MqttMessage message = new MqttMessage(payload);
            message.setQos(1);
            IMqttToken token = publisher.publish(topic, message);
            token.waitForCompletion(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
            return token;
        } finally {
            if (publisher.isConnected()) {
                publisher.disconnect().waitForCompletion(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
            }
            publisher.close();
        }
    }

    private static Connection connect(EmbeddedPostgresServer postgres) throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password());
    }

    private static String setting(Statement statement, String name) throws SQLException {
        try (ResultSet rows = statement.executeQuery("SHOW " + name)) {
            rows.next();
            return rows.getString(1);
        }
    }

    /** Completes the future with the first message that arrives. */
    private record FirstMessage(CompletableFuture<MqttMessage> received) implements MqttCallback {

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            received.complete(message);
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {}

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            received.completeExceptionally(exception);
        }

        @Override
        public void deliveryComplete(IMqttToken token) {}

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {}

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {}
    }
}
