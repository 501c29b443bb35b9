package io.fieldhub.config;

import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Splits {@code hub.notify.routing-file} into the folder and the name the {@code notify-routing-reload} route
 * watches ({@code hub.notify.watch-dir}, {@code hub.notify.watch-file}): Camel's file-watch takes a folder, and an
 * operator should set one path, not three.
 */
public class NotifyDefaults implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        String file = env.getProperty(
                "hub.notify.routing-file", env.resolvePlaceholders("${hub.home:.}/config/notifications.yaml"));
        Path path = Path.of(file).toAbsolutePath().normalize();
        env.getPropertySources()
                .addLast(new MapPropertySource(
                        "fieldhubNotifyDefaults",
                        Map.of(
                                "hub.notify.watch-dir", path.getParent().toString(),
                                "hub.notify.watch-file", path.getFileName().toString())));
    }
}
