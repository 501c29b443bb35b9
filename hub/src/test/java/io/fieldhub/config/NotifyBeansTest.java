package io.fieldhub.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldhub.notify.AlertFacts;
import io.fieldhub.notify.Delivery;
import io.fieldhub.notify.NotificationRouting;
import io.fieldhub.notify.NotifySettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The notification wiring: the hub reads config/notifications.yaml as it starts, resolving placeholders from its
 * settings, and does not start with a broken one, naming the file, the line and the reason.
 */
class NotifyBeansTest {

    @EnableConfigurationProperties(NotifySettings.class)
    static class Settings {}

    /** Never connected to: the beans only keep it. */
    final DataSource nowhere = new DriverManagerDataSource("jdbc:postgresql://localhost:1/none");

    final ApplicationContextRunner hub = new ApplicationContextRunner()
            .withUserConfiguration(Settings.class, NotifyBeans.class)
            .withBean(JdbcTemplate.class, () -> new JdbcTemplate(nowhere))
            .withBean(JdbcClient.class, () -> JdbcClient.create(nowhere))
            .withBean(
                    TransactionTemplate.class, () -> new TransactionTemplate(new DataSourceTransactionManager(nowhere)))
            .withBean(Clock.class, Clock::systemUTC)
            .withBean(CamelContext.class, DefaultCamelContext::new)
            .withPropertyValues(
                    "hub.public-url=http://localhost:8080",
                    "hub.notify.watch=true",
                    "hub.notify.fanout-interval=500ms",
                    "hub.notify.batch-size=100",
                    "hub.notify.lease=1m",
                    "hub.notify.digest-check=10s",
                    "hub.notify.circuit.failure-rate=50",
                    "hub.notify.circuit.window=10",
                    "hub.notify.circuit.min-calls=5",
                    "hub.notify.circuit.open-seconds=30",
                    "hub.notify.circuit.half-open-calls=1");

    @Test
    void theShippedRoutingFileIsInForceWithHubMailToAsTheControlRoomsAddress() {
        hub.withPropertyValues(
                        "hub.notify.routing-file=../config/notifications.yaml", "hub.mail.to=control@plant.example.com")
                .run(context -> {
                    assertThat(context)
                            .hasNotFailed()
                            .hasBean("notificationRouting")
                            .hasBean("notificationOutbox")
                            .hasBean("notificationFanOut")
                            .hasBean("notificationDigests");
                    var raised = AlertFacts.of("RAISED", "WARNING", 0, "Engine overheat", "engine-1", null, null, null);
                    assertThat(context.getBean(NotificationRouting.class)
                                    .current()
                                    .deliveries(raised, false, Instant.now()))
                            .extracting(Delivery::address)
                            .containsExactly("control@plant.example.com");
                });
    }

    @Test
    void aBrokenRoutingFileStopsTheStartNamingFileLineAndReason(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("notifications.yaml"), """
                people:
                  maria: {phone: "0151 1234567"}
                rules: []
                """);

        hub.withPropertyValues("hub.notify.routing-file=" + file).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure())
                    .rootCause()
                    .hasMessageContaining(file + " line 2: phone" + " '0151 1234567' of 'maria' is not E.164");
            assertThat(context.getStartupFailure())
                    .hasMessageContaining("the hub cannot start")
                    .hasMessageContaining("Fix the file and restart");
        });
    }

    @Test
    void theRoutingFilesFolderAndNameAreWhatTheReloadRouteWatches() {
        var env = new StandardEnvironment();
        env.getPropertySources()
                .addFirst(new MapPropertySource(
                        "test",
                        Map.of(
                                "hub.home",
                                "/srv/fieldhub",
                                "hub.notify.routing-file",
                                "${hub.home}/config/../etc/routing.yaml")));

        new NotifyDefaults().postProcessEnvironment(env, null);

        assertThat(env.getProperty("hub.notify.watch-dir")).isEqualTo("/srv/fieldhub/etc");
        assertThat(env.getProperty("hub.notify.watch-file")).isEqualTo("routing.yaml");
    }
}
