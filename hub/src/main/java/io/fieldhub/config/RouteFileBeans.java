package io.fieldhub.config;

import io.fieldhub.routefiles.RouteFiles;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.apache.camel.CamelContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The route files in routes/, applied to the running hub when saved (route {@code routes-reload}). */
@Configuration(proxyBeanMethods = false)
class RouteFileBeans {

    @Bean
    RouteFiles routeFiles(CamelContext camel, HubProperties hub, Clock clock, MeterRegistry meters) {
        return new RouteFiles(camel, hub.homePath().resolve("routes"), clock, meters);
    }
}
