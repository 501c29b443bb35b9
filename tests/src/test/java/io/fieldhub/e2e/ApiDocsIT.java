package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API's OpenAPI document and Swagger UI, as someone who has not signed in yet reads them: every operation, how
 * to sign in for it, and the role it needs.
 */
class ApiDocsIT {

    static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    static final RunningHub hub = RunningHub.shared();
    static final HttpClient http =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    static JsonNode docs;

    @BeforeAll
    static void fetchDocs() throws Exception {
        HttpResponse<String> response = get("/v3/api-docs");
        assertThat(response.statusCode()).as("no credentials needed").isEqualTo(200);
        docs = new ObjectMapper().readTree(response.body());
    }

    @Test
    void eachOperationNamesTheRoleItNeedsAndHowUsersSignIn() {
        assertThat(role("post", "/api/alerts/{id}/ack")).isEqualTo("operator");
        assertThat(role("post", "/api/rules/deploy")).isEqualTo("rule-author");
        assertThat(role("post", "/api/devices")).isEqualTo("device-admin");
        assertThat(role("get", "/api/alerts")).isEqualTo("viewer");
        assertThat(role("get", "/api/users"))
                .as("from the class's @PreAuthorize")
                .isEqualTo("admin");

        JsonNode ack = operation("post", "/api/alerts/{id}/ack");
        assertThat(ack.get("description").asText()).contains("Role: operator");
        assertThat(schemes(ack)).containsExactlyInAnyOrder("basicAuth", "bearerAuth");
        assertThat(ack.at("/responses/403/description").asText()).contains("operator");
        assertThat(docs.at("/components/securitySchemes/bearerAuth/bearerFormat")
                        .asText())
                .isEqualTo("JWT");
        assertThat(docs.at("/components/securitySchemes/basicAuth/scheme").asText())
                .isEqualTo("basic");
    }

    /** What devices and gateways call, signed in as themselves. */
    static final List<String> INGEST =
            List.of("/api/devices/{deviceId}/telemetry", "/api/gateways/{gatewayId}/telemetry");

    @Test
    void deviceIngestIsSignedInByTheDeviceWithItsOwnScheme() {
        for (String path : INGEST) {
            JsonNode ingest = operation("post", path);
            assertThat(schemes(ingest)).as(path).containsExactly("deviceBasic");
            assertThat(ingest.has("x-required-role")).as(path).isFalse();
        }
        assertThat(docs.at("/components/securitySchemes/deviceBasic/scheme").asText())
                .isEqualTo("basic");
    }

    /** An endpoint whose handler lacks @PreAuthorize shows up here without a role. */
    @Test
    void everyApiOperationHasARoleOrIsDeviceIngest() {
        List<String> operations = new ArrayList<>();
        List<String> withoutRole = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : docs.get("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                if (!HTTP_METHODS.contains(op.getKey())) {
                    continue;
                }
                String name = op.getKey().toUpperCase() + " " + path.getKey();
                operations.add(name);
                if (!op.getValue().has("x-required-role") && !INGEST.contains(path.getKey())) {
                    withoutRole.add(name);
                }
            }
        }
        assertThat(operations)
                .as("the whole API, and only the API")
                .hasSizeGreaterThan(20)
                .allSatisfy(name -> assertThat(name).contains(" /api/"));
        assertThat(withoutRole).isEmpty();
    }

    @Test
    void swaggerUiOpensWithoutCredentials() throws Exception {
        HttpResponse<String> ui = get("/swagger-ui.html");
        assertThat(ui.statusCode()).isEqualTo(200);
        assertThat(ui.body()).contains("Swagger UI");
    }

    private static String role(String method, String path) {
        return operation(method, path).path("x-required-role").asText(null);
    }

    private static JsonNode operation(String method, String path) {
        JsonNode operation = docs.path("paths").path(path).path(method);
        assertThat(operation.isMissingNode())
                .as(method + " " + path + " is documented")
                .isFalse();
        return operation;
    }

    /** The names of the schemes any one of which signs in for the operation. */
    private static List<String> schemes(JsonNode operation) {
        List<String> names = new ArrayList<>();
        operation
                .path("security")
                .forEach(requirement -> requirement.fieldNames().forEachRemaining(names::add));
        return names;
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(hub.httpUrl(path))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
