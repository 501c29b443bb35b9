package io.fieldhub.bench.micro;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.codec.Codecs;
import io.fieldhub.codec.FrameLayout;
import io.fieldhub.codec.FrameLayout.Field;
import io.fieldhub.telemetry.RawTelemetry;
import io.fieldhub.telemetry.TelemetryRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Decoding one message, as the process route does it: pick the codec by content type, build the record. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CodecBenchmark {

    /** The engine-v1 layout as config/application.yaml ships it. */
    static final FrameLayout ENGINE_V1 = new FrameLayout(
            "engine-v1",
            "application/vnd.fieldhub.engine-v1",
            "big-endian",
            Map.of("type", "engine"),
            List.of(
                    new Field("ts", "epoch-millis", null),
                    new Field("temperature", "int16", 0.1),
                    new Field("rpm", "uint16", null),
                    new Field("oilPressure", "uint16", 0.01)));

    private static final String JSON = """
            {"messageId":"m-1","ts":"2026-11-26T10:00:00Z",\
            "metrics":{"temperature":81.5,"rpm":1200,"oilPressure":3.25},"tags":{"site":"plant-1"}}""";

    private final Codecs codecs = new Codecs(new ObjectMapper(), List.of(ENGINE_V1));
    private final RawTelemetry json = raw(JSON.getBytes(StandardCharsets.UTF_8), "application/json");
    private final RawTelemetry frame = raw(
            ByteBuffer.allocate(ENGINE_V1.size())
                    .putLong(System.currentTimeMillis())
                    .putShort((short) 961)
                    .putShort((short) 2400)
                    .putShort((short) 325)
                    .array(),
            ENGINE_V1.contentType());

    @Benchmark
    public TelemetryRecord json() {
        return codecs.decode(json);
    }

    @Benchmark
    public TelemetryRecord engineV1Frame() {
        return codecs.decode(frame);
    }

    private static RawTelemetry raw(byte[] payload, String contentType) {
        return new RawTelemetry(
                "engine-42", payload, contentType, "ingest-1", true, "4bf92f3577b34da6a3ce929d0e0e4736", Instant.now());
    }
}
