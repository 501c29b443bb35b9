package io.fieldhub.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.lang.reflect.Method;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.security.access.prepost.PreAuthorize;

/**
 * The REST API's OpenAPI document ({@code /v3/api-docs}, Swagger UI at {@code /swagger-ui.html}). The role each
 * operation needs is read from its {@code @PreAuthorize} (on the method, else on the class), the one place it is
 * written, and shown as "Role: ..." and as {@value #REQUIRED_ROLE}.
 */
@Configuration(proxyBeanMethods = false)
public class ApiDocs {

    public static final String REQUIRED_ROLE = "x-required-role";
    public static final String LOCAL_USERS = "basicAuth";
    public static final String KEYCLOAK = "bearerAuth";
    public static final String DEVICES = "deviceBasic";

    /** The one endpoint a device calls, not a user: it authenticates the device itself (ApiSecurity, ingest). */
    public static final String DEVICE_INGEST = "/api/devices/{deviceId}/telemetry";
    /** A gateway's batch for the devices behind it (docs/devices.md#gateways); the gateway is a device too. */
    public static final String GATEWAY_INGEST = "/api/gateways/{gatewayId}/telemetry";
    /** Every endpoint devices call. */
    public static final List<String> DEVICE_INGESTS = List.of(DEVICE_INGEST, GATEWAY_INGEST);

    private static final Pattern HAS_ROLE = Pattern.compile("^hasRole\\('([^']+)'\\)$");

    @Bean
    OpenAPI fieldHubApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("FieldHub API")
                        .version("v1")
                        .description("Devices, telemetry, alerts, rules and users of a FieldHub. Each operation names "
                                + "the role it needs; a role includes viewer, and admin includes every role. Sign-in "
                                + "and roles: docs/security.md; devices and ingest: docs/devices.md; rules: "
                                + "docs/rules.md; notifications: docs/notifications.md."))
                .components(new Components()
                        .addSecuritySchemes(
                                LOCAL_USERS,
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("basic")
                                        .description("A local user (hub.security.local-users); the first admin's "
                                                + "password is in data/admin-password."))
                        .addSecuritySchemes(
                                KEYCLOAK,
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .bearerFormat("JWT")
                                        .description("A Keycloak access token (hub.security.keycloak.url); realm "
                                                + "roles are the hub's roles."))
                        .addSecuritySchemes(
                                DEVICES,
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("basic")
                                        .description("A device: its id as user, one of its secrets or its "
                                                + "enrollment group's derived key as password.")));
    }

    /** Role and user sign-in on every operation that has a {@code @PreAuthorize}; nothing on one that has none. */
    @Bean
    OperationCustomizer requiredRoleFromPreAuthorize() {
        return (operation, handler) -> {
            String expression = preAuthorize(handler.getMethod(), handler.getBeanType());
            if (expression != null) {
                String role = role(expression);
                operation.addExtension(REQUIRED_ROLE, role);
                operation.setDescription((operation.getDescription() == null ? "" : operation.getDescription() + "\n\n")
                        + "Role: " + role);
                operation.setSecurity(List.of(
                        new SecurityRequirement().addList(LOCAL_USERS), new SecurityRequirement().addList(KEYCLOAK)));
                if (operation.getResponses() != null) {
                    operation
                            .getResponses()
                            .addApiResponse("401", new ApiResponse().description("Not signed in"))
                            .addApiResponse("403", new ApiResponse().description("Signed in without the role " + role));
                }
            }
            return operation;
        };
    }

    @Bean
    OpenApiCustomizer deviceIngestSignIn() {
        return api -> DEVICE_INGESTS.forEach(path -> {
            PathItem ingest = api.getPaths() == null ? null : api.getPaths().get(path);
            Operation post = ingest == null ? null : ingest.getPost();
            if (post != null) {
                post.setSecurity(List.of(new SecurityRequirement().addList(DEVICES)));
                post.setDescription("Called by the device itself, not by a user: no role.");
            }
        });
    }

    /** The handler's {@code @PreAuthorize} expression, the method's before the class's, as Spring Security reads it. */
    static String preAuthorize(Method handler, Class<?> controller) {
        PreAuthorize rule = AnnotatedElementUtils.findMergedAnnotation(handler, PreAuthorize.class);
        if (rule == null) {
            rule = AnnotatedElementUtils.findMergedAnnotation(controller, PreAuthorize.class);
        }
        return rule == null ? null : rule.value();
    }

    /** {@code hasRole('operator')} is "operator"; any other expression is shown as written. */
    static String role(String expression) {
        Matcher role = HAS_ROLE.matcher(expression.strip());
        return role.matches() ? role.group(1) : expression;
    }
}
