package io.fieldhub.notify.sms;

import io.fieldhub.notify.channel.CircuitOverride;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Alert SMS over SMPP ({@code routes/notify-sms.camel.yaml}), under {@code hub.sms.*}; defaults and comments live
 * in {@code config/application.yaml}. Off until {@code host} is set (then {@code enabled} follows, as for email).
 * The hub binds to the SMSC as a transceiver: one session sends submit_sm and receives the delivery receipts.
 *
 * @param systemId      the ESME account at the SMSC
 * @param sourceAddress the sender shown on the phone: a number, or up to 11 letters
 * @param sourceTon     type of number of the sender: 5 alphanumeric, 1 international, 0 unknown
 * @param sourceNpi     numbering plan of the sender: 0 unknown, 1 E.164
 * @param batchSize     notifications claimed per poll
 * @param pollInterval  milliseconds between polls of the outbox that no wake-up started (new SMS go at once)
 * @param reconnectDelay milliseconds between attempts to bind again after the SMSC went away
 * @param circuit       this channel's exceptions to {@code hub.notify.circuit.*}, if any (read by the route)
 */
@Validated
@ConfigurationProperties("hub.sms")
public record SmsProperties(
        boolean enabled,
        String host,
        @Min(1) int port,
        @NotBlank String systemId,
        String password,
        @NotBlank String sourceAddress,
        @Min(0) @Max(6) int sourceTon,
        @Min(0) @Max(18) int sourceNpi,
        @Min(1) int batchSize,
        @Min(1) long pollInterval,
        @Min(1) long reconnectDelay,
        @Valid CircuitOverride circuit) {

    /**
     * SMPP 3.4 fields have fixed maximum lengths; a longer system id or password is cut or refused by the SMSC, and
     * every bind then fails. Checked here so the start fails with the fix instead (the password is not repeated).
     */
    public SmsProperties {
        if (systemId != null && systemId.length() > 15) {
            throw new IllegalArgumentException(
                    "hub.sms.system-id has more than the 15 characters SMPP 3.4 allows; use the account name the SMSC gave");
        }
        if (password != null && password.length() > 8) {
            throw new IllegalArgumentException(
                    "hub.sms.password has more than the 8 characters SMPP 3.4 allows, so the SMSC would refuse every"
                            + " bind; ask the SMSC for a password of at most 8 characters");
        }
    }
}
