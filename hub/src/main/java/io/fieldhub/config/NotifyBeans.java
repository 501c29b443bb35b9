package io.fieldhub.config;

import io.fieldhub.notify.NotificationDigests;
import io.fieldhub.notify.NotificationFanOut;
import io.fieldhub.notify.NotificationOutbox;
import io.fieldhub.notify.NotificationRouting;
import io.fieldhub.notify.NotifySettings;
import io.fieldhub.notify.RoutingException;
import io.fieldhub.notify.Wakeups;
import java.nio.file.Path;
import java.time.Clock;
import org.apache.camel.CamelContext;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The notification beans the {@code notify-*} routes call: the routing from {@code config/notifications.yaml}, the
 * fan-out of alert transitions into notifications, the digests, the outbox the channels send from, and the wake-ups
 * that run those routes as soon as they have work.
 */
@Configuration(proxyBeanMethods = false)
class NotifyBeans {

    /**
     * Reads the routing file before any route runs: a broken file stops the start, naming file, line and reason.
     * Its values may use {@code ${...}} placeholders, resolved from the hub's settings and the environment.
     */
    @Bean
    NotificationRouting notificationRouting(NotifySettings settings, Environment env) {
        try {
            return new NotificationRouting(Path.of(settings.routingFile()), env::resolveRequiredPlaceholders);
        } catch (RoutingException e) {
            throw new IllegalStateException(
                    "The notification routing file cannot be used, so the hub cannot start: " + e.getMessage()
                            + "\nFix the file and restart.",
                    e);
        }
    }

    @Bean
    NotificationOutbox notificationOutbox(
            JdbcClient jdbc,
            TransactionTemplate tx,
            @Value("${hub.public-url}") String publicUrl,
            NotifySettings settings) {
        return new NotificationOutbox(jdbc, tx, publicUrl, settings.lease());
    }

    @Bean
    Wakeups wakeups(CamelContext camel) {
        return new Wakeups(camel);
    }

    @Bean
    NotificationFanOut notificationFanOut(
            JdbcTemplate jdbc,
            TransactionTemplate tx,
            NotificationRouting routing,
            Clock clock,
            NotifySettings settings,
            Wakeups wakeups) {
        return new NotificationFanOut(jdbc, tx, routing, clock, settings.batchSize(), wakeups::channel);
    }

    @Bean
    NotificationDigests notificationDigests(
            JdbcTemplate jdbc, TransactionTemplate tx, NotificationRouting routing, Clock clock, Wakeups wakeups) {
        return new NotificationDigests(jdbc, tx, routing, clock, wakeups::channel);
    }
}
