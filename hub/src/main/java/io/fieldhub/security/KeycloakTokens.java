package io.fieldhub.security;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.springframework.cache.concurrent.ConcurrentMapCache;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Keycloak access tokens: signed by the realm's keys (RS256), issued by the realm, for the API's audience, not
 * expired. Roles are the realm roles ({@code realm_access.roles}); the user is {@code preferred_username}.
 */
final class KeycloakTokens {

    private KeycloakTokens() {}

    /**
     * Fetches the realm's signing keys on first use, not at start, so the hub starts while Keycloak is down. The
     * keys are then kept: tokens already issued go on working while Keycloak is away. A token signed with a key not
     * seen yet (Keycloak rotated its keys) makes the decoder fetch the key set again.
     */
    static JwtDecoder decoder(SecuritySettings.Keycloak keycloak) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(keycloak.jwkSetUri())
                .cache(new ConcurrentMapCache("keycloak-signing-keys"))
                .build();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                new JwtTimestampValidator(keycloak.clockSkew()),
                new JwtIssuerValidator(keycloak.expectedIssuer()),
                audience(keycloak.audience())));
        return decoder;
    }

    static Converter<Jwt, AbstractAuthenticationToken> authentication() {
        return jwt -> new JwtAuthenticationToken(jwt, roles(jwt), username(jwt));
    }

    private static OAuth2TokenValidator<Jwt> audience(String audience) {
        OAuth2Error wrong = new OAuth2Error(
                "invalid_token", "the token is not meant for this API (its aud lacks " + audience + ")", null);
        return jwt -> jwt.getAudience() != null && jwt.getAudience().contains(audience)
                ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(wrong);
    }

    private static Collection<GrantedAuthority> roles(Jwt jwt) {
        Map<String, Object> realmAccess = jwt.getClaimAsMap("realm_access");
        Object roles = realmAccess == null ? null : realmAccess.get("roles");
        if (!(roles instanceof List<?> names)) {
            return List.of();
        }
        return names.stream()
                .map(role -> (GrantedAuthority) new SimpleGrantedAuthority("ROLE_" + role))
                .toList();
    }

    private static String username(Jwt jwt) {
        String name = jwt.getClaimAsString("preferred_username");
        return name == null || name.isBlank() ? jwt.getSubject() : name;
    }
}
