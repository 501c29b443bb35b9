package io.fieldhub.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.alert.AlertLifecycle;
import io.fieldhub.archive.ArchiveWriter;
import io.fieldhub.codec.Codecs;
import io.fieldhub.deadletter.DeadLetters;
import io.fieldhub.device.LastSeen;
import io.fieldhub.failure.StoreFailures;
import io.fieldhub.ingest.Ingest;
import io.fieldhub.notify.Wakeups;
import io.fieldhub.process.DeviceLanes;
import io.fieldhub.process.TelemetryDecoder;
import io.fieldhub.process.TelemetryValidator;
import io.fieldhub.store.WarmStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import software.amazon.awssdk.services.s3.S3Client;

/** The named beans the routes in {@code routes/} call, each built from its typed settings. */
@Configuration(proxyBeanMethods = false)
class FlowBeans {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    Ingest ingest(Clock clock) {
        return new Ingest(clock);
    }

    @Bean
    TelemetryDecoder telemetryDecoder(HubProperties hub, ObjectMapper mapper) {
        var layouts = hub.codecs().frames().entrySet().stream()
                .map(e -> e.getValue().layout(e.getKey()))
                .toList();
        return new TelemetryDecoder(new Codecs(mapper, layouts), hub.ingest().maxPayloadBytes());
    }

    @Bean(destroyMethod = "stopLanes")
    DeviceLanes deviceLanes(@Value("${hub.process.lanes}") int lanes, @Value("${hub.process.lane-queue}") int queue) {
        return new DeviceLanes(lanes > 0 ? lanes : Runtime.getRuntime().availableProcessors(), queue);
    }

    @Bean
    TelemetryValidator telemetryValidator(HubProperties hub, Clock clock) {
        HubProperties.Ingest ingest = hub.ingest();
        return new TelemetryValidator(ingest.maxMetrics(), ingest.maxFutureSkew(), ingest.maxAge(), clock);
    }

    /** New transitions wake the notification fan-out once they commit. */
    @Bean
    AlertLifecycle alertLifecycle(
            JdbcTemplate jdbc,
            TransactionTemplate tx,
            HubProperties hub,
            Clock clock,
            MeterRegistry meters,
            Wakeups wakeups) {
        HubProperties.Alerts alerts = hub.alerts();
        var settings = new AlertLifecycle.Settings(alerts.clearAfter(), alerts.escalateAfter(), alerts.maxTier());
        return new AlertLifecycle(jdbc, tx, settings, clock, meters, wakeups::fanOut);
    }

    @Bean(destroyMethod = "drainAndStop")
    WarmStore warmStore(
            JdbcTemplate jdbc,
            TransactionTemplate tx,
            ObjectMapper mapper,
            AlertLifecycle alertLifecycle,
            HubProperties hub,
            MeterRegistry meters,
            LastSeen lastSeen,
            StoreFailures storeFailures) {
        var store = new WarmStore(
                jdbc,
                tx,
                mapper,
                alertLifecycle,
                hub.store().batchSize(),
                hub.store().linger(),
                meters);
        store.onStored(fresh -> {
            lastSeen.saw(fresh);
            storeFailures.stored();
        });
        return store;
    }

    @Bean
    DeadLetters deadLetters(JdbcTemplate jdbc, MeterRegistry meters, HubProperties hub) {
        return new DeadLetters(jdbc, meters, hub.ingest().deadLetterPayloadBytes());
    }

    /**
     * Flushes every waiting row on shutdown. Camel stops first and waits for in-flight messages, which includes
     * the warm store's last batch, so this sees every stored row.
     */
    @Bean(destroyMethod = "flushAll")
    ArchiveWriter archiveWriter(
            JdbcTemplate jdbc,
            TransactionTemplate tx,
            S3Client s3,
            ObjectMapper mapper,
            HubProperties hub,
            Clock clock) {
        var settings = new ArchiveWriter.Settings(
                hub.s3().bucket(),
                hub.instanceId(),
                hub.archive().maxRecords(),
                hub.archive().maxAge());
        return new ArchiveWriter(jdbc, tx, s3, mapper, settings, clock);
    }
}
