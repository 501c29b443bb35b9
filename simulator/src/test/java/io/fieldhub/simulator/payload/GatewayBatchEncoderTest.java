package io.fieldhub.simulator.payload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayBatchEncoderTest {

    @Test
    void eachDevicesReadingsAreAnArrayOfDeviceShapedReadingsWithTheirMessageIds() throws Exception {
        Map<String, List<GatewayBatchEncoder.Entry>> batch = new LinkedHashMap<>();
        batch.put(
                "engine-1",
                List.of(
                        new GatewayBatchEncoder.Entry("r-engine-1-1", "plant-1", new Reading(1000, 815, 1200, 325)),
                        new GatewayBatchEncoder.Entry("r-engine-1-2", "plant-1", new Reading(2000, 921, 1300, 310))));
        batch.put(
                "engine-2",
                List.of(new GatewayBatchEncoder.Entry("r-engine-2-1", "plant-2", new Reading(1500, 700, 900, 300))));

        JsonNode json = new ObjectMapper().readTree(GatewayBatchEncoder.encode(batch));

        assertThat(json.fieldNames()).toIterable().containsExactly("engine-1", "engine-2");
        assertThat(json.path("engine-1")).hasSize(2);
        JsonNode second = json.path("engine-1").get(1);
        assertThat(second.path("messageId").asText()).isEqualTo("r-engine-1-2");
        assertThat(second.path("ts").asLong()).isEqualTo(2000);
        assertThat(second.path("metrics").path("temperature").decimalValue()).isEqualByComparingTo("92.1");
        assertThat(second.path("metrics").path("oilPressure").decimalValue()).isEqualByComparingTo("3.10");
        assertThat(second.path("tags").path("site").asText()).isEqualTo("plant-1");
        assertThat(json.path("engine-2").get(0).path("metrics").path("rpm").asInt())
                .isEqualTo(900);
    }
}
