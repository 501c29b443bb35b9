package io.fieldhub.ingest.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.deadletter.DeadLetters;
import io.fieldhub.device.DeviceRegistry;
import io.fieldhub.ingest.DeviceQuota;
import io.fieldhub.process.DeviceLanes;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The beans route {@code ingest-gateway} calls. The embedded broker's gateway intake (bean
 * {@code gatewayBrokerIntake}) is made with the broker and started with the other in-process intakes (MqttBeans).
 */
@Configuration(proxyBeanMethods = false)
class GatewayBeans {

    @Bean
    GatewayBatches gatewayBatches(
            ObjectMapper mapper,
            DeviceRegistry registry,
            Clock clock,
            GatewaySettings settings,
            @Value("${hub.ingest.max-payload-bytes}") int maxPayloadBytes) {
        return new GatewayBatches(mapper, registry, clock, settings.maxReadings(), maxPayloadBytes);
    }

    /** As many hand-off threads as device lanes: handing on is cheap next to processing. */
    @Bean(destroyMethod = "stop")
    GatewayFanOut gatewayFanOut(DeadLetters deadLetters, DeviceQuota quota, MeterRegistry meters, DeviceLanes lanes) {
        return new GatewayFanOut(deadLetters, quota, meters, lanes.count());
    }
}
