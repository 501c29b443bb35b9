package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** People and the API on the embedded default: local users with HTTP Basic, each role on what it may do. */
class ApiAccessIT {

    static final java.util.List<String> ROLES = RoleMatrix.ROLES;

    private final RunningHub hub = RunningHub.shared();
    private final HttpClient http = HttpClient.newHttpClient();

    @ParameterizedTest
    @FieldSource("ROLES")
    void eachRoleMayDoWhatItsRoleAllowsAndNothingElse(String role) throws Exception {
        var user = hub.newUser(role);

        RoleMatrix.check(hub.httpUrl(""), role, user.authorization());
        RoleMatrix.checkHealthDetails(hub.httpUrl(""), role, user.authorization());
    }

    @Test
    void noOneIsLetInAnonymouslyOrWithAWrongPassword() throws Exception {
        var user = hub.newUser("admin");
        for (var call : RoleMatrix.calls()) {
            if (call.path().startsWith("/api")) {
                assertThat(send(call.method(), call.path(), null).statusCode())
                        .as("anonymous " + call)
                        .isEqualTo(401);
            }
        }
        HttpResponse<String> health = send("GET", "/actuator/health", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"").doesNotContain("components", "jdbc:", "tcp://");
        assertThat(send("GET", "/actuator/prometheus", null).statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = send("GET", "/api/alerts", RunningHub.basic(user.name(), "not-the-password"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().allValues("WWW-Authenticate"))
                .anySatisfy(h -> assertThat(h).startsWith("Basic"));
        assertThat(wrong.body()).contains("Bad credentials");
    }

    @Test
    void aNewPasswordLocksTheOldOneOutAndADeletedUserIsRefused() throws Exception {
        var maria = hub.newUser("operator");
        assertThat(send("GET", "/api/alerts", maria.authorization()).statusCode())
                .isEqualTo(200);

        HttpResponse<String> renewed = http.send(
                hub.api("/api/users/" + maria.name() + "/password")
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(renewed.statusCode()).isEqualTo(200);
        assertThat(send("GET", "/api/alerts", maria.authorization()).statusCode())
                .isEqualTo(401);

        assertThat(http.send(
                                hub.api("/api/users/" + maria.name()).DELETE().build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(204);
        assertThat(http.send(hub.api("/api/users").build(), HttpResponse.BodyHandlers.ofString())
                        .body())
                .doesNotContain(maria.name())
                .doesNotContain("password");
    }

    @Test
    void aBrowserOnAnotherSiteIsRefusedAndAListedOriginIsLetIn() throws Exception {
        var operator = hub.newUser("operator");

        HttpResponse<String> crossSite = http.send(
                HttpRequest.newBuilder(URI.create(hub.httpUrl("/api/alerts/987654321/ack")))
                        .header("Authorization", operator.authorization())
                        .header("Origin", "https://evil.example")
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(crossSite.headers().firstValue("Access-Control-Allow-Origin"))
                .isEmpty();

        HttpResponse<String> preflight = http.send(
                HttpRequest.newBuilder(URI.create(hub.httpUrl("/api/alerts")))
                        .header("Origin", RunningHub.CONSOLE_ORIGIN)
                        .header("Access-Control-Request-Method", "GET")
                        .header("Access-Control-Request-Headers", "authorization")
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
                .hasValue(RunningHub.CONSOLE_ORIGIN);
    }

    private HttpResponse<String> send(String method, String path, String authorization) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(hub.httpUrl(path)))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
