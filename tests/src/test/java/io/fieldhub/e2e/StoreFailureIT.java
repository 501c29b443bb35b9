package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.embedded.EmbeddedPostgresServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The hub as an ordinary database user, as in production (a superuser passes every permission check): a revoked
 * table permission is not retried forever in silence. The device is told its message was kept as a dead letter, the
 * dead letter says why and how to fix it, the hub raises its own alert (emailed like any other) and health is DOWN
 * with the reason; granting the permission back brings it all back. A read-only database, on the other hand, is
 * waited out. docs/architecture.md#permanent-errors-are-surfaced
 */
class StoreFailureIT {

    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final String APP_USER = "fieldhub_app";
    /** MQTT 5 PUBACK "implementation specific error": the message is kept as a dead letter, do not send it again. */
    static final int KEPT_AS_DEAD_LETTER = 0x83;

    static RunningHub hub;
    static EmbeddedPostgresServer postgres;
    /** The database's superuser, who grants and revokes. */
    static JdbcTemplate admin;

    final Observed observed = new Observed(hub);
    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() {
        hub = RunningHub.notStarted();
        postgres = new EmbeddedPostgresServer(hub.dataDir.resolve("ext-postgres"), hub.postgresPort);
        postgres.start();
        admin = hub.jdbc();
        admin.execute("create role " + APP_USER + " login password 'app-secret'");
        admin.execute("grant all on schema public to " + APP_USER);
        // the hub migrates its schema as this user, and so owns its tables
        hub.withArgs(
                "--spring.datasource.url=" + postgres.jdbcUrl(),
                "--spring.datasource.username=" + APP_USER,
                "--spring.datasource.password=app-secret",
                "--hub.mqtt.store-timeout=60s");
        hub.start();
    }

