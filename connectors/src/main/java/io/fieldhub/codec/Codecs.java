package io.fieldhub.codec;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.telemetry.InvalidTelemetryException;
import io.fieldhub.telemetry.RawTelemetry;
import io.fieldhub.telemetry.TelemetryCodec;
import io.fieldhub.telemetry.TelemetryRecord;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Picks the codec for a payload by its content type (MQTT 5 property or HTTP header) and decodes it. */
public class Codecs {

    private final List<TelemetryCodec> codecs;
    private final String supported;

    /** JSON, plus one binary codec per configured frame layout. */
    public Codecs(ObjectMapper mapper, List<FrameLayout> layouts) {
        this.codecs = Stream.concat(
                        Stream.of(new JsonCodec(mapper)), layouts.stream().map(FrameCodec::new))
                .toList();
        this.supported = "application/json"
                + layouts.stream().map(l -> ", " + l.contentType()).collect(Collectors.joining());
    }

    public TelemetryRecord decode(RawTelemetry raw) {
        String type = normalise(raw.contentType());
        return codecs.stream()
                .filter(c -> c.supports(type))
                .findFirst()
                .orElseThrow(() -> new InvalidTelemetryException("unsupported content type '" + raw.contentType()
                        + "'; supported: " + supported + " (declare binary layouts under hub.codecs.frames)"))
                .decode(raw);
    }

    /** {@code Application/JSON; charset=utf-8} → {@code application/json}; absent → empty. */
    static String normalise(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        String bare = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return bare.trim().toLowerCase(Locale.ROOT);
    }
}
