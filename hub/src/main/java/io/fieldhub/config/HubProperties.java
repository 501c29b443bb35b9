package io.fieldhub.config;

import io.fieldhub.codec.FrameLayout;
import io.fieldhub.embedded.BrokerTls;
import io.fieldhub.notify.channel.CircuitOverride;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Every FieldHub setting, under {@code hub.*}; defaults and comments live in {@code config/application.yaml},
 * and the environment overrides each one ({@code HUB_MQTT_PORT}, {@code HUB_DATA_DIR}, ...).
 *
 * @param home       where {@code routes/}, {@code rules/} and {@code config/} are read from
 * @param dataDir    where the embedded broker, database and object store keep their data
 * @param instanceId this hub's name in logs and in the metadata of the archive objects it writes
 * @param publicUrl  the hub's HTTP address as people reach it (links in alert emails)
 */
@Validated
@ConfigurationProperties("hub")
public record HubProperties(
        @NotBlank String home,
        @NotBlank String dataDir,
        @NotBlank String instanceId,
        @NotBlank String publicUrl,
        @Valid @NotNull Mqtt mqtt,
        @Valid @NotNull Database database,
        @Valid @NotNull S3 s3,
        @Valid @NotNull Ingest ingest,
        @Valid @NotNull Store store,
        @Valid @NotNull Archive archive,
        @Valid @NotNull Mail mail,
        @Valid @NotNull Alerts alerts,
        @Valid @NotNull Codecs codecs,
        @Valid @NotNull Devices devices) {

    // Strings, not Paths: Spring would resolve "." against the servlet context instead of the working directory.
    public Path homePath() {
        return Path.of(home).toAbsolutePath().normalize();
    }

    public Path dataPath() {
        return Path.of(dataDir).toAbsolutePath().normalize();
    }

    /**
     * The device-facing broker: embedded HiveMQ unless {@code broker-url} points elsewhere.
     *
     * @param intake       how the hub takes telemetry from the embedded broker (an external one: always through
     *                     its subscription)
     * @param storeTimeout with the broker intake, a publish not stored by then is answered "send it again"
     */
    public record Mqtt(
            boolean embedded,
            @NotBlank String bindAddress,
            @Min(0) int port,
            boolean plain,
            @NotBlank String brokerUrl,
            @NotNull Intake intake,
            @NotNull Duration storeTimeout,
            @Valid @NotNull Tls tls) {}

    /**
     * The embedded broker's TLS listener (TLS 1.3 and 1.2). Without a keystore, a self-signed certificate is made
     * once in {@code data-dir/tls} and its SHA-256 fingerprint logged at start.
     *
     * @param clientAuth NONE, OPTIONAL or REQUIRED: whether devices show a certificate the truststore vouches for
     */
    public record Tls(
            boolean enabled,
            @NotBlank String bindAddress,
            @Min(1) int port,
            String keystore,
            String keystorePassword,
            String truststore,
            String truststorePassword,
            @NotNull BrokerTls.ClientAuth clientAuth) {}

    /** How telemetry gets from the embedded broker into the flow. */
    public enum Intake {
        /** Handed over inside the broker; the PUBACK waits until stored (io.fieldhub.ingest.BrokerIntake). */
        BROKER,
        /** The hub's persistent MQTT session (route ingest-mqtt), as with an external broker. */
        SUBSCRIPTION
    }

    /** PostgreSQL: embedded unless {@code spring.datasource.url} is set. */
    public record Database(boolean embedded, @Min(0) int port) {}

    /** The object store: embedded S3Proxy unless {@code endpoint} is set. */
    public record S3(
            boolean embedded,
            @NotBlank String bindAddress,
            @Min(0) int port,
            @NotBlank String endpoint,
            @NotBlank String region,
            @NotBlank String bucket,
            @NotBlank String accessKey,
            @NotBlank String secretKey) {}

    /** Limits applied to every incoming message. */
    public record Ingest(
            @Min(1) int maxPayloadBytes,
            @Min(0) int deadLetterPayloadBytes,
            @Min(1) int maxMetrics,
            @NotNull Duration maxFutureSkew,
            @NotNull Duration maxAge,
            @Valid @NotNull Quota quota) {}

    /** Each device's message rate: a token bucket refilled at {@code messagesPerSecond} (0: none), {@code burst} deep. */
    public record Quota(
            @Min(0) int messagesPerSecond, @Min(1) int burst) {}

    /** Warm-store batching: a batch is written when it has {@code batchSize} rows or after {@code linger}. */
    public record Store(@Min(1) int batchSize, @NotNull Duration linger) {}

    /** Cold-archive batching: an object is written at {@code maxRecords} rows or when the oldest is {@code maxAge}. */
    public record Archive(@Min(1) int maxRecords, @NotNull Duration maxAge) {}

    /**
     * SMTP for alert email ({@code routes/notify-email.camel.yaml}); off when {@code host} is empty. Each email goes
     * to the address its notification names (config/notifications.yaml).
     *
     * @param starttls require STARTTLS: never send in plain text (a server that does not offer it is an error)
     * @param circuit  this channel's exceptions to {@code hub.notify.circuit.*}, if any (read by the route)
     */
    public record Mail(
            boolean enabled,
            String host,
            @Min(1) int port,
            @NotBlank String from,
            boolean starttls,
            String username,
            String password,
            @Valid CircuitOverride circuit) {}

    /**
     * The alert lifecycle.
     *
     * @param clearAfter      an alert clears once its device has reported this long after the last trigger (the
     *                        hysteresis); a rule's {@code @clearAfter} overrides it
     * @param escalateAfter   an open alert nobody acknowledged rises one tier after this, and again after each further
     *                        such period
     * @param maxTier         the highest escalation tier (0 turns escalation off)
     * @param escalationCheck how often the {@code alerts-escalate} route looks for alerts due to escalate
     */
    public record Alerts(
            @NotNull Duration clearAfter,
            @NotNull Duration escalateAfter,
            @Min(0) int maxTier,
            @NotNull Duration escalationCheck) {}

    /**
     * Device identity (docs/devices.md).
     *
     * @param autoRegister     trial mode: a device is registered on its first message and let in without credentials
     * @param demoFleet        on the first start, register a few demo devices and write their secrets to the data dir
     * @param bcryptStrength   the cost of the salted hash of device secrets (each step doubles it)
     * @param authThreads      threads that check MQTT CONNECTs, so a hash never holds up the broker's own threads
     * @param lastSeenInterval how often the registry's last-seen times are written
     */
    public record Devices(
            boolean autoRegister,
            boolean demoFleet,
            @Min(4) int bcryptStrength,
            @Min(1) int authThreads,
            @NotNull Duration lastSeenInterval) {}

    /** Binary frame layouts by name, e.g. {@code engine-v1}. */
    public record Codecs(Map<String, Frame> frames) {
        public Codecs {
            frames = frames == null ? Map.of() : frames;
        }
    }

    /** One binary layout; see {@link FrameLayout}. */
    public record Frame(
            @NotBlank String contentType,
            String byteOrder,
            Map<String, String> tags,
            @NotNull java.util.List<FrameLayout.Field> fields) {
        public FrameLayout layout(String name) {
            return new FrameLayout(name, contentType, byteOrder, tags, fields);
        }
    }
}
