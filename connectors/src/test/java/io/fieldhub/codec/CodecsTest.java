package io.fieldhub.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.telemetry.InvalidTelemetryException;
import io.fieldhub.telemetry.RawTelemetry;
import io.fieldhub.telemetry.TelemetryRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CodecsTest {

    static final Instant NOW = Instant.parse("2026-11-26T10:00:00.140Z");
    static final FrameLayout ENGINE_V1 = new FrameLayout(
            "engine-v1",
            "application/vnd.fieldhub.engine-v1",
            "big-endian",
            Map.of("type", "engine"),
            List.of(
                    new FrameLayout.Field("ts", "epoch-millis", null),
                    new FrameLayout.Field("temperature", "int16", 0.1),
                    new FrameLayout.Field("rpm", "uint16", null)));

    final Codecs codecs = new Codecs(new ObjectMapper(), List.of(ENGINE_V1));

    static RawTelemetry raw(String contentType, byte[] payload) {
        return new RawTelemetry("engine-42", payload, contentType, "assigned-1", true, "trace-1", NOW);
    }

    static RawTelemetry json(String payload) {
        return raw("application/json; charset=utf-8", payload.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void canonicalJsonBecomesTheRecordWithTheDevicesMessageIdAndTime() {
        TelemetryRecord r = codecs.decode(json("""
                {"messageId":"m-7","ts":"2026-11-26T10:00:00.123Z","metrics":{"temperature":81.5,"rpm":1200},
                 "tags":{"site":"plant-1"}}"""));
        assertThat(r.messageId()).isEqualTo("m-7");
        assertThat(r.deviceId()).isEqualTo("engine-42");
        assertThat(r.ts()).isEqualTo(Instant.parse("2026-11-26T10:00:00.123Z"));
        assertThat(r.receivedAt()).isEqualTo(NOW);
        assertThat(r.metrics()).containsEntry("temperature", 81.5).containsEntry("rpm", 1200.0);
        assertThat(r.tags()).containsEntry("site", "plant-1");
        assertThat(r.traceId()).isEqualTo("trace-1");
    }

    @Test
    void flatJsonWithoutTimeUsesEveryNumberAsAMetricAndTheReceiveTime() {
        TelemetryRecord r = codecs.decode(raw(null, "{\"temperature\":95,\"ts\":1764151200000}".getBytes()));
        assertThat(r.metrics()).containsOnlyKeys("temperature");
        assertThat(r.ts()).isEqualTo(Instant.ofEpochMilli(1764151200000L));
        assertThat(r.messageId()).isEqualTo("assigned-1");
    }

    @Test
    void aMessageIdFromTheTransportWinsOverThePayload() {
        RawTelemetry raw =
                new RawTelemetry("d", "{\"messageId\":\"p\",\"t\":1}".getBytes(), null, "mqtt-id", false, "tr", NOW);
        assertThat(codecs.decode(raw).messageId()).isEqualTo("mqtt-id");
    }

    @Test
    void badJsonIsRejectedWithAReasonThatSaysWhatToSend() {
        assertThatThrownBy(() -> codecs.decode(json("{\"temperature\": 81.5")))
                .isInstanceOf(InvalidTelemetryException.class)
                .hasMessageContaining("malformed JSON");
        assertThatThrownBy(() -> codecs.decode(json("[1,2]")))
                .isInstanceOf(InvalidTelemetryException.class)
                .hasMessageContaining("not an object");
        assertThatThrownBy(() -> codecs.decode(json("{\"metrics\":{\"temperature\":\"hot\"}}")))
                .isInstanceOf(InvalidTelemetryException.class)
                .hasMessageContaining("metric 'temperature' must be a number");
        assertThatThrownBy(() -> codecs.decode(json("{\"status\":\"ok\"}")))
                .isInstanceOf(InvalidTelemetryException.class)
                .hasMessageContaining("no numeric metric");
        assertThatThrownBy(() -> codecs.decode(json("{\"ts\":\"yesterday\",\"t\":1}")))
                .isInstanceOf(InvalidTelemetryException.class)
                .hasMessageContaining("ISO-8601");
    }

    @Test
    void aBinaryFrameIsDecodedByTheLayoutItsContentTypeNames() {
        byte[] frame = ByteBuffer.allocate(12)
                .putLong(1764151200123L)
                .putShort((short) 955)
                .putShort((short) 50000)
                .array();
        TelemetryRecord r = codecs.decode(raw("application/vnd.fieldhub.engine-v1", frame));
        assertThat(r.ts()).isEqualTo(Instant.ofEpochMilli(1764151200123L));
        assertThat(r.metric("temperature")).isEqualTo(95.5);
        assertThat(r.metric("rpm")).isEqualTo(50000.0);
        assertThat(r.tags()).containsEntry("type", "engine");
    }

    @Test
    void aFrameOfTheWrongLengthNamesTheLayout() {
        assertThatThrownBy(() -> codecs.decode(raw("application/vnd.fieldhub.engine-v1", new byte[5])))
                .isInstanceOf(InvalidTelemetryException.class)
                .hasMessageContaining("frame of 5 bytes does not match layout 'engine-v1' (12 bytes");
    }

    @Test
    void anUnknownContentTypeListsTheSupportedOnes() {
        assertThatThrownBy(() -> codecs.decode(raw("application/x-protobuf", new byte[1])))
                .isInstanceOf(InvalidTelemetryException.class)
                .hasMessageContaining("application/vnd.fieldhub.engine-v1");
    }

    @Test
    void anUnknownFieldTypeIsRefusedWhenTheLayoutIsDeclared() {
        assertThatThrownBy(() -> new FrameLayout(
                        "x", "application/x", null, null, List.of(new FrameLayout.Field("a", "uint24", null))))
                .hasMessageContaining("unknown type 'uint24'");
    }
}
