package io.fieldhub.config;

import io.fieldhub.embedded.EmbeddedBroker;
import io.fieldhub.embedded.EmbeddedPostgresServer;
import io.fieldhub.embedded.EmbeddedS3Server;
import io.fieldhub.ingest.BrokerAuthenticator;
import io.fieldhub.ingest.BrokerExtension;
import io.fieldhub.ingest.BrokerIntake;
import io.fieldhub.ingest.DeviceQuota;
import io.fieldhub.ingest.DeviceSessions;
import io.fieldhub.ingest.gateway.GatewayBrokerIntake;
import io.fieldhub.rules.RuleSetBuilder;
import io.fieldhub.rules.RuleSettings;
import java.security.SecureRandom;
import java.util.Base64;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.Environment;

/**
 * Starts the slow, independent parts of a hub start as soon as the configuration is known, before Spring has read
 * a bean definition: the embedded PostgreSQL, S3 server and MQTT broker (with its device authentication, bean
 * {@code brokerAuthenticator}, its gateway intake, bean {@code gatewayBrokerIntake}, and its device intake, bean
 * {@code brokerIntake}, when {@code hub.mqtt.intake=broker}), the
 * S3 client (bean {@code s3Client}), and the build of {@code rules/}. They run side by side with each other and
 * with the context's own start; the beans that need them wait ({@link StartupTasks}). Which servers run embedded is
 * decided by {@link EmbeddedDefaults}.
 */
public class ParallelStart implements ApplicationContextInitializer<GenericApplicationContext> {

    static final String POSTGRES = "embeddedPostgres";
    static final String S3 = "embeddedS3";
    static final String BROKER = "embeddedBroker";
    static final String RULES = "startupRules";
    static final String OBJECT_STORE = "objectStore";

    @Override
    public void initialize(GenericApplicationContext context) {
        Environment env = context.getEnvironment();
        Binder binder = Binder.get(env);
        HubProperties hub = binder.bind("hub", HubProperties.class).get();
        RuleSettings rules = binder.bind("hub.rules", RuleSettings.class).get();
        var tasks = new StartupTasks();
        // a singleton from here on, so that a start that fails at any later point still stops what began here
        context.getBeanFactory().registerSingleton("startupTasks", tasks);
        context.getDefaultListableBeanFactory().registerDisposableBean("startupTasks", tasks::close);
        if (enabled(env, "hub.database.embedded")) {
            var postgres = new EmbeddedPostgresServer(
                    hub.dataPath().resolve("postgres"), hub.database().port());
            tasks.server(POSTGRES, "PostgreSQL", postgres, postgres::start, postgres::jdbcUrl);
        }
        if (enabled(env, "hub.s3.embedded")) {
            HubProperties.S3 s3 = hub.s3();
            var server = new EmbeddedS3Server(
                    hub.dataPath().resolve("objects"), s3.bindAddress(), s3.port(), s3.accessKey(), s3.secretKey());
            tasks.server(S3, "S3 server", server, server::start, s3::endpoint);
        }
        var quota = new DeviceQuota(
                hub.ingest().quota().messagesPerSecond(), hub.ingest().quota().burst());
        context.getBeanFactory().registerSingleton("deviceQuota", quota);
        tasks.run(OBJECT_STORE, () -> {
            if (enabled(env, "hub.s3.embedded")) {
                tasks.await(S3, EmbeddedS3Server.class);
            }
            return ObjectStore.connect(hub.s3());
        });
        var hubClient = hubCredential(env, hub);
        context.getBeanFactory().registerSingleton("hubMqttCredential", hubClient);
        if (enabled(env, "hub.mqtt.embedded")) {
            BrokerIntake intake = null;
            if (hub.mqtt().intake() == HubProperties.Intake.BROKER) {
                intake = new BrokerIntake(hub.mqtt().storeTimeout(), quota);
                context.getBeanFactory().registerSingleton("brokerIntake", intake);
            }
            // gateways come in through the broker whatever hub.mqtt.intake says: no subscription takes their topic
            var gateways = new GatewayBrokerIntake(hub.mqtt().storeTimeout());
            context.getBeanFactory().registerSingleton("gatewayBrokerIntake", gateways);
            // devices are checked against the registry once it exists (DeviceBeans); CONNECTs until then wait
            var sessions = new DeviceSessions();
            context.getBeanFactory().registerSingleton("deviceSessions", sessions);
            var authenticator =
                    new BrokerAuthenticator(sessions, hubClient, hub.devices().authThreads());
            context.getBeanFactory().registerSingleton("brokerAuthenticator", authenticator);
            context.getDefaultListableBeanFactory().registerDisposableBean("brokerAuthenticator", authenticator::close);
            var broker = new EmbeddedBroker(
                    hub.dataPath().resolve("broker"),
                    hub.mqtt().bindAddress(),
                    hub.mqtt().port(),
                    true,
                    BrokerExtension.of(authenticator, sessions, intake, gateways));
            tasks.server(
                    BROKER,
                    "MQTT broker",
                    broker,
                    () -> {
                        if (hub.mqtt().tls().enabled()) {
                            broker.withTls(BrokerTlsSettings.of(
                                    hub.mqtt().tls(), hub.dataPath().resolve("tls")));
                        }
                        if (!hub.mqtt().plain()) {
                            broker.withoutPlainListener();
                        }
                        broker.withMaxPayload(hub.ingest().maxPayloadBytes());
                        broker.start();
                    },
                    broker::url);
        }
        tasks.run(RULES, () -> RuleBeans.buildRules(hub, new RuleSetBuilder(rules.retention()), rules.cache()));
    }

    /**
     * The hub's own MQTT credential. The embedded broker admits it by this credential alone, so a password left unset
     * is drawn at random at each start: the broker and the client live in the same process.
     */
    private static BrokerAuthenticator.HubClient hubCredential(Environment env, HubProperties hub) {
        String password = env.getProperty("hub.mqtt.password", "");
        if (password.isBlank() && hub.mqtt().embedded()) {
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        }
        return new BrokerAuthenticator.HubClient(
                env.getRequiredProperty("hub.mqtt.client-id"),
                env.getProperty("hub.mqtt.username", "fieldhub-hub"),
                password);
    }

    private static boolean enabled(Environment env, String flag) {
        return env.getProperty(flag, Boolean.class, false);
    }
}
