package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Retention in a running hub (docs/retention.md): readings past {@code hub.retention.telemetry} leave PostgreSQL,
 * and at every moment each one that left is in the S3 archive; a reading sent today stays.
 */
class RetentionIT {

    static RunningHub hub;

    @BeforeAll
    static void start() {
        hub = RunningHub.dedicated("--hub.retention.interval=1s", "--hub.retention.telemetry=1d");
    }

    @AfterAll
    static void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void readingsPastTheirRetentionLeavePostgresOnlyOnceArchived() throws Exception {
        String device = Device.uniqueId("meter");
        assertThat(post(device, "today").statusCode()).isEqualTo(202);
        // readings a hub stored three days ago: written directly, since the hub stamps stored_at itself
        JdbcTemplate jdbc = hub.jdbc();
        List<String> old = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            old.add("old-" + i);
            jdbc.update("""
                    insert into telemetry (message_id, device_id, ts, received_at, metrics, tags, trace_id, stored_at)
                    values (?, ?, now() - interval '3 days', now() - interval '3 days', '{"flow": 1.5}', '{}',
                            '4bf92f3577b34da6a3ce929d0e0e4736', now() - interval '3 days')""", "old-" + i, device);
        }
        Archive archive = new Archive(hub.s3(), RunningHub.BUCKET);

        await("every old reading leaves PostgreSQL")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    List<String> gone = new ArrayList<>(old);
                    gone.removeAll(stored(jdbc, device));
                    // read after PostgreSQL: a reading dropped before it was archived could never be archived later
                    List<String> missing = notArchived(archive, device, gone);
                    if (!missing.isEmpty()) {
                        // once more: the embedded S3 server's listing can miss an object while another in the same
                        // folder is renamed into place; a reading really lost stays missing
                        missing = notArchived(archive, device, missing);
                    }
                    assertThat(missing)
                            .as("readings that left PostgreSQL but are not in the archive")
                            .isEmpty();
                    return gone.size() == old.size();
                });

        assertThat(stored(jdbc, device)).containsExactly("today");
    }

    private static List<String> notArchived(Archive archive, String device, List<String> messageIds) {
        List<String> archived = archive
                .records(r -> device.equals(r.path("deviceId").asText()))
                .stream()
                .map(r -> r.path("messageId").asText())
                .toList();
        List<String> missing = new ArrayList<>(messageIds);
        missing.removeAll(archived);
        return missing;
    }

    private static List<String> stored(JdbcTemplate jdbc, String device) {
        return jdbc.queryForList("select message_id from telemetry where device_id = ?", String.class, device);
    }

    private static HttpResponse<String> post(String device, String messageId) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(hub.httpUrl("/api/devices/" + device + "/telemetry")))
                .header("Content-Type", "application/json")
                .header("Authorization", TestFleet.basic(device))
                .header("Message-Id", messageId)
                .POST(HttpRequest.BodyPublishers.ofString("{\"metrics\":{\"flow\":1.5}}"))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }
}
