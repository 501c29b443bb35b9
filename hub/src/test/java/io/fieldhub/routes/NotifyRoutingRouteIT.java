package io.fieldhub.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fieldhub.notify.AlertFacts;
import io.fieldhub.notify.Delivery;
import io.fieldhub.notify.NotificationRouting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * routes/notify-routing.camel.yaml on a real config folder: saving the routing file puts it in force without a
 * restart; a broken save keeps the routing in force and names the line and the reason.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NotifyRoutingRouteIT {

    static final Duration DEADLINE = Duration.ofSeconds(20);
    static final String ROUTING = """
            people:
              ops: {email: ops@example.com}
              maria: {email: maria@example.com, phone: "+4915112345678"}
            rules:
              - channels: [email]
                to: [ops]
            """;
    static final AlertFacts CRITICAL =
            AlertFacts.of("RAISED", "CRITICAL", 0, "Engine overheat", "engine-1", null, null, null);

    @TempDir
    static Path config;

    static Path file;
    static NotificationRouting routing;
    static RouteHarness hub;

    @BeforeAll
    static void start() throws Exception {
        file = Files.writeString(config.resolve("notifications.yaml"), ROUTING);
        routing = new NotificationRouting(file, UnaryOperator.identity());
        hub = new RouteHarness()
                .property("hub.notify.watch", true)
                .property("hub.notify.watch-dir", config)
                .property("hub.notify.watch-file", "notifications.yaml")
                .bind("notificationRouting", routing)
                .routes("notify-routing.camel.yaml")
                .start();
    }

    @AfterAll
    static void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    @Order(1)
    void aSavedRoutingFileIsInForceWithoutARestart() throws Exception {
        assertThat(recipients()).containsExactly("email:ops");

        Files.writeString(file, ROUTING + """
                  - match: {severity: CRITICAL}
                    channels: [sms]
                    to: [maria]
                """);

        await().atMost(DEADLINE).until(() -> recipients().equals(List.of("email:ops", "sms:maria")));
        assertThat(routing.lastFailure()).isNull();
    }

    @Test
    @Order(2)
    void aBrokenSaveKeepsTheRoutingInForceAndNamesTheLine() throws Exception {
        Files.writeString(file, ROUTING + """
                  - match: {severity: CRITICAL}
                    channels: [sms]
                    to: [ops]
                """);

        await().atMost(DEADLINE).until(() -> routing.lastFailure() != null);
        assertThat(routing.lastFailure()).isEqualTo(file.toAbsolutePath() + " line 9: 'ops' has no phone for sms");
        assertThat(recipients()).containsExactly("email:ops", "sms:maria");
    }

    @Test
    @Order(3)
    void theFixedFileIsInForceAndTheFailureGone() throws Exception {
        Files.writeString(file, ROUTING);

        await().atMost(DEADLINE).until(() -> routing.lastFailure() == null);
        assertThat(recipients()).containsExactly("email:ops");
    }

    private static List<String> recipients() {
        return routing.current().deliveries(CRITICAL, false, Instant.now()).stream()
                .map((Delivery d) -> d.channel() + ":" + d.recipient())
                .toList();
    }
}
