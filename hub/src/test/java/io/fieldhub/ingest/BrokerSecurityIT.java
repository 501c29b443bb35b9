package io.fieldhub.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.device.DeviceChanged;
import io.fieldhub.device.DeviceRegistry;
import io.fieldhub.device.DeviceSpec;
import io.fieldhub.device.auth.DeviceAuthenticator;
import io.fieldhub.device.credential.Certificates;
import io.fieldhub.device.credential.CredentialRevoked;
import io.fieldhub.device.credential.DeviceCredentials;
import io.fieldhub.device.enroll.DeviceKeys;
import io.fieldhub.device.enroll.EnrollmentGroups;
import io.fieldhub.embedded.BrokerTls;
import io.fieldhub.embedded.EmbeddedBroker;
import io.fieldhub.embedded.SelfSignedCertificate;
import io.fieldhub.routes.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.util.TestSocketUtils;

/**
 * The embedded broker with the hub's one extension (authentication, topic permissions, intake) against a real
 * PostgreSQL registry, driven by real MQTT 5 clients: no device can connect as, or speak for, another.
 */
class BrokerSecurityIT {

    static final int BAD_CREDENTIALS = 0x86;
    static final int NOT_AUTHORIZED = 0x87;
    static final int CLIENT_ID_NOT_VALID = 0x85;
    static final String HUB_CLIENT = "fieldhub-ingest";

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @TempDir
    static Path dir;

    static EmbeddedBroker broker;
    static DefaultCamelContext camel;
    static BrokerAuthenticator authenticator;
    /** The device ids of the telemetry the intake handed to the flow. */
    static final List<String> flowed = new CopyOnWriteArrayList<>();

    static SelfSignedCertificate.Made brokerKey;
    static Path tlsDevice;
    static Path strangerDevice;
    static DeviceRegistry registry;
    static DeviceCredentials credentials;
    static EnrollmentGroups groups;

