package io.fieldhub.config;

import com.zaxxer.hikari.HikariDataSource;
import io.fieldhub.embedded.EmbeddedBroker;
import io.fieldhub.embedded.EmbeddedPostgresServer;
import io.fieldhub.embedded.EmbeddedS3Server;
import io.fieldhub.embedded.Supervisor;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.MeterBinder;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The laptop defaults: a real MQTT 5 broker, PostgreSQL and S3 server, in-process, keeping their data under
 * {@code hub.data-dir}. Each starts only when its external counterpart is not configured (see
 * {@link EmbeddedDefaults}), on a thread of its own ({@link ParallelStart}), and stops after everything that uses it.
 */
@Configuration(proxyBeanMethods = false)
class EmbeddedServers {

    @Bean
    @ConditionalOnProperty(name = "hub.database.embedded", havingValue = "true")
    EmbeddedPostgresServer embeddedPostgres(StartupTasks tasks) {
        return tasks.await(ParallelStart.POSTGRES, EmbeddedPostgresServer.class);
    }

    /** Replaces Boot's DataSource only so that it is created after the embedded server is up. */
    @Bean
    @ConditionalOnProperty(name = "hub.database.embedded", havingValue = "true")
    DataSource dataSource(EmbeddedPostgresServer postgres, DataSourceProperties properties) {
        return properties
                .initializeDataSourceBuilder()
                .type(HikariDataSource.class)
                .build();
    }

    /**
     * Restarts an embedded server when it dies (docs/operations.md#embedded-servers-restart-themselves); each
     * supervisor is closed before its server, since Spring destroys a bean before the beans it depends on.
     */
    @Bean
    @ConditionalOnProperty(name = "hub.database.embedded", havingValue = "true")
    Supervisor postgresSupervisor(EmbeddedPostgresServer postgres) {
        return new Supervisor("PostgreSQL", postgres);
    }

    @Bean
    MeterBinder embeddedRestarts(ObjectProvider<Supervisor> supervisors) {
        return registry -> supervisors
                .orderedStream()
                .forEach(supervisor -> FunctionCounter.builder(
                                "fieldhub.embedded.restarts",
                                supervisor,
                                s -> s.status().restarts())
                        .description("times an embedded server that died was started again")
                        .tag("server", supervisor.name())
                        .register(registry));
    }

    @Bean
    @ConditionalOnProperty(name = "hub.s3.embedded", havingValue = "true")
    EmbeddedS3Server embeddedS3(StartupTasks tasks) {
        return tasks.await(ParallelStart.S3, EmbeddedS3Server.class);
    }

    @Bean
    @ConditionalOnProperty(name = "hub.mqtt.embedded", havingValue = "true")
    EmbeddedBroker embeddedBroker(StartupTasks tasks) {
        return tasks.await(ParallelStart.BROKER, EmbeddedBroker.class);
    }

    @Bean
    @ConditionalOnProperty(name = "hub.s3.embedded", havingValue = "true")
    Supervisor s3Supervisor(EmbeddedS3Server s3) {
        return new Supervisor("S3", s3);
    }

    @Bean
    @ConditionalOnProperty(name = "hub.mqtt.embedded", havingValue = "true")
    Supervisor brokerSupervisor(EmbeddedBroker broker) {
        return new Supervisor("MQTT broker", broker);
    }

    /** Every server and the rules are up before the context is refreshed, and so before Camel starts its routes. */
    @Bean
    SmartInitializingSingleton startupDone(StartupTasks tasks) {
        return tasks::awaitAll;
    }
}
