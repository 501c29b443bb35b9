package io.fieldhub.notify.crm;

import io.fieldhub.notify.channel.CircuitOverride;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Salesforce cases for alerts ({@code routes/notify-crm.camel.yaml}), under {@code hub.crm.*}; defaults and
 * comments live in {@code config/application.yaml}. Off until {@code enabled}; when on, the settings of the chosen
 * OAuth flow must be there, or the hub refuses to start and names the missing one.
 *
 * @param loginUrl         where the hub gets its OAuth token: {@code https://login.salesforce.com},
 *                         {@code https://test.salesforce.com} for a sandbox, or the org's My Domain
 * @param instanceUrl      the org's REST address; empty: the one the token response names
 * @param apiVersion       the REST API version, e.g. {@code 62.0}
 * @param auth             {@code JWT} (JWT bearer: client id, username, keystore) or {@code CLIENT_CREDENTIALS}
 *                         (client id and secret)
 * @param keystore         JWT: the PKCS12 or JKS keystore holding the one private key whose certificate the Connected
 *                         App has, as a Camel resource ({@code file:/etc/fieldhub/salesforce.p12})
 * @param jwtAudience      JWT: the {@code aud} claim; empty: the login URL
 * @param externalIdField  the Case field (Text, Unique, External ID) holding the alert id: upserts go by it
 * @param externalIdPrefix put before the alert id, so hubs that share an org do not share cases
 * @param openStatus       a raised alert's case status
 * @param closedStatus     a cleared alert's case status
 * @param priorities       case Priority by alert severity; a severity not listed sends none (the org's default)
 * @param origin           the case's Origin picklist value; empty sends none
 * @param timeout          connect and request timeout of each call to Salesforce
 * @param batchSize        notifications claimed per poll
 * @param pollInterval     time between polls of the outbox that no wake-up started (new cases go at once)
 * @param circuit          this channel's exceptions to {@code hub.notify.circuit.*}, if any (read by the route)
 */
@Validated
@ConfigurationProperties("hub.crm")
public record CrmProperties(
        boolean enabled,
        @NotBlank String loginUrl,
        String instanceUrl,
        @NotBlank @Pattern(regexp = "\\d+\\.\\d+") String apiVersion,
        @NotNull Auth auth,
        String clientId,
        String clientSecret,
        String username,
        String keystore,
        String keystorePassword,
        String keystoreType,
        String jwtAudience,
        @NotBlank @Pattern(regexp = "\\w+") String externalIdField,
        String externalIdPrefix,
        @NotBlank String openStatus,
        @NotBlank String closedStatus,
        Map<String, String> priorities,
        String origin,
        @NotNull Duration timeout,
        @Min(1) int batchSize,
        @NotNull Duration pollInterval,
        @Valid CircuitOverride circuit) {

    public CrmProperties {
        priorities = priorities == null ? Map.of() : Map.copyOf(priorities);
        externalIdPrefix = externalIdPrefix == null ? "" : externalIdPrefix;
    }

    /** The OAuth 2.0 flows a server-to-server integration uses: no user types a password. */
    public enum Auth {
        JWT,
        CLIENT_CREDENTIALS
    }

    @AssertTrue(
            message = "hub.crm.enabled needs hub.crm.client-id, and for auth JWT hub.crm.username and "
                    + "hub.crm.keystore (+ keystore-password), for auth CLIENT_CREDENTIALS hub.crm.client-secret")
    boolean isCredentialsComplete() {
        if (!enabled) {
            return true;
        }
        if (blank(clientId)) {
            return false;
        }
        return auth == Auth.JWT
                ? !blank(username) && !blank(keystore) && !blank(keystorePassword)
                : !blank(clientSecret);
    }

    /** The external-id value of an alert's case. */
    public String externalId(long alertId) {
        return externalIdPrefix + alertId;
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
