package io.fieldhub.config;

import io.fieldhub.alert.AlertLifecycle;
import io.fieldhub.failure.HubAlert;
import io.fieldhub.failure.JobFailures;
import io.fieldhub.failure.StoreFailures;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What the shared error handling calls on a permanent failure (routes/errors.camel.yaml). */
@Configuration(proxyBeanMethods = false)
class FailureBeans {

    @Bean
    StoreFailures storeFailures(
            AlertLifecycle alertLifecycle,
            Clock clock,
            MeterRegistry meters,
            @Value("${spring.datasource.username:}") String dbUser) {
        return new StoreFailures(new HubAlert(alertLifecycle, clock), meters, clock, dbUser);
    }

    @Bean
    JobFailures jobFailures(
            AlertLifecycle alertLifecycle,
            Clock clock,
            MeterRegistry meters,
            @Value("${spring.datasource.username:}") String dbUser) {
        return new JobFailures(new HubAlert(alertLifecycle, clock), meters, clock, dbUser);
    }
}
