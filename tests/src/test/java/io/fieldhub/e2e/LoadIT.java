package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A burst far faster than the hub stores it, with one bad message in every thousand: exactly the bad ones are
 * refused (PUBACK 0x99) and kept as dead letters, and every other message ends up in PostgreSQL and in the archive,
 * exactly once. Asserts counts only; speed is the benchmark's business (bench/).
 */
class LoadIT {

    static final int DEVICES = 40;
    static final int PER_DEVICE = 500;
    static final int POISON_EVERY = 1_000;

    /** Bad payloads of the kinds devices really send, taken in turn. */
    static final List<String> POISON = List.of(
            "{\"metrics\":{\"temperature\":81.5",
            "{\"status\":\"ok\"}",
            "{\"metrics\":{\"temperature\":\"hot\"}}",
            "{\"ts\":\"yesterday\",\"metrics\":{\"t\":1}}",
            "{\"metrics\":{\"t\":1},\"tags\":{\"site\":\"a\\u0000b\"}}",
            "{\"metrics\":{\"t\":1},\"pad\":\"" + "x".repeat(70_000) + "\"}");

    final RunningHub hub = RunningHub.shared();

    @Test
    void oneBadMessageInEveryThousandBecomesADeadLetterAndAllOthersAreStoredAndArchivedOnce() throws Exception {
        String run = Device.uniqueId("load");
        Set<Archive.Entry> good = new HashSet<>();
        Map<String, String> poison = new HashMap<>(); // message id -> payload
        try (var burst = new Burst(hub.mqttUrl())) {
            int n = 0;
            for (int seq = 0; seq < PER_DEVICE; seq++) {
                for (int d = 0; d < DEVICES; d++, n++) {
                    String device = run + "-" + d;
                    String messageId = device + "-" + seq;
                    String json = "{\"metrics\":{\"temperature\":" + (60 + seq % 30) + "}}";
                    if (n % POISON_EVERY == POISON_EVERY / 2) {
                        json = POISON.get(poison.size() % POISON.size());
                        poison.put(messageId, json);
                    } else {
                        good.add(new Archive.Entry(device, messageId));
                    }
                    assertThat(burst.publish(device, messageId, json)).isTrue();
                }
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> burst.answered() == DEVICES * PER_DEVICE);
            assertThat(burst.refused())
                    .as("refused message ids and their PUBACK codes")
                    .containsOnlyKeys(poison.keySet())
                    .allSatisfy((id, code) -> assertThat(code).as(id).isEqualTo(0x99));
            assertThat(burst.ackedCount()).isEqualTo(good.size());
        }

        String like = run + "-%";
        await().atMost(Duration.ofSeconds(120))
                .untilAsserted(() -> assertThat(stored(like)).hasSize(good.size()));
        assertThat(new HashSet<>(stored(like))).isEqualTo(good);

        var deadLetters =
                hub.jdbc().queryForList("select message_id, reason from dead_letter where device_id like ?", like);
        assertThat(deadLetters)
                .extracting(row -> (String) row.get("message_id"))
                .containsExactlyInAnyOrderElementsOf(poison.keySet());
        assertThat(deadLetters)
                .allSatisfy(row -> assertThat((String) row.get("reason"))
                        .as("reason of %s", row.get("message_id"))
                        .isNotBlank());

        var archive = new Observed(hub).archive();
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(
                        () -> assertThat(archive.copies(run + "-").keySet()).isEqualTo(good));
        archive.assertArchivedOnce(run + "-", good);
        System.out.printf(
                "LoadIT: %d sent, %d bad refused and dead-lettered, %d stored and archived once%n",
                DEVICES * PER_DEVICE, poison.size(), good.size());
    }

    private List<Archive.Entry> stored(String like) {
        return hub.jdbc()
                .query(
                        "select device_id, message_id from telemetry where device_id like ?",
                        (rs, i) -> new Archive.Entry(rs.getString(1), rs.getString(2)),
                        like);
    }
}
