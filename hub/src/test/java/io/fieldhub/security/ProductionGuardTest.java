package io.fieldhub.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

class ProductionGuardTest {

    /** The embedded defaults as EmbeddedDefaults derives them, in production. */
    private static MockEnvironment embeddedDefaults() {
        return new MockEnvironment()
                .withProperty("hub.production", "true")
                .withProperty("hub.security.local-users", "true")
                .withProperty("hub.mqtt.embedded", "true")
                .withProperty("hub.mqtt.plain", "true")
                .withProperty("hub.mqtt.tls.enabled", "true")
                .withProperty("hub.database.embedded", "true")
                .withProperty("hub.s3.embedded", "true")
                .withProperty("hub.s3.secret-key", "fieldhub-secret");
    }

    @Test
    void theEmbeddedDefaultsDoNotStartInProductionAndEveryShortfallIsNamed() {
        assertThatThrownBy(
                        () -> new ProductionGuard().postProcessEnvironment(embeddedDefaults(), new SpringApplication()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("SERVER_SSL_ENABLED")
                .hasMessageContaining("HUB_SECURITY_KEYCLOAK_URL")
                .hasMessageContaining("HUB_SECURITY_LOCAL_USERS=false")
                .hasMessageContaining("HUB_MQTT_PLAIN=false")
                .hasMessageContaining("HUB_MQTT_TLS_KEYSTORE")
                .hasMessageContaining("SPRING_DATASOURCE_URL")
                .hasMessageContaining("HUB_S3_SECRET_KEY");
    }

    @Test
    void aHubWithTlsKeycloakAndItsOwnServersStarts() {
        MockEnvironment ready = new MockEnvironment()
                .withProperty("hub.production", "true")
                .withProperty("server.ssl.enabled", "true")
                .withProperty("hub.security.keycloak.url", "https://sso.example.com")
                .withProperty("hub.security.local-users", "false")
                .withProperty("hub.mqtt.embedded", "true")
                .withProperty("hub.mqtt.plain", "false")
                .withProperty("hub.mqtt.tls.enabled", "true")
                .withProperty("hub.mqtt.tls.keystore", "/etc/fieldhub/broker.p12")
                .withProperty("hub.database.embedded", "false")
                .withProperty("hub.s3.embedded", "false")
                .withProperty("hub.s3.secret-key", "a-secret-of-our-own");

        assertThat(ProductionGuard.shortfalls(ready)).isEmpty();
    }

    @Test
    void anExternalBrokerMustBeReachedOverTls() {
        MockEnvironment env = embeddedDefaults()
                .withProperty("hub.mqtt.embedded", "false")
                .withProperty("hub.mqtt.broker-url", "tcp://mosquitto:1883");

        assertThat(ProductionGuard.shortfalls(env))
                .anySatisfy(s -> assertThat(s).contains("ssl://"));
    }

    @Test
    void withoutProductionNothingIsChecked() {
        assertThatCode(() -> new ProductionGuard()
                        .postProcessEnvironment(
                                embeddedDefaults().withProperty("hub.production", "false"), new SpringApplication()))
                .doesNotThrowAnyException();
    }
}
