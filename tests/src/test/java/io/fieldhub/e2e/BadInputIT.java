package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each kind of bad payload is answered with PUBACK 0x99 (payload format invalid), becomes exactly one dead-letter row
 * with the original payload (or its start, when large) and the reason, and does not hold up the next good message.
 */
class BadInputIT {

    static final Duration DEADLINE = Duration.ofSeconds(30);
    /** hub.ingest.dead-letter-payload-bytes as config/application.yaml ships it. */
    static final int KEPT_BYTES = 16384;

    final RunningHub hub = RunningHub.shared();
    final Observed observed = new Observed(hub);

    static java.util.stream.Stream<Arguments> badPayloads() {
        byte[] oversize = ("{\"metrics\":{\"t\":1},\"pad\":\"" + "x".repeat(70_000) + "\"}").getBytes();
        return java.util.stream.Stream.of(
                Arguments.of(
                        "malformed JSON",
                        utf8("{\"metrics\":{\"temperature\":81.5"),
                        "application/json",
                        "malformed JSON"),
                Arguments.of("payload over the size limit", oversize, "application/json", "exceeds the limit"),
                Arguments.of("no metrics", utf8("{\"status\":\"ok\"}"), "application/json", "no numeric metric"),
                Arguments.of(
                        "metric not a number",
                        utf8("{\"metrics\":{\"temperature\":\"hot\"}}"),
                        "application/json",
                        "must be a number"),
                Arguments.of(
                        "timestamp in the future",
                        utf8("{\"ts\":\"" + Instant.now().plusSeconds(86_400) + "\",\"metrics\":{\"t\":1}}"),
                        "application/json",
                        "ahead of hub time"),
                Arguments.of(
                        "timestamp not a time",
                        utf8("{\"ts\":\"yesterday\",\"metrics\":{\"t\":1}}"),
                        "application/json",
                        "ISO-8601"),
                Arguments.of(
                        "frame not matching its layout",
                        new byte[] {0, 1, 2, 3, 4, 5, 6},
                        Frames.ENGINE_V1,
                        "does not match layout 'engine-v1'"),
                Arguments.of(
                        "tag with a control character",
                        utf8("{\"metrics\":{\"t\":1},\"tags\":{\"site\":\"a\\u0000b\"}}"),
                        "application/json",
                        "printable characters"),
                Arguments.of("unknown content type", utf8("x"), "application/x-protobuf", "unsupported content type"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPayloads")
    void badInputBecomesOneDeadLetterAndTheNextGoodMessageFlows(
            String kind, byte[] payload, String contentType, String reason) throws Exception {
        String id = Device.uniqueId("meter");
        try (var device = new Device(hub, id)) {
            assertThat(device.publish(payload, contentType, "bad-" + id))
                    .as("PUBACK")
                    .containsExactly(0x99);
            assertThat(device.publishJson("{\"metrics\":{\"flow\":4.2}}", "good-" + id))
                    .containsExactly(0);
        }
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(observed.rows(id)).hasSize(1));
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(observed.deadLetters(id)).hasSize(1));
        var deadLetter = observed.deadLetters(id).get(0);
        assertThat(deadLetter.get("message_id")).isEqualTo("bad-" + id);
        assertThat((String) deadLetter.get("reason")).contains(reason);
        assertThat(deadLetter.get("route_id")).isEqualTo("process");
        assertThat(deadLetter.get("source")).isEqualTo("mqtt");
        // the first hub.ingest.dead-letter-payload-bytes of it, and the size and SHA-256 of all of it
        assertThat(stored(deadLetter)).isEqualTo(Arrays.copyOf(payload, Math.min(payload.length, KEPT_BYTES)));
        assertThat(deadLetter.get("payload_truncated")).isEqualTo(payload.length > KEPT_BYTES);
        assertThat(deadLetter.get("payload_size")).isEqualTo(payload.length);
        assertThat(deadLetter.get("payload_sha256"))
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(payload)));
        assertThat(observed.rows(id).get(0).get("message_id")).isEqualTo("good-" + id);
    }

    private static byte[] stored(java.util.Map<String, Object> deadLetter) {
        String payload = (String) deadLetter.get("payload");
        return "base64".equals(deadLetter.get("payload_encoding"))
                ? Base64.getDecoder().decode(payload)
                : payload.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
