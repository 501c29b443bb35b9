package io.fieldhub.security;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;

/**
 * {@code hub.production=true} refuses to start until the hub is fit to face a network: HTTPS for the API, TLS for
 * devices, Keycloak for people, and no embedded default credential. Every shortfall is named with its fix at once.
 */
public class ProductionGuard implements EnvironmentPostProcessor, Ordered {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        if (!env.getProperty("hub.production", Boolean.class, false)) {
            return;
        }
        List<String> missing = shortfalls(env);
        if (!missing.isEmpty()) {
            throw new IllegalStateException("hub.production=true, but the hub is not ready for production:\n  - "
                    + String.join("\n  - ", missing) + "\n(docs/security.md#production)");
        }
    }

    static List<String> shortfalls(Environment env) {
        List<String> missing = new ArrayList<>();
        if (!flag(env, "server.ssl.enabled")) {
            missing.add("the API is plain HTTP: set SERVER_SSL_ENABLED=true and SERVER_SSL_KEY_STORE");
        }
        if (blank(env, "hub.security.keycloak.url")) {
            missing.add("no Keycloak: set HUB_SECURITY_KEYCLOAK_URL (and import config/keycloak/fieldhub-realm.json)");
        }
        if (flag(env, "hub.security.local-users")) {
            missing.add("local users (HTTP Basic) are on: set HUB_SECURITY_LOCAL_USERS=false; people sign in with"
                    + " Keycloak");
        }
        if (flag(env, "hub.mqtt.embedded")) {
            if (flag(env, "hub.mqtt.plain")) {
                missing.add("the broker takes plain MQTT: set HUB_MQTT_PLAIN=false (devices use TLS on 8883)");
            }
            if (!flag(env, "hub.mqtt.tls.enabled") || blank(env, "hub.mqtt.tls.keystore")) {
                missing.add("the broker has no certificate of yours: set HUB_MQTT_TLS_KEYSTORE (and its password)");
            }
        } else if (!env.getProperty("hub.mqtt.broker-url", "").startsWith("ssl://")) {
            missing.add("the external broker is reached without TLS: use an ssl:// HUB_MQTT_BROKER_URL");
        }
        if (flag(env, "hub.database.embedded")) {
            missing.add("the database is the embedded one with its default password: set SPRING_DATASOURCE_URL,"
                    + " SPRING_DATASOURCE_USERNAME and SPRING_DATASOURCE_PASSWORD");
        }
        if (flag(env, "hub.s3.embedded") || "fieldhub-secret".equals(env.getProperty("hub.s3.secret-key"))) {
            missing.add("the object store is the embedded one or uses the default key: set HUB_S3_ENDPOINT,"
                    + " HUB_S3_ACCESS_KEY and HUB_S3_SECRET_KEY");
        }
        return missing;
    }

    /** After {@code EmbeddedDefaults}, which decides what runs embedded. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    private static boolean flag(Environment env, String key) {
        return env.getProperty(key, Boolean.class, false);
    }

    private static boolean blank(Environment env, String key) {
        return env.getProperty(key, "").isBlank();
    }
}
