package io.fieldhub.embedded;

import com.hivemq.configuration.service.InternalConfigurations;
import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.embedded.EmbeddedHiveMQBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An in-process HiveMQ CE MQTT 5 broker with one TCP listener, for the hub's laptop defaults. */
public final class EmbeddedBroker implements AutoCloseable, Supervisor.Supervised {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);

    private final Path configFolder;
    /** Messages the broker keeps per session for a subscriber that is behind or away (on disk when persistent). */
    static final long MAX_QUEUED_MESSAGES = 10_000_000L;

    /** Unacknowledged messages in flight to one subscriber; see {@link #start()}. */
    static final int INFLIGHT_WINDOW = 5_000;

    /**
     * HiveMQ's extension task executors. Each is one thread that, whenever a task arrives or an asynchronous one
     * ends, walks the queue of every connection it serves. The hub's broker intake keeps an asynchronous task open
     * per connection until the message is stored, so with HiveMQ's default (one executor per core) 1,000 devices
     * cost a walk of ~500 queues per message: 15-23 % of the hub's CPU at 10,000 msg/s (BENCHMARKS.md). More
     * executors, fewer queues each; a connection always uses the same one, so its publishes stay in order.
     */
    static final int EXTENSION_EXECUTORS = 32;

    /** The largest packet MQTT can describe (its length field's limit), HiveMQ's default. */
    static final int MQTT_MAX_PACKET_BYTES = 268_435_460;

    /** Room in a PUBLISH beside its payload: fixed header, topic and MQTT 5 properties (user properties included). */
    public static final int PACKET_OVERHEAD_BYTES = 8 * 1024;

    static final Duration WATCH_EVERY = Duration.ofSeconds(2);

    private final Path dataFolder;
    private final Path extensionsFolder;
    private final String bindAddress;
    private final int port;
    private final boolean persistent;
    private final EmbeddedExtension extension;
    private BrokerTls tls;
    private boolean plain = true;
    private int maxPacketBytes = MQTT_MAX_PACKET_BYTES;
    private EmbeddedHiveMQ hiveMq;
    private LivenessWatch watch;

    public EmbeddedBroker(Path home, String bindAddress, int port, boolean persistent) {
        this(home, bindAddress, port, persistent, null);
    }

    /** A broker that runs {@code extension} (in-process, from the class path; null for none). */
    public EmbeddedBroker(Path home, String bindAddress, int port, boolean persistent, EmbeddedExtension extension) {
        if (port < 1 || port > 65535) {
            // url() must name the real port, and HiveMQ does not report the one it picked for 0.
            throw new IllegalArgumentException("MQTT broker port must be 1-65535, was " + port);
        }
        this.configFolder = home.resolve("config");
        this.dataFolder = home.resolve("data");
        // Set explicitly so that HiveMQ never falls back to a folder outside home.
        this.extensionsFolder = home.resolve("extensions");
        this.bindAddress = bindAddress;
        this.port = port;
        this.persistent = persistent;
        this.extension = extension;
    }

    /** Adds a TLS listener; call before {@link #start()}. */
    public EmbeddedBroker withTls(BrokerTls tls) {
        this.tls = tls;
        return this;
    }

    /** Leaves out the plain TCP listener, so that only TLS is spoken; call before {@link #start()}. */
    /**
     * Refuses packets larger than {@code payloadBytes} plus {@link #PACKET_OVERHEAD_BYTES}. The broker announces the
     * limit in its CONNACK (MQTT 5 clients then do not send more) and disconnects a client that sends more anyway
     * with reason code 0x95 (packet too large), before the packet is read into memory.
     */
    public EmbeddedBroker withMaxPayload(int payloadBytes) {
        this.maxPacketBytes = (int) Math.min(MQTT_MAX_PACKET_BYTES, (long) payloadBytes + PACKET_OVERHEAD_BYTES);
        return this;
    }

    public EmbeddedBroker withoutPlainListener() {
        if (tls == null) {
            throw new IllegalStateException("an MQTT broker without its plain listener needs a TLS one");
        }
        this.plain = false;
        return this;
    }

    /** Starts the broker and returns once its listener accepts connections. */
    public synchronized void start() {
        if (hiveMq != null) {
            throw new IllegalStateException("MQTT broker on " + bindAddress + ":" + port + " is already started");
        }
        writeConfig();
        BrokerBuckets.configure(dataFolder);
        // HiveMQ sends a subscriber at most 50 unacknowledged messages. The hub acknowledges a message only when
        // its batch has committed, so 50 would cap ingest at 50 per commit; this internal knob is not in config.xml.
        InternalConfigurations.MAX_INFLIGHT_WINDOW_SIZE_MESSAGES = INFLIGHT_WINDOW;
        // a process-wide setting: a broker without an extension (the benchmark's plain one) gets HiveMQ's default
        InternalConfigurations.EXTENSION_TASK_QUEUE_EXECUTOR_THREADS_COUNT.set(
                extension != null ? EXTENSION_EXECUTORS : Runtime.getRuntime().availableProcessors());
        EmbeddedHiveMQBuilder builder = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(configFolder)
                .withDataFolder(dataFolder)
                .withExtensionsFolder(extensionsFolder)
                // Without it HiveMQ installs its own logback configuration and replaces Spring Boot's.
                .withoutLoggingBootstrap();
        if (extension != null) {
            builder.withEmbeddedExtension(extension);
        }
        EmbeddedHiveMQ candidate = builder.build();
        // EmbeddedHiveMQ's constructor lets everyone in while no authenticator is registered; a broker with an
        // extension (the hub's, which authenticates devices) must refuse connections until that extension runs.
        InternalConfigurations.AUTH_DENY_UNAUTHENTICATED_CONNECTIONS.set(extension != null);
        try {
            candidate.start().join();
        } catch (CompletionException e) {
            stopQuietly(candidate);
            throw new IllegalStateException(
                    "MQTT broker could not listen on " + bindAddress + ":" + port + " (is the port already in use?)",
                    e.getCause());
        }
        hiveMq = candidate;
    }

    /** The address clients connect to, e.g. {@code tcp://localhost:1883}. */
    @Override
    public synchronized void onCrash(Consumer<String> listener) {
        if (watch != null) {
            watch.close();
        }
        watch = new LivenessWatch("mqtt", WATCH_EVERY, this::problem, listener);
    }

    /** HiveMQ has no state to ask; a broker is alive while its listener accepts connections. */
    private synchronized String problem() {
        if (hiveMq == null) {
            return null;
        }
        return plain
                ? LivenessWatch.acceptsConnections(EmbeddedHosts.clientHost(bindAddress), port)
                : LivenessWatch.acceptsConnections(EmbeddedHosts.clientHost(tls.bindAddress()), tls.port());
    }

    /**
     * Starts the broker again on its ports and data folder, after what is left of the one that died is stopped.
     * Persistent sessions and their queued messages come back from the data folder; the extension starts again.
     */
    @Override
    public synchronized void restart() {
        if (hiveMq != null) {
            stopQuietly(hiveMq);
            hiveMq = null;
        }
        start();
    }

    public String url() {
        return "tcp://" + EmbeddedHosts.clientHost(bindAddress) + ":" + port;
    }

    public int port() {
        return port;
    }

    /** Stops the broker; HiveMQ takes a few seconds to flush and release its listener. */
    @Override
    public synchronized void close() {
        if (watch != null) {
            watch.close();
            watch = null;
        }
        if (hiveMq == null) {
            return;
        }
        try {
            hiveMq.close();
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "MQTT broker on " + bindAddress + ":" + port + " did not stop cleanly", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while stopping the MQTT broker", e);
        } finally {
            hiveMq = null;
        }
    }

    private void writeConfig() {
        // File mode keeps persistent sessions and their queued QoS 1 messages across a restart.
        String mode = persistent ? "file" : "in-memory";
        String xml = """
                <?xml version="1.0"?>
                <hivemq>
                    <listeners>
                %s
                    </listeners>
                    <persistence>
                        <mode>%s</mode>
                    </persistence>
                    <mqtt>
                        <packets>
                            <max-packet-size>%d</max-packet-size>
                        </packets>
                        <queued-messages>
                            <!-- HiveMQ's default (1000, then discard) silently drops messages it has already
                                 acknowledged to the device whenever the hub falls behind a burst. -->
                            <max-queue-size>%d</max-queue-size>
                            <strategy>discard</strategy>
                        </queued-messages>
                    </mqtt>
                    <anonymous-usage-statistics>
                        <!-- A field hub may run offline and must not phone home. -->
                        <enabled>false</enabled>
                    </anonymous-usage-statistics>
                </hivemq>
                """.formatted(listeners(), mode, maxPacketBytes, MAX_QUEUED_MESSAGES);
        try {
            Files.createDirectories(configFolder);
            Files.createDirectories(dataFolder);
            Files.createDirectories(extensionsFolder);
            Path config = configFolder.resolve("config.xml");
            Files.deleteIfExists(config);
            // it holds the keystore passwords
            Files.createFile(
                    config, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(config, xml);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the MQTT broker configuration in " + configFolder, e);
        }
    }

    private String listeners() {
        StringBuilder xml = new StringBuilder();
        if (plain) {
            xml.append("""
                    <tcp-listener>
                        <port>%d</port>
                        <bind-address>%s</bind-address>
                    </tcp-listener>
                    """.formatted(port, escapeXml(bindAddress)));
        }
        if (tls != null) {
            String truststore = tls.truststore() == null
                    ? ""
                    : """

                            <truststore>
                                <path>%s</path>
                                <password>%s</password>
                            </truststore>""".formatted(escapeXml(tls.truststore().toString()), escapeXml(tls.truststorePassword()));
            // HiveMQ reads the keystore as "JKS"; the JDK's JKS loader also reads PKCS12 files (keystore.type.compat)
            xml.append("""
                    <tls-tcp-listener>
                        <port>%d</port>
                        <bind-address>%s</bind-address>
                        <tls>
                            <protocols>
                                <protocol>TLSv1.3</protocol>
                                <protocol>TLSv1.2</protocol>
                            </protocols>
                            <keystore>
                                <path>%s</path>
                                <password>%s</password>
                                <private-key-password>%s</private-key-password>
                            </keystore>%s
                            <client-authentication-mode>%s</client-authentication-mode>
                        </tls>
                    </tls-tcp-listener>
                    """.formatted(
                            tls.port(),
                            escapeXml(tls.bindAddress()),
                            escapeXml(tls.keystore().toString()),
                            escapeXml(tls.keystorePassword()),
                            escapeXml(tls.keystorePassword()),
                            truststore,
                            tls.clientAuth()));
        }
        return xml.toString();
    }

    /** The TLS listener's address, e.g. {@code ssl://localhost:8883}, or null without one. */
    public String tlsUrl() {
        return tls == null ? null : "ssl://" + EmbeddedHosts.clientHost(tls.bindAddress()) + ":" + tls.port();
    }

    private static String escapeXml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static void stopQuietly(EmbeddedHiveMQ broker) {
        try {
            broker.close();
        } catch (ExecutionException e) {
            // The start failure is the error worth reporting; this one would only hide it.
            LOG.warn("Cleanup after a failed MQTT broker start failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
