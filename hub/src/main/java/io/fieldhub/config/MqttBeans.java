package io.fieldhub.config;

import io.fieldhub.ingest.BrokerAuthenticator;
import io.fieldhub.ingest.BrokerIntake;
import io.fieldhub.ingest.InProcessIntake;
import io.fieldhub.ingest.OrderedAckMqttClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MqttDefaultFilePersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How telemetry gets from the broker to the flow: with the embedded broker, the broker hands it over in-process
 * ({@link BrokerIntake}, route {@code ingest-broker}); in every case the hub also holds its own MQTT session, which
 * the {@code ingest-mqtt} route consumes ({@code client: "#ingestMqttClient"}): all telemetry with an external broker
 * or {@code hub.mqtt.intake=subscription}, else only what an earlier run left queued in it.
 */
@Configuration(proxyBeanMethods = false)
class MqttBeans {

    /** Finished messages that may wait behind an unfinished one before it is stepped over. */
    private static final int MAX_HELD_ACKS = 1000;
    /**
     * How long an unfinished message may hold back the acknowledgements of later ones. HiveMQ sends the hub more only
     * after a PUBACK, so a message stuck alone (its exchange failed) holds up intake this long; a batch commit takes
     * milliseconds, so 2 s steps over nothing that is merely slow.
     */
    private static final Duration ACK_STEP_OVER = Duration.ofSeconds(2);

    /** The in-process intakes (devices, gateways) start handing over once Camel's routes run. */
    @Bean
    CamelContextConfiguration inProcessIntakesStart(ObjectProvider<InProcessIntake> intakes) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {}

            @Override
            public void afterApplicationStart(CamelContext camel) {
                intakes.orderedStream().forEach(i -> i.connect(camel));
            }
        };
    }

    @Bean(destroyMethod = "shutdown")
    OrderedAckMqttClient ingestMqttClient(
            HubProperties hub,
            BrokerAuthenticator.HubClient credential,
            @Value("${hub.mqtt.session-expiry}") long sessionExpiry,
            @Value("${hub.mqtt.persistence-dir}") String persistenceDir)
            throws MqttException {
        String clientId = credential.clientId();
        String username = credential.password().isBlank() ? "" : credential.username();
        String password = credential.password();
        var options = new MqttConnectionOptions();
        options.setServerURIs(new String[] {hub.mqtt().brokerUrl()});
        // A persistent session: the broker keeps what the hub has not acknowledged while it is away.
        options.setCleanStart(false);
        options.setSessionExpiryInterval(sessionExpiry);
        options.setAutomaticReconnect(true);
        options.setMaxReconnectDelay(128_000);
        options.setKeepAliveInterval(60);
        options.setConnectionTimeout(30);
        if (!username.isBlank()) {
            options.setUserName(username);
            options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        return new OrderedAckMqttClient(
                hub.mqtt().brokerUrl(),
                clientId,
                new MqttDefaultFilePersistence(persistenceDir),
                options,
                MAX_HELD_ACKS,
                ACK_STEP_OVER);
    }
}
