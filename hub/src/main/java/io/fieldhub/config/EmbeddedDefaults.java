package io.fieldhub.config;

import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Decides, from configuration alone, which parts run embedded: a part is embedded unless its external address is
 * set ({@code hub.mqtt.broker-url}, {@code spring.datasource.url}, {@code hub.s3.endpoint}); email is on when
 * {@code hub.mail.host} is set, SMS when {@code hub.sms.host} is. The same route files then run against either.
 */
public class EmbeddedDefaults implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        Map<String, Object> derived = new HashMap<>();
        boolean broker = !env.containsProperty("hub.mqtt.broker-url");
        derived.put("hub.mqtt.embedded", broker);
        if (broker) {
            derived.put("hub.mqtt.broker-url", "tcp://localhost:${hub.mqtt.port}");
        }
        boolean database = !env.containsProperty("spring.datasource.url");
        derived.put("hub.database.embedded", database);
        if (database) {
            derived.put("spring.datasource.url", "jdbc:postgresql://localhost:${hub.database.port}/postgres");
            derived.put("spring.datasource.username", "postgres");
            derived.put("spring.datasource.password", "postgres");
        }
        boolean s3 = !env.containsProperty("hub.s3.endpoint");
        derived.put("hub.s3.embedded", s3);
        if (s3) {
            derived.put("hub.s3.endpoint", "http://localhost:${hub.s3.port}");
        }
        String mailHost = env.getProperty("hub.mail.host", "");
        derived.put("hub.mail.enabled", !mailHost.isBlank());
        String smsHost = env.getProperty("hub.sms.host", "");
        derived.put("hub.sms.enabled", !smsHost.isBlank());
        env.getPropertySources().addLast(new MapPropertySource("fieldhubEmbeddedDefaults", derived));
    }
}
