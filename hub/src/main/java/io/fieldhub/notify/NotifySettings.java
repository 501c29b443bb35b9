package io.fieldhub.notify;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
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
 * @param circuit        every channel's circuit breaker, unless the channel overrides a key under
 *                       {@code hub.<channel>.circuit.*} (read by the routes)
 */
@Validated
@ConfigurationProperties("hub.notify")
public record NotifySettings(
        @NotBlank String routingFile,
        boolean watch,
        @NotNull Duration fanoutInterval,
        @Min(1) int batchSize,
        @NotNull Duration lease,
        @NotNull Duration digestCheck,
        @Valid @NotNull Circuit circuit) {

    /**
     * A channel's circuit breaker (resilience4j): it opens when {@code failureRate} percent of the last
     * {@code window} calls (at least {@code minCalls}) failed, stays open {@code openSeconds}, then lets
     * {@code halfOpenCalls} calls through to decide whether to close again.
     */
    public record Circuit(
            @Min(1) @Max(100) int failureRate,
            @Min(1) int window,
            @Min(1) int minCalls,
            @Min(1) int openSeconds,
            @Min(1) int halfOpenCalls) {}
}
