package io.fieldhub.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.api.ApiDocs;
import io.fieldhub.config.HubProperties;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.expression.method.DefaultMethodSecurityExpressionHandler;
import org.springframework.security.access.expression.method.MethodSecurityExpressionHandler;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;

/**
 * Who may call what (docs/security.md). Every {@code /api} call carries a user: a Keycloak access token (Bearer)
 * when {@code hub.security.keycloak.url} is set, and a local user with HTTP Basic when
 * {@code hub.security.local-users} is on. Each endpoint names its role with {@code @PreAuthorize} ({@link Roles}).
 * Device ingest is the one exception: devices prove who they are themselves (docs/devices.md).
 *
 * <p>No cookie session exists (stateless), so there is no CSRF token; instead a browser request from another
 * origin is refused unless that origin is listed in {@code hub.security.cors-origins}, which also stops a page
 * elsewhere from riding on Basic credentials a browser remembers.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
@EnableMethodSecurity
@EnableConfigurationProperties(SecuritySettings.class)
class ApiSecurity {

    @Bean
    static RoleHierarchy roleHierarchy() {
        return RoleHierarchyImpl.fromHierarchy(Roles.HIERARCHY);
    }

    @Bean
    static MethodSecurityExpressionHandler methodSecurityExpressionHandler(RoleHierarchy roles) {
        DefaultMethodSecurityExpressionHandler handler = new DefaultMethodSecurityExpressionHandler();
        handler.setRoleHierarchy(roles);
        return handler;
    }

    @Bean
    LocalUsers localUsers(JdbcClient jdbc, PasswordEncoder encoder) {
        return new LocalUsers(jdbc, encoder);
    }

    @Bean(initMethod = "createOnFirstStart")
    FirstAdmin firstAdmin(LocalUsers users, HubProperties hub, SecuritySettings settings) {
        return new FirstAdmin(users, hub.dataPath().resolve("admin-password"), settings.localUsers());
    }

    /** Devices (and gateways) posting telemetry authenticate in the controller, with their own credentials. */
    @Bean
    @Order(1)
    SecurityFilterChain deviceIngest(HttpSecurity http) throws Exception {
        var ingest = ApiDocs.DEVICE_INGESTS.stream()
                .map(path -> (RequestMatcher)
                        PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, path))
                .toList();
        return stateless(http.securityMatcher(new OrRequestMatcher(ingest)))
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain api(
            HttpSecurity http, SecuritySettings settings, LocalUsers users, PasswordEncoder hashes, ObjectMapper json)
            throws Exception {
        AuthenticationEntryPoint signIn = signIn(settings, json);
        stateless(http)
                .authorizeHttpRequests(requests -> requests.requestMatchers(
                                "/actuator/health", "/actuator/health/*", "/actuator/info", "/error")
                        .permitAll()
                        .requestMatchers(
                                "/v3/api-docs",
                                "/v3/api-docs.yaml",
                                "/v3/api-docs/**",
                                "/swagger-ui.html",
                                "/swagger-ui/**")
                        .permitAll()
                        .requestMatchers("/actuator/prometheus")
                        .hasRole(Roles.VIEWER)
                        .requestMatchers("/actuator/**")
                        .hasRole(Roles.ADMIN)
                        .requestMatchers("/api/**")
                        .authenticated()
                        .anyRequest()
                        .denyAll())
                .cors(cors -> cors.configurationSource(origins(settings.corsOrigins())))
                .exceptionHandling(
                        errors -> errors.authenticationEntryPoint(signIn).accessDeniedHandler(denied(json)));
        if (settings.localUsers()) {
            // a password checked once against its bcrypt hash is remembered for a while: Basic sends it every call
            DaoAuthenticationProvider passwords = new DaoAuthenticationProvider(users);
            passwords.setPasswordEncoder(new RememberedPasswords(hashes, Duration.ofMinutes(10)));
            http.authenticationProvider(passwords).httpBasic(basic -> basic.authenticationEntryPoint(signIn));
        }
        if (settings.keycloak().enabled()) {
            http.oauth2ResourceServer(oauth -> oauth.authenticationEntryPoint(signIn)
                    .jwt(jwt -> jwt.decoder(KeycloakTokens.decoder(settings.keycloak()))
                            .jwtAuthenticationConverter(KeycloakTokens.authentication())));
        }
        return http.build();
    }

    private static HttpSecurity stateless(HttpSecurity http) throws Exception {
        return http.csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable());
    }

    /** Requests without an Origin, or from the hub's own origin, pass; other origins only when configured. */
    private static CorsConfigurationSource origins(List<String> allowed) {
        CorsConfiguration cors = new CorsConfiguration();
        cors.setAllowedOrigins(allowed);
        cors.setAllowedMethods(List.of("GET", "POST", "PUT", "DELETE"));
        cors.setAllowedHeaders(List.of("Authorization", "Content-Type", "Message-Id"));
        cors.setMaxAge(3600L);
        return request -> cors;
    }

    /** 401 with the ways to sign in this hub accepts, and why the credentials given were not good. */
    private static AuthenticationEntryPoint signIn(SecuritySettings settings, ObjectMapper json) {
        List<String> challenges = new ArrayList<>();
        List<String> ways = new ArrayList<>();
        if (settings.keycloak().enabled()) {
            challenges.add("Bearer realm=\"FieldHub\"");
            ways.add("a Keycloak access token (Authorization: Bearer ...)");
        }
        if (settings.localUsers()) {
            challenges.add("Basic realm=\"FieldHub\", charset=\"UTF-8\"");
            ways.add("a local user with HTTP Basic (curl -u admin:$(cat data/admin-password))");
        }
        String how = "sign in with " + String.join(" or ", ways);
        return (request, response, e) -> {
            challenges.forEach(c -> response.addHeader("WWW-Authenticate", c));
            String why = request.getHeader("Authorization") == null ? "no credentials" : e.getMessage();
            write(response, HttpServletResponse.SC_UNAUTHORIZED, json, why + ": " + how);
        };
    }

    private static AccessDeniedHandler denied(ObjectMapper json) {
        return (request, response, e) -> {
            Authentication user = SecurityContextHolder.getContext().getAuthentication();
            List<String> roles = user.getAuthorities().stream()
                    .map(a -> a.getAuthority().replaceFirst("^ROLE_", ""))
                    .toList();
            write(
                    response,
                    HttpServletResponse.SC_FORBIDDEN,
                    json,
                    user.getName() + " (roles " + roles + ") may not " + request.getMethod() + " "
                            + request.getRequestURI() + ": ask an admin for the role it needs (docs/security.md)");
        };
    }

    private static void write(HttpServletResponse response, int status, ObjectMapper json, String message)
            throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        json.writeValue(response.getOutputStream(), Map.of("error", message));
    }
}
