package io.fieldhub.notify;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Notification settings, under {@code hub.notify.*}; defaults and comments live in {@code config/application.yaml}.
 * Who gets what is not here but in the routing file.
 *
 * @param routingFile    the routing file: recipients, rules, escalation tiers, quiet hours, rate limits
 * @param watch          reload the routing file when it changes (a broken change keeps the routing in force)
 * @param fanoutInterval how often the {@code notify-fanout} route looks for alert transitions no wake-up announced
 *                       (a new transition wakes it at once)
 * @param batchSize      at most this many transitions per fan-out transaction, and notifications per channel claim
 * @param lease          how long a channel has to send a notification it claimed before it is claimed again
 * @param digestCheck    how often the {@code notify-digest} route looks for rate-limit windows that have ended
 */
@Validated
@ConfigurationProperties("hub.notify")
public record NotifySettings(@NotBlank String routingFile, boolean watch, @NotNull Duration fanoutInterval,
                             @Min(1) int batchSize, @NotNull Duration lease, @NotNull Duration digestCheck) {
}
