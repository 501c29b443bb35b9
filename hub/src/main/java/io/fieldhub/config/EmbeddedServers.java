package io.fieldhub.config;

import com.zaxxer.hikari.HikariDataSource;
import io.fieldhub.embedded.EmbeddedBroker;
import io.fieldhub.embedded.EmbeddedPostgresServer;
import io.fieldhub.embedded.EmbeddedS3Server;
import io.fieldhub.ingest.BrokerAuthenticator;
import io.fieldhub.ingest.BrokerExtension;
import io.fieldhub.ingest.BrokerIntake;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The laptop defaults: a real MQTT 5 broker, PostgreSQL and S3 server, in-process, keeping their data under
 * {@code hub.data-dir}. Each starts only when its external counterpart is not configured (see
 * {@link EmbeddedDefaults}) and stops after everything that uses it.
 */
@Configuration(proxyBeanMethods = false)
class EmbeddedServers {

    @Bean(initMethod = "start", destroyMethod = "close")
    @ConditionalOnProperty(name = "hub.mqtt.embedded", havingValue = "true")
    EmbeddedBroker embeddedBroker(HubProperties hub, ObjectProvider<BrokerIntake> intake,
                                  BrokerAuthenticator authenticator) {
        var broker = new EmbeddedBroker(hub.dataPath().resolve("broker"), hub.mqtt().bindAddress(), hub.mqtt().port(),
                true, BrokerExtension.of(authenticator, intake.getIfAvailable()));
        HubProperties.Tls tls = hub.mqtt().tls();
        if (tls.enabled()) {
            broker.withTls(BrokerTlsSettings.of(tls, hub.dataPath().resolve("tls")));
        }
        if (!hub.mqtt().plain()) {
            broker.withoutPlainListener();
        }
        return broker;
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    @ConditionalOnProperty(name = "hub.database.embedded", havingValue = "true")
    EmbeddedPostgresServer embeddedPostgres(HubProperties hub) {
        return new EmbeddedPostgresServer(hub.dataPath().resolve("postgres"), hub.database().port());
    }

    /** Replaces Boot's DataSource only so that it is created after the embedded server is up. */
    @Bean
    @ConditionalOnProperty(name = "hub.database.embedded", havingValue = "true")
    DataSource dataSource(EmbeddedPostgresServer postgres, DataSourceProperties properties) {
        return properties.initializeDataSourceBuilder().type(HikariDataSource.class).build();
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    @ConditionalOnProperty(name = "hub.s3.embedded", havingValue = "true")
    EmbeddedS3Server embeddedS3(HubProperties hub) {
        HubProperties.S3 s3 = hub.s3();
        return new EmbeddedS3Server(hub.dataPath().resolve("objects"), s3.bindAddress(), s3.port(), s3.accessKey(),
                s3.secretKey());
    }
}
