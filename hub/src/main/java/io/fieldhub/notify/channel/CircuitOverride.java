package io.fieldhub.notify.channel;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * One channel's exceptions to the shared circuit breaker settings ({@code hub.notify.circuit.*}), under
 * {@code hub.<channel>.circuit.*}: a key left unset takes the shared value. The channel routes read them, key by key,
 * through the notify-channel route template.
 */
public record CircuitOverride(
        @Min(1) @Max(100) Integer failureRate,
        @Min(1) Integer window,
        @Min(1) Integer minCalls,
        @Min(1) Integer openSeconds,
        @Min(1) Integer halfOpenCalls) {}