    final List<MqttAsyncClient> clients = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        JdbcClient jdbc = JdbcClient.create(db.dataSource());
        ObjectMapper mapper = new ObjectMapper();
        var sessions = new DeviceSessions();
        ApplicationEventPublisher events = event -> {
            if (event instanceof CredentialRevoked revoked) {
                sessions.revoked(revoked);
            } else if (event instanceof DeviceChanged changed) {
                sessions.changed(changed);
            }
        };
        var encoder = new BCryptPasswordEncoder(4);
        registry = new DeviceRegistry(jdbc, mapper, events);
        credentials = new DeviceCredentials(jdbc, encoder, events);
        groups = new EnrollmentGroups(jdbc, registry);
        var devices = new DeviceAuthenticator(jdbc, encoder, groups, registry, false, new SimpleMeterRegistry());
        var hubClient = new BrokerAuthenticator.HubClient(HUB_CLIENT, "fieldhub-hub", "hub-secret");
        authenticator = new BrokerAuthenticator(sessions, hubClient, 2);
        authenticator.ready(devices);
        var intake = new BrokerIntake(Duration.ofSeconds(10), new DeviceQuota(0, 1), new SimpleMeterRegistry());
        Path certs = Files.createDirectories(dir.resolve("certs"));
        brokerKey = SelfSignedCertificate.inDirectory(dir.resolve("tls"));
        tlsDevice = TestCertificates.deviceKeystore(certs, "engine-tls");
        strangerDevice = TestCertificates.deviceKeystore(certs, "engine-stranger");
        Path trust = TestCertificates.truststore(certs, List.of(tlsDevice, strangerDevice));
        broker = new EmbeddedBroker(
                        dir.resolve("broker"),
                        "127.0.0.1",
                        TestSocketUtils.findAvailableTcpPort(),
                        false,
                        BrokerExtension.of(authenticator, sessions, intake))
                .withTls(new BrokerTls(
                        "127.0.0.1",
                        TestSocketUtils.findAvailableTcpPort(),
                        brokerKey.keystore(),
                        brokerKey.password(),
                        trust,
                        TestCertificates.PASSWORD,
                        BrokerTls.ClientAuth.OPTIONAL));
        broker.start();
        camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(BrokerIntake.ENDPOINT)
                        .process(e -> flowed.add(e.getMessage()
                                .getHeader(BrokerIntake.TOPIC, String.class)
                                .split("/")[1]));
            }
        });
        camel.start();
        intake.connect(camel);
    }

    @AfterAll
    static void stopAll() throws Exception {
        camel.stop();
        broker.close();
        authenticator.close();
    }

    @BeforeEach
    void nothingFlowedYet() {
        flowed.clear();
    }

    @AfterEach
    void disconnect() throws MqttException {
        for (MqttAsyncClient client : clients) {
            if (client.isConnected()) {
                client.disconnectForcibly(1_000);
            }
            client.close(true);
        }
    }

    @Test
    void aDeviceWithItsSecretConnectsAndItsTelemetryReachesTheFlow() throws Exception {
        String secret = registered("engine-1");
        MqttAsyncClient device = connect("engine-1", "engine-1", secret);

        assertThat(publish(device, "devices/engine-1/telemetry")).isEqualTo(0);
        assertThat(flowed).containsExactly("engine-1");
    }

    @Test
    void aWrongPasswordIsRefusedWithBadCredentials() throws Exception {
        registered("engine-1");
        assertThat(refusal("engine-1", "engine-1", "not-the-secret")).isEqualTo(BAD_CREDENTIALS);
        assertThat(refusal("engine-1", "engine-1", null)).isEqualTo(BAD_CREDENTIALS);
    }

    @Test
    void anUnknownOrDisabledDeviceIsNotAuthorized() throws Exception {
        assertThat(refusal("ghost-1", "ghost-1", "anything")).isEqualTo(NOT_AUTHORIZED);

        String secret = registered("engine-2");
        registry.update(new DeviceSpec("engine-2", null, null, null, false), "test");
        assertThat(refusal("engine-2", "engine-2", secret)).isEqualTo(NOT_AUTHORIZED);
    }

    @Test
    void theClientIdMustBeTheDeviceId() throws Exception {
        String secret = registered("engine-1");
        registered("engine-2");
        assertThat(refusal("engine-2", "engine-1", secret)).isEqualTo(CLIENT_ID_NOT_VALID);
        assertThat(refusal(HUB_CLIENT, HUB_CLIENT, secret))
                .as("the hub's own client id")
                .isEqualTo(BAD_CREDENTIALS);
    }

    @Test
    void aPublishOnAnotherDevicesTopicIsNotAuthorizedAndNotStored() throws Exception {
        String secret = registered("engine-1");
        registered("engine-2");
        MqttAsyncClient device = connect("engine-1", "engine-1", secret);

        assertThat(publish(device, "devices/engine-2/telemetry")).isEqualTo(NOT_AUTHORIZED);
        assertThat(flowed).isEmpty();
    }

    @Test
    void subscribingToEverythingIsNotAuthorizedButItsOwnCommandsAre() throws Exception {
        String secret = registered("engine-1");
        MqttAsyncClient device = connect("engine-1", "engine-1", secret);

        IMqttToken all = device.subscribe("#", 1);
        all.waitForCompletion(10_000);
        assertThat(all.getReasonCodes()).containsExactly(NOT_AUTHORIZED);
        IMqttToken own = device.subscribe("devices/engine-1/commands/+", 1);
        own.waitForCompletion(10_000);
        assertThat(own.getReasonCodes()).containsExactly(1);
    }

    @Test
    void revokingACredentialDisconnectsTheSessionThatUsedItWithinASecond() throws Exception {
        registry.create(new DeviceSpec("engine-1", null, null, null, true), "test", null);
        var first = credentials.newSecret("engine-1", "test");
        MqttAsyncClient device = connect("engine-1", "engine-1", first.secret());

        credentials.revoke("engine-1", first.id(), "test");

        await().atMost(Duration.ofSeconds(1)).until(() -> !device.isConnected());
        assertThat(refusal("engine-1", "engine-1", first.secret())).isEqualTo(BAD_CREDENTIALS);
    }

    @Test
    void duringRotationBothSecretsWorkUntilTheOldOneIsRevoked() throws Exception {
        registry.create(new DeviceSpec("engine-1", null, null, null, true), "test", null);
        var old = credentials.newSecret("engine-1", "test");
        var fresh = credentials.newSecret("engine-1", "test");

        connect("engine-1", "engine-1", old.secret()).disconnect().waitForCompletion(5_000);
        MqttAsyncClient withNew = connect("engine-1", "engine-1", fresh.secret());
        credentials.revoke("engine-1", old.id(), "test");

        assertThat(refusal("engine-1", "engine-1", old.secret())).isEqualTo(BAD_CREDENTIALS);
        assertThat(withNew.isConnected())
                .as("the session on the new secret stays")
                .isTrue();
    }

    @Test
    void aDeviceWithItsGroupDerivedKeyRegistersItselfOnFirstConnect() throws Exception {
        String groupKey = "8isrFI1sGsIlvvFSSFRiMfCNzv21fjbE/+ah/lSh3lF8e2YG1Te7w1KpZhJFFXJrqYKi9yegxkqIChbqOS9Egw==";
        groups.create(
                new EnrollmentGroups.Spec("line-2", "meter", "plant-2", Map.of("line", "2"), true, groupKey), "test");

        MqttAsyncClient device = connect("meter-9", "meter-9", DeviceKeys.derive(groupKey, "meter-9"));
        assertThat(publish(device, "devices/meter-9/telemetry")).isEqualTo(0);
        var enrolled = registry.find("meter-9").orElseThrow();
        assertThat(enrolled.type()).isEqualTo("meter");
        assertThat(enrolled.site()).isEqualTo("plant-2");
        assertThat(enrolled.tags()).containsEntry("line", "2");
        assertThat(enrolled.groupId()).isEqualTo("line-2");

        assertThat(refusal("meter-8", "meter-8", DeviceKeys.derive(groupKey, "meter-9")))
                .as("another device's derived key")
                .isEqualTo(NOT_AUTHORIZED);
        groups.update(new EnrollmentGroups.Spec("line-2", "meter", "plant-2", Map.of(), false, null), "test");
        assertThat(refusal("meter-8", "meter-8", DeviceKeys.derive(groupKey, "meter-8")))
                .as("a disabled group admits no one new")
                .isEqualTo(NOT_AUTHORIZED);
        assertThat(registry.find("meter-8")).isEmpty();
    }

    @Test
    void overTlsADeviceConnectsWithItsSecret() throws Exception {
        String secret = registered("engine-1");
        MqttAsyncClient device = connect(broker.tlsUrl(), "engine-1", "engine-1", secret, null);

        assertThat(publish(device, "devices/engine-1/telemetry")).isEqualTo(0);
        assertThat(flowed).containsExactly("engine-1");
    }

    @Test
    void overTlsADeviceConnectsWithARegisteredClientCertificateAndNoPassword() throws Exception {
        registry.create(new DeviceSpec("engine-tls", null, null, null, true), "test", null);
        var certificate = TestCertificates.certificate(tlsDevice);
        credentials.addCertificate("engine-tls", Certificates.sha256(certificate), null, "test");

        MqttAsyncClient device = connect(broker.tlsUrl(), "engine-tls", null, null, tlsDevice);
        assertThat(publish(device, "devices/engine-tls/telemetry")).isEqualTo(0);
    }

    @Test
    void aTrustedClientCertificateThatIsNotTheDevicesCredentialIsRefused() throws Exception {
        registered("engine-stranger");
        Throwable thrown =
                catchThrowable(() -> connect(broker.tlsUrl(), "engine-stranger", null, null, strangerDevice));
        assertThat(thrown).isInstanceOf(MqttException.class);
        assertThat(((MqttException) thrown).getReasonCode()).isEqualTo(BAD_CREDENTIALS);
    }

    @Test
    void plainMqttToTheTlsPortIsRefused() {
        String plainToTlsPort = broker.tlsUrl().replace("ssl://", "tcp://");
        assertThat(catchThrowable(() -> connect(plainToTlsPort, "engine-1", "engine-1", "x", null)))
                .isInstanceOf(MqttException.class);
    }

    /** Registers a device with one secret and returns the secret. */
    String registered(String deviceId) {
        registry.create(new DeviceSpec(deviceId, null, null, null, true), "test", null);
        return credentials.newSecret(deviceId, "test").secret();
    }

    MqttAsyncClient connect(String clientId, String username, String password) throws Exception {
        return connect(broker.url(), clientId, username, password, null);
    }

    /** Connects over {@code url}; over TLS, presenting {@code certificate}'s key when it is set. */
    MqttAsyncClient connect(String url, String clientId, String username, String password, Path certificate)
            throws Exception {
        var client = new MqttAsyncClient(url, clientId, new MemoryPersistence());
        clients.add(client);
        var options = new MqttConnectionOptions();
        if (url.startsWith("ssl://")) {
            options.setSocketFactory(TestCertificates.client(brokerKey.keystore(), brokerKey.password(), certificate));
        }
        if (username != null) {
            options.setUserName(username);
        }
        if (password != null) {
            options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        client.connect(options).waitForCompletion(10_000);
        return client;
    }

    /** The CONNACK reason code of a refused connection. */
    int refusal(String clientId, String username, String password) {
        Throwable thrown = catchThrowable(() -> connect(clientId, username, password));
        assertThat(thrown).as("the connection was refused").isInstanceOf(MqttException.class);
        return ((MqttException) thrown).getReasonCode();
    }

    /** The PUBACK reason code of a QoS 1 telemetry publish. */
    static int publish(MqttAsyncClient device, String topic) throws MqttException {
        var message =
                new MqttMessage("{\"metrics\":{\"temperature\":80}}".getBytes(StandardCharsets.UTF_8), 1, false, null);
        IMqttToken token = device.publish(topic, message);
        token.waitForCompletion(10_000);
        return token.getReasonCodes()[0];
    }
}