    @AfterAll
    static void stop() {
        if (hub != null) {
            hub.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void aRevokedTablePermissionRaisesTheHubsOwnAlertAndTurnsHealthDownUntilItIsGrantedBack() throws Exception {
        String id = Device.uniqueId("engine");
        try (var device = new Device(hub, id)) {
            assertThat(device.publishJson("{\"metrics\":{\"temperature\":20}}", id + "-1"))
                    .containsExactly(0);

            admin.execute("revoke insert on telemetry from " + APP_USER);
            try {
                assertThat(device.publishJson("{\"metrics\":{\"temperature\":21}}", id + "-2"))
                        .as("kept as a dead letter: no use sending it again")
                        .containsExactly(KEPT_AS_DEAD_LETTER);
                HttpResponse<String> posted = post(id, id + "-3", "{\"metrics\":{\"temperature\":22}}");
                assertThat(posted.statusCode()).isEqualTo(500);
                JsonNode answer = json.readTree(posted.body());
                assertThat(answer.path("error").asText())
                        .contains("permission denied for table telemetry")
                        .contains("GRANT SELECT, INSERT, UPDATE, DELETE ON telemetry TO " + APP_USER);
                assertThat(answer.path("messageId").asText()).isEqualTo(id + "-3");

                assertThat(observed.rows(id)).hasSize(1);
                assertThat(observed.deadLetters(id))
                        .extracting(l -> l.get("message_id"))
                        .containsExactly(id + "-2", id + "-3");
                assertThat(observed.deadLetters(id))
                        .allSatisfy(letter -> assertThat((String) letter.get("reason"))
                                .startsWith(
                                        "store failing: permission denied for table telemetry (SQLState 42501). Fix:"));

                assertThat(observed.alerts("fieldhub"))
                        .as("one alert for the cause, not one per message")
                        .singleElement()
                        .satisfies(alert -> {
                            assertThat(alert)
                                    .containsEntry("rule_id", "Store failing")
                                    .containsEntry("state", "OPEN")
                                    .containsEntry("first_message_id", id + "-2");
                            assertThat((String) alert.get("text")).contains("permission denied for table telemetry");
                        });
                await().atMost(DEADLINE)
                        .untilAsserted(() -> assertThat(observed.emails("fieldhub"))
                                .singleElement()
                                .satisfies(email -> {
                                    assertThat(Observed.subject(email))
                                            .isEqualTo("[CRITICAL] Store failing on fieldhub");
                                    assertThat(Observed.text(email)).contains("permission denied for table telemetry");
                                }));

                HttpResponse<String> health = get("/actuator/health");
                assertThat(health.statusCode()).isEqualTo(503);
                JsonNode store = json.readTree(health.body()).path("components").path("store");
                assertThat(store.path("status").asText()).isEqualTo("DOWN");
                assertThat(store.path("details").path("reason").asText())
                        .contains("permission denied for table telemetry");
                assertThat(store.path("details").path("table").asText()).isEqualTo("telemetry");
                assertThat(store.path("details").path("fix").asText())
                        .contains("GRANT SELECT, INSERT, UPDATE, DELETE ON telemetry TO " + APP_USER);
                assertThat(store.path("details").path("latestMessage").asText()).isEqualTo(id + "-3");

                JsonNode failures =
                        json.readTree(get("/actuator/metrics/fieldhub.store.permanent-failures?tag=sqlstate:42501")
                                .body());
                assertThat(failures.path("measurements").get(0).path("value").asDouble())
                        .isEqualTo(2.0);
            } finally {
                admin.execute("grant insert on telemetry to " + APP_USER);
            }

            assertThat(device.publishJson("{\"metrics\":{\"temperature\":23}}", id + "-4"))
                    .containsExactly(0);
            assertThat(observed.rows(id)).extracting(r -> r.get("message_id")).containsExactly(id + "-1", id + "-4");
            JsonNode store = json.readTree(get("/actuator/health").body())
                    .path("components")
                    .path("store");
            assertThat(store.path("status").asText()).isEqualTo("UP");
            assertThat(observed.alerts("fieldhub"))
                    .singleElement()
                    .satisfies(alert -> assertThat(alert).containsEntry("state", "CLEARED"));
            assertThat(observed.alertTransitions("fieldhub"))
                    .extracting(t -> t.get("transition"))
                    .containsExactly("RAISED", "CLEARED");
            assertThat((String) observed.alertTransitions("fieldhub").get(1).get("detail"))
                    .contains("readings are stored again");
        }
    }

    @Test
    void aReadOnlyDatabaseIsWaitedOutWithoutADeadLetter() throws Exception {
        String id = Device.uniqueId("engine");
        try (var device = new Device(hub, id)) {
            admin.execute("alter role " + APP_USER + " set default_transaction_read_only = on");
            IMqttToken pending;
            try {
                reconnectHub();
                pending = device.send("{\"metrics\":{\"temperature\":20}}", id + "-1");
                await("retried, unanswered, while the database is read-only")
                        .during(Duration.ofSeconds(2))
                        .atMost(Duration.ofSeconds(5))
                        .until(() -> !pending.isComplete());
                assertThat(observed.deadLetters(id)).isEmpty();
                assertThat(json.readTree(get("/actuator/health").body())
                                .path("components")
                                .path("store")
                                .path("status")
                                .asText())
                        .isEqualTo("UP");
            } finally {
                admin.execute("alter role " + APP_USER + " reset default_transaction_read_only");
                reconnectHub();
            }
            pending.waitForCompletion(60_000);
            assertThat(pending.getReasonCodes()).containsExactly(0);
            assertThat(observed.rows(id)).extracting(r -> r.get("message_id")).containsExactly(id + "-1");
        }
    }

    /** Ends the hub's database sessions: its next ones start with the role's settings. */
    private static void reconnectHub() {
        admin.queryForList("select pg_terminate_backend(pid) from pg_stat_activity where usename = ?", APP_USER);
    }

    private HttpResponse<String> post(String deviceId, String messageId, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(hub.httpUrl("/api/devices/" + deviceId + "/telemetry")))
                        .header("Content-Type", "application/json")
                        .header("Message-Id", messageId)
                        .header("Authorization", TestFleet.basic(deviceId))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(hub.api(path).build(), HttpResponse.BodyHandlers.ofString());
    }
}
