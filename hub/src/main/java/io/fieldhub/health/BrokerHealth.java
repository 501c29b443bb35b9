package io.fieldhub.health;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Consumer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/** Health "broker": UP while the ingest route's MQTT client is connected to the broker. */
@Component("brokerHealthIndicator") // shown as "broker"
class BrokerHealth implements HealthIndicator {

    private final CamelContext camel;
    private final String brokerUrl;

    BrokerHealth(CamelContext camel, @Value("${hub.mqtt.broker-url}") String brokerUrl) {
        this.camel = camel;
        this.brokerUrl = brokerUrl;
    }

    @Override
    public Health health() {
        Route route = camel.getRoute("ingest-mqtt");
        boolean connected = route != null
                && route.getConsumer() instanceof PahoMqtt5Consumer consumer
                && consumer.getClient() != null
                && consumer.getClient().isConnected();
        return (connected ? Health.up() : Health.down())
                .withDetail("brokerUrl", brokerUrl)
                .build();
    }
}
