package io.fieldhub.security;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Who may call the API ({@code hub.security.*}; defaults and comments in {@code config/application.yaml}).
 *
 * @param localUsers  users kept in the hub's database, with HTTP Basic (the embedded default)
 * @param keycloak    Keycloak's address; when set, its access tokens are accepted as Bearer tokens
 * @param corsOrigins the browser origins allowed to call the API from another site; empty = same origin only
 */
@ConfigurationProperties("hub.security")
public record SecuritySettings(boolean localUsers, Keycloak keycloak, List<String> corsOrigins) {

    public SecuritySettings {
        keycloak = keycloak == null
                ? new Keycloak(null, "fieldhub", "fieldhub-api", null, Duration.ofSeconds(60))
                : keycloak;
        corsOrigins = corsOrigins == null ? List.of() : List.copyOf(corsOrigins);
    }

    /**
     * @param url       the base address the hub fetches signing keys from, e.g. {@code https://sso.example.com}
     * @param issuer    the {@code iss} tokens carry; {@code url/realms/realm} unless users reach Keycloak elsewhere
     * @param clockSkew how far past its expiry a token is still accepted (clocks differ)
     */
    public record Keycloak(String url, String realm, String audience, String issuer, Duration clockSkew) {

        public Keycloak {
            realm = realm == null || realm.isBlank() ? "fieldhub" : realm;
            audience = audience == null || audience.isBlank() ? "fieldhub-api" : audience;
            clockSkew = clockSkew == null ? Duration.ofSeconds(60) : clockSkew;
        }

        public boolean enabled() {
            return url != null && !url.isBlank();
        }

        String realmUrl() {
            return url.replaceAll("/+$", "") + "/realms/" + realm;
        }

        String expectedIssuer() {
            return issuer == null || issuer.isBlank() ? realmUrl() : issuer;
        }

        String jwkSetUri() {
            return realmUrl() + "/protocol/openid-connect/certs";
        }
    }
}
