package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rules change while the hub runs: through the API (validate, deploy, roll back, each version recorded with who
 * and when; a rule the rule policy refuses is never built nor run) and by saving a file in rules/ in the middle of
 * a burst, which loses and duplicates no message.
 */
class RulesDeployIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PUMP_DRY = """
            package acme
            import io.fieldhub.rules.Reading
            global io.fieldhub.rules.Alerts alerts

            rule "Pump dry"
            when
                $r : Reading( type == "pump", metric("flow") < 0.5 )
            then
                alerts.raise("WARNING", "Pump " + $r.getDeviceId() + " runs dry", $r, "flow", 0.5);
            end
            """;

    static final String ESCAPE = """
            package acme
            import io.fieldhub.rules.Reading

            rule "Escape"
            when
                $r : Reading( type == "pump" )
            then
                java.nio.file.Files.writeString(java.nio.file.Path.of("%s"), "owned");
            end
            """;
    static final String THROWS = """
            package acme
            import io.fieldhub.rules.Reading

            rule "Divides by zero"
            when
                $r : Reading( deviceId.startsWith("throw-") )
            then
                int zero = 0;
                int boom = 1 / zero;
            end
            """;
    // A consequence that does not return, as far as the hub can tell (its limit is 2 s): the rule policy allows no
    // sleep, so it spins. It ends after 15 s so as not to burn a core for the rest of the run.
    static final String SPINS = """
            package acme
            import io.fieldhub.rules.Reading

            rule "Spins"
            when
                $r : Reading( deviceId.startsWith("spin-"), deviceId.endsWith("-Aa") )
            then
                java.time.Instant until = java.time.Instant.now().plusSeconds(15);
                long spins = 0;
                while (java.time.Instant.now().isBefore(until)) {
                    spins++;
                }
            end
            """;
    static final String PUMP_SCENARIO = """
            scenarios:
              - name: a pump reading
                readings:
                  - {at: 0s, device: pump-1, metrics: {flow: 1.0}}
                expect: []
            """;

    static Path home;
    static RunningHub hub;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        home = Files.createTempDirectory("fieldhub-rules-");
        copyTree(Path.of("routes"), home.resolve("routes"));
        copyTree(Path.of("rules"), home.resolve("rules"));
        hub = RunningHub.dedicated("--hub.home=" + home);
    }

    @AfterAll
    static void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void rulesAreValidatedDeployedAndRolledBackThroughTheApi() throws Exception {
        JsonNode before = get("/api/rules");
        long firstVersionId = get("/api/rules/versions").get(0).get("id").asLong();
        Map<String, String> shipped = ruleFiles(home.resolve("rules"));

        Map<String, String> broken = new TreeMap<>(shipped);
        broken.put("acme/pump-dry.drl", PUMP_DRY.replace("< 0.5 )", "< ))"));
        var alice = hub.newUser("rule-author");
        HttpResponse<String> refused = post("/api/rules/validate", Map.of("files", broken), alice);
        assertThat(refused.statusCode()).isEqualTo(422);
        JsonNode error = JSON.readTree(refused.body()).at("/failure/errors/0");
        assertThat(error.get("file").asText()).isEqualTo("acme/pump-dry.drl");
        assertThat(error.get("line").asInt()).isEqualTo(7);
        assertThat(get("/api/rules").get("version")).isEqualTo(before.get("version"));

        Map<String, String> withPump = new TreeMap<>(shipped);
        withPump.put("acme/pump-dry.drl", PUMP_DRY);
        var viewer = hub.newUser("viewer");
        assertThat(post("/api/rules/deploy", Map.of("files", withPump), viewer).statusCode())
                .isEqualTo(403);
        assertThat(home.resolve("rules/acme/pump-dry.drl")).doesNotExist();
        // the author is the signed-in user, whatever the body says
        HttpResponse<String> deployed = post("/api/rules/deploy", Map.of("files", withPump, "by", "mallory"), alice);
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(200);
        assertThat(home.resolve("rules/acme/pump-dry.drl")).hasContent(PUMP_DRY);
        JsonNode latest = get("/api/rules/versions").get(0);
        assertThat(latest.get("source").asText()).isEqualTo("api");
        assertThat(latest.get("actor").asText()).isEqualTo(alice.name());

        String pump = Device.uniqueId("pump");
        try (var device = new Device(hub, pump)) {
            assertThat(device.publishJson("{\"metrics\":{\"flow\":0.2}}", pump + "-1"))
                    .containsExactly(0);
        }
        var observed = new Observed(hub);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !observed.alerts(pump).isEmpty());
        assertThat(observed.alerts(pump))
                .singleElement()
                .satisfies(a -> assertThat(a.get("rule_id")).isEqualTo("Pump dry"));

        var bob = hub.newUser("rule-author");
        HttpResponse<String> rolledBack = post("/api/rules/versions/" + firstVersionId + "/rollback", Map.of(), bob);
        assertThat(rolledBack.statusCode()).as(rolledBack.body()).isEqualTo(200);
        assertThat(get("/api/rules").get("version")).isEqualTo(before.get("version"));
        assertThat(home.resolve("rules/acme/pump-dry.drl")).doesNotExist();
        assertThat(get("/api/rules/versions").get(0).get("actor").asText()).isEqualTo(bob.name());
    }

    @Test
    void aRuleThatThrowsIsRecordedAndTheReadingIsStoredAndAcknowledgedAllTheSame() throws Exception {
        Map<String, String> files = new TreeMap<>(ruleFiles(home.resolve("rules")));
        files.put("acme/throws.drl", THROWS);
        var author = hub.newUser("rule-author");
        HttpResponse<String> deployed = post("/api/rules/deploy", Map.of("files", files), author);
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(200);

        String device = Device.uniqueId("throw");
        try (var throwing = new Device(hub, device)) {
            assertThat(throwing.publishJson(
                            "{\"metrics\":{\"temperature\":99.0},\"tags\":{\"type\":\"engine\"}}", device + "-1"))
                    .as("PUBACK")
                    .containsExactly(0);
        }
        var observed = new Observed(hub);
        assertThat(observed.rows(device)).hasSize(1);
        assertThat(observed.deadLetters(device)).isEmpty();
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(get("/api/rule-errors?deviceId=" + device))
                        .singleElement()
                        .satisfies(e -> {
                            assertThat(e.get("ruleId").asText()).isEqualTo("Divides by zero");
                            assertThat(e.get("phase").asText()).isEqualTo("consequence");
                            assertThat(e.get("messageId").asText()).isEqualTo(device + "-1");
                            assertThat(e.get("error").asText()).contains("ArithmeticException");
                        }));
        // the other rules still applied to the reading: the shipped overheat rule raised its alert
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(observed.alerts(device))
                        .extracting(a -> a.get("rule_id"))
                        .containsExactly("Engine overheat"));
    }

    @Test
    void aRuleThatDoesNotReturnIsQuarantinedAndEveryReadingIsStoredAndAcknowledged() throws Exception {
        Map<String, String> files = new TreeMap<>(ruleFiles(home.resolve("rules")));
        files.put("acme/spins.drl", SPINS);
        var author = hub.newUser("rule-author");
        HttpResponse<String> deployed = post("/api/rules/deploy", Map.of("files", files), author);
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(200);

        String run = Device.uniqueId("spin");
        // "Aa" and "BB" have the same hash code: the two devices share a device lane and a rule partition.
        String spinning = run + "-Aa";
        String neighbour = run + "-BB";
        String hot = "{\"metrics\":{\"temperature\":99.0},\"tags\":{\"type\":\"engine\"}}";
        long start = System.nanoTime();
        try (var stuck = new Device(hub, spinning);
                var next = new Device(hub, neighbour)) {
            var first = stuck.send(hot, spinning + "-1");
            assertThat(next.publishJson(hot, neighbour + "-1")).as("PUBACK").containsExactly(0);
            first.waitForCompletion(10_000);
            assertThat(first.getReasonCodes()).as("PUBACK").containsExactly(0);
            assertThat(stuck.publishJson(hot, spinning + "-2")).as("PUBACK").containsExactly(0);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("every reading acknowledged while the rule still spins")
                .isLessThan(Duration.ofSeconds(12));
        var observed = new Observed(hub);
        assertThat(observed.rows(spinning)).hasSize(2);
        assertThat(observed.rows(neighbour)).hasSize(1);
        assertThat(observed.deadLetters(spinning)).isEmpty();
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(get("/api/rule-errors?deviceId=" + spinning))
                        .singleElement()
                        .satisfies(e -> {
                            assertThat(e.get("ruleId").asText()).isEqualTo("Spins");
                            assertThat(e.get("phase").asText()).isEqualTo("time");
                            assertThat(e.get("messageId").asText()).isEqualTo(spinning + "-1");
                            assertThat(e.get("error").asText()).contains("quarantined");
                        }));
        assertThat(get("/api/rules").at("/quarantined/rules"))
                .extracting(JsonNode::asText)
                .containsExactly("Spins");
        // The other rules still apply: to the neighbour, and to the spinning device's next reading.
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(observed.alerts(neighbour))
                        .extracting(a -> a.get("rule_id"))
                        .containsExactly("Engine overheat"));
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(observed.alerts(spinning))
                        .singleElement()
                        .satisfies(a -> assertThat(a)
                                .containsEntry("rule_id", "Engine overheat")
                                .containsEntry("first_message_id", spinning + "-2")));
    }

    @Test
    void aRuleThatWritesAFileIsRefusedWithFileAndLineAndNeverRuns() throws Exception {
        String before = get("/api/rules").get("version").asText();
        Path target = home.resolve("written-by-a-rule.txt");
        Map<String, String> files = new TreeMap<>(ruleFiles(home.resolve("rules")));
        files.put("acme/escape.drl", ESCAPE.formatted(target));
        // The scenario's reading fires the rule: were it built and run, it would write the file.
        Map<String, Object> upload = Map.of("files", files, "scenarios", Map.of("tests/escape.yaml", PUMP_SCENARIO));

        var author = hub.newUser("rule-author");
        for (String endpoint : List.of("/api/rules/validate", "/api/rules/deploy")) {
            HttpResponse<String> refused = post(endpoint, upload, author);
            assertThat(refused.statusCode())
                    .as(endpoint + ": " + refused.body())
                    .isEqualTo(422);
            JsonNode errors = JSON.readTree(refused.body()).at("/failure/errors");
            assertThat(errors).as(refused.body()).hasSize(1);
            assertThat(errors.get(0).get("file").asText()).isEqualTo("acme/escape.drl");
            assertThat(errors.get(0).get("line").asInt()).isEqualTo(8);
            assertThat(errors.get(0).get("message").asText())
                    .isEqualTo("java.nio is not allowed in a rule (file system access)");
        }
        assertThat(target).doesNotExist();
        assertThat(home.resolve("rules/acme/escape.drl")).doesNotExist();
        assertThat(get("/api/rules").get("version").asText()).isEqualTo(before);
    }

    @Test
    void aRuleFileSavedDuringABurstLosesAndDuplicatesNoMessage() throws Exception {
        String run = Device.uniqueId("reload");
        int devices = 20;
        int perDevice = 250;
        String before = get("/api/rules").get("version").asText();
        List<Archive.Entry> sent = new ArrayList<>();
        try (var burst = new Burst(hub.mqttUrl())) {
            for (int seq = 0; seq < perDevice; seq++) {
                if (seq == perDevice / 2) {
                    Files.writeString(
                            home.resolve("rules/acme-reload.drl"), PUMP_DRY.replace("Pump dry", "Pump dry again"));
                }
                for (int d = 0; d < devices; d++) {
                    String device = run + "-" + d;
                    assertThat(burst.publish(
                                    device,
                                    device + "-" + seq,
                                    "{\"metrics\":{\"temperature\":" + (60 + seq % 20) + "}}"))
                            .isTrue();
                    sent.add(new Archive.Entry(device, device + "-" + seq));
                }
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> burst.answered() == devices * perDevice);
            assertThat(burst.failed()).isZero();
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !get("/api/rules").get("version").asText().equals(before));

        String like = run + "-%";
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(hub.jdbc()
                                .queryForObject(
                                        "select count(*) from telemetry where device_id like ?", Long.class, like))
                        .isEqualTo(devices * perDevice));
        var archive = new Observed(hub).archive();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> archive.assertArchivedOnce(run + "-", sent));
    }

    @Test
    void windowStateIsRebuiltFromStoredReadingsAfterARestart() throws Exception {
        String before = get("/api/rules").get("version").asText();
        Files.writeString(home.resolve("rules/acme-surges.drl"), """
                package acme
                import io.fieldhub.rules.Device
                import io.fieldhub.rules.Reading
                global io.fieldhub.rules.Alerts alerts

                rule "Pump surges"
                when
                    $d : Device( type == "surge" )
                    accumulate( $r : Reading( deviceId == $d.id, metric("pressure") > 8.0 ) over window:time(10m);
                                $n : count( $r ); $n >= 3 )
                then
                    alerts.raise("WARNING", "Pump " + $d.getId() + " surged 3 times in 10 minutes", $d);
                end
                """);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !get("/api/rules").get("version").asText().equals(before));
        String pump = Device.uniqueId("surge");
        var observed = new Observed(hub);
        try (var device = new Device(hub, pump)) {
            assertThat(device.publishJson("{\"metrics\":{\"pressure\":9.1}}", pump + "-1"))
                    .containsExactly(0);
            assertThat(device.publishJson("{\"metrics\":{\"pressure\":9.4}}", pump + "-2"))
                    .containsExactly(0);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> observed.rows(pump).size() == 2);
        assertThat(observed.alerts(pump)).isEmpty();

        hub.stop();
        hub.start();

        // Two surges before the restart, one after: the window remembers the first two.
        try (var device = new Device(hub, pump)) {
            assertThat(device.publishJson("{\"metrics\":{\"pressure\":9.7}}", pump + "-3"))
                    .containsExactly(0);
        }
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !observed.alerts(pump).isEmpty());
        assertThat(observed.alerts(pump))
                .singleElement()
                .satisfies(a ->
                        assertThat(a).containsEntry("rule_id", "Pump surges").containsEntry("count", 1));
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        var response = http.send(hub.api(path).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> post(String path, Object body, RunningHub.ApiUser user)
            throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(hub.httpUrl(path)))
                        .header("Authorization", user.authorization())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> ruleFiles(Path rules) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(rules)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                String name = p.getFileName().toString();
                String relative = rules.relativize(p).toString().replace('\\', '/');
                if (name.endsWith(".drl") || name.endsWith(".drl.csv")) {
                    files.put(relative, Files.readString(p));
                } else if (name.endsWith(".drl.xlsx") || name.endsWith(".drl.xls")) {
                    files.put(
                            relative, "base64:" + java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(p)));
                }
            }
        }
        return files;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
