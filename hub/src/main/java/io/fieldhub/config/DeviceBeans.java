package io.fieldhub.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.alert.AlertLifecycle;
import io.fieldhub.device.DemoFleet;
import io.fieldhub.device.DeviceImport;
import io.fieldhub.device.DeviceRegistry;
import io.fieldhub.device.DeviceRetirement;
import io.fieldhub.device.LastSeen;
import io.fieldhub.device.auth.DeviceAuthenticator;
import io.fieldhub.device.credential.DeviceCredentials;
import io.fieldhub.device.enroll.EnrollmentGroups;
import io.fieldhub.ingest.BrokerAuthenticator;
import io.fieldhub.rules.RuleEngine;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/** Device identity: the registry, credentials, enrollment groups and the authentication every device goes through. */
@Configuration(proxyBeanMethods = false)
class DeviceBeans {

    @Bean
    DeviceRegistry deviceRegistry(JdbcClient jdbc, ObjectMapper mapper, ApplicationEventPublisher events) {
        return new DeviceRegistry(jdbc, mapper, events);
    }

    @Bean
    DeviceImport deviceImport(JdbcClient jdbc, DeviceRegistry registry, ObjectMapper mapper) {
        return new DeviceImport(jdbc, registry, mapper);
    }

    /** Hashes carry their algorithm ({@code {bcrypt}...}), so a later one can take over without a migration. */
    @Bean
    PasswordEncoder deviceSecretEncoder(HubProperties hub) {
        return new DelegatingPasswordEncoder(
                "bcrypt",
                Map.of("bcrypt", new BCryptPasswordEncoder(hub.devices().bcryptStrength())));
    }

    @Bean
    DeviceCredentials deviceCredentials(JdbcClient jdbc, PasswordEncoder encoder, ApplicationEventPublisher events) {
        return new DeviceCredentials(jdbc, encoder, events);
    }

    @Bean
    EnrollmentGroups enrollmentGroups(JdbcClient jdbc, DeviceRegistry registry) {
        return new EnrollmentGroups(jdbc, registry);
    }

    @Bean
    DeviceAuthenticator deviceAuthenticator(
            JdbcClient jdbc,
            PasswordEncoder encoder,
            EnrollmentGroups groups,
            DeviceRegistry registry,
            HubProperties hub,
            MeterRegistry meters,
            ObjectProvider<BrokerAuthenticator> broker) {
        var authenticator = new DeviceAuthenticator(
                jdbc, encoder, groups, registry, hub.devices().autoRegister(), meters);
        // the embedded broker started before the registry existed; its CONNECTs may go through from here on
        broker.ifAvailable(b -> b.ready(authenticator));
        return authenticator;
    }

    @Bean
    DeviceRetirement deviceRetirement(RuleEngine rules, AlertLifecycle alerts) {
        return new DeviceRetirement(rules, alerts);
    }

    @Bean(destroyMethod = "close")
    LastSeen lastSeen(DeviceRegistry registry, HubProperties hub) {
        return new LastSeen(registry, hub.devices().lastSeenInterval().toMillis());
    }

    @Bean(initMethod = "createOnFirstStart")
    @ConditionalOnProperty(name = "hub.devices.demo-fleet", havingValue = "true")
    DemoFleet demoFleet(DeviceRegistry registry, DeviceCredentials credentials, HubProperties hub) {
        return new DemoFleet(registry, credentials, hub.dataPath().resolve("demo-fleet.csv"));
    }
}
