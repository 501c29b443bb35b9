package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;

/**
 * What each role may do, as the API answers it: a call a role may make gets anything but 401/403 (404 for an alert
 * that does not exist still means "you may"); a call it may not make gets 403. The same table serves local users
 * and Keycloak tokens.
 */
final class RoleMatrix {

    static final List<String> ROLES = List.of("viewer", "operator", "rule-author", "device-admin", "admin");

    private static final Set<String> EVERYONE = Set.copyOf(ROLES);

    record Call(String method, String path, String body, Set<String> roles) {

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private RoleMatrix() {}

    static List<Call> calls() {
        String device = Device.uniqueId("matrix");
        return List.of(
                new Call("GET", "/api/alerts", null, EVERYONE),
                new Call("GET", "/api/devices", null, EVERYONE),
                new Call("GET", "/api/devices/" + device + "/telemetry", null, EVERYONE),
                new Call("GET", "/api/dead-letters", null, EVERYONE),
                new Call("GET", "/api/rules", null, EVERYONE),
                new Call("GET", "/api/enrollment-groups", null, EVERYONE),
                new Call("GET", "/actuator/prometheus", null, EVERYONE),
                new Call("POST", "/api/alerts/987654321/ack", "{}", Set.of("operator", "admin")),
                new Call("POST", "/api/rules/validate", "{}", Set.of("rule-author", "admin")),
                new Call("POST", "/api/rules/versions/987654321/rollback", "{}", Set.of("rule-author", "admin")),
                new Call("PUT", "/api/devices/" + device, "{\"type\":\"matrix\"}", Set.of("device-admin", "admin")),
                new Call("DELETE", "/api/devices/" + device, null, Set.of("device-admin", "admin")),
                new Call("POST", "/api/devices/" + device + "/credentials", null, Set.of("device-admin", "admin")),
                new Call("GET", "/api/users", null, Set.of("admin")),
                new Call("GET", "/actuator/metrics", null, Set.of("admin")),
                new Call("GET", "/actuator/camelroutes", null, Set.of("admin")));
    }

    /** Makes every call as {@code role} (proved by {@code authorization}) and checks the answer. */
    static void check(String hubHttpBase, String role, String authorization) throws IOException, InterruptedException {
        var http = HttpClient.newHttpClient();
        var softly = new SoftAssertions();
        for (Call call : calls()) {
            var request = HttpRequest.newBuilder(URI.create(hubHttpBase + call.path()))
                    .header("Authorization", authorization)
                    .header("Content-Type", "application/json")
                    .method(
                            call.method(),
                            call.body() == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(call.body()))
                    .build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (call.roles().contains(role)) {
                softly.assertThat(response.statusCode())
                        .as(role + " may " + call + ": " + response.body())
                        .isNotIn(401, 403);
            } else {
                softly.assertThat(response.statusCode())
                        .as(role + " may not " + call + ": " + response.body())
                        .isEqualTo(403);
            }
        }
        softly.assertAll();
    }

    /** Health answers everyone, and shows its details to admin only. */
    static void checkHealthDetails(String hubHttpBase, String role, String authorization) throws Exception {
        String body = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(hubHttpBase + "/actuator/health"))
                                .header("Authorization", authorization)
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(body).contains("\"status\":\"UP\"");
        if (role.equals("admin")) {
            assertThat(body).contains("\"components\"", "\"diskSpace\"", "\"threshold\"");
        } else {
            assertThat(body).doesNotContain("components");
        }
    }
}
