package io.fieldhub.simulator.payload;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldhub.telemetry.TelemetryRecord;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FrameEncoderTest {

    private final FrameEncoder encoder = new FrameEncoder();

    @Test
    void writesTheEngineV1LayoutBigEndianFieldByField() {
        byte[] frame = encoder.encode(new Reading(0x0102030405060708L, 815, 1200, 325), "plant-1");

        assertThat(frame)
                .containsExactly(
                        0x01,
                        0x02,
                        0x03,
                        0x04,
                        0x05,
                        0x06,
                        0x07,
                        0x08, // ts, int64 epoch millis
                        0x03,
                        0x2F, // temperature 81.5 as 815 tenths, int16
                        0x04,
                        (byte) 0xB0, // rpm 1200, uint16
                        0x01,
                        0x45); // oilPressure 3.25 as 325 hundredths, uint16
    }

    @Test
    void writesUnsignedFieldsAboveShortMaxAndNegativeTemperatures() {
        byte[] frame = encoder.encode(new Reading(0, -125, 65000, 40000), "plant-1");

        assertThat(frame)
                .hasSize(FrameEncoder.LENGTH)
                .endsWith((byte) 0xFF, (byte) 0x83, (byte) 0xFD, (byte) 0xE8, (byte) 0x9C, 0x40);
    }

    @Test
    void theHubDecodesTheFrameToTheSameReading() {
        long ts = 1764151200123L;

        TelemetryRecord record = HubCodecs.decode(encoder, encoder.encode(new Reading(ts, 955, 1200, 325), "x"));

        assertThat(record.ts()).isEqualTo(Instant.ofEpochMilli(ts));
        assertThat(record.metric("temperature")).isEqualTo(95.5);
        assertThat(record.metric("rpm")).isEqualTo(1200.0);
        assertThat(record.metric("oilPressure")).isEqualTo(3.25);
        assertThat(record.tags()).containsEntry("type", "engine");
    }

    @Test
    void declaresTheContentTypeTheHubSelectsTheLayoutBy() {
        assertThat(encoder.contentType()).isEqualTo(HubCodecs.ENGINE_V1.contentType());
    }
}
