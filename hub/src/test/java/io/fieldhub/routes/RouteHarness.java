package io.fieldhub.routes;

import io.fieldhub.config.EmbeddedDefaults;
import io.fieldhub.config.NotifyDefaults;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.util.function.ThrowingConsumer;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.AbstractEnvironment;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;

/**
 * Runs route files from the real {@code routes/} folder in a plain Camel context, without Spring, so a route test
 * starts in well under a second. The routes read config/application.yaml, as the hub does, with what a test overrides
 * ({@link #property}) on top. The shared error handling ({@code errors.camel.yaml}) is always loaded, and a
 * {@link RecordingDeadLetters}, {@link RecordingStoreFailures} and {@link RecordingJobFailures} stand in for the
 * {@code deadLetters}, {@code storeFailures} and {@code jobFailures} beans unless a test binds others.
 *
 * <pre>
 * harness = new RouteHarness().bind("ingest", new Ingest(clock)).routes("ingest-http.camel.yaml")
 *         .advise("ingest-http", RouteHarness::backboneToMock)
 *         .start();
 * </pre>
 */
final class RouteHarness implements AutoCloseable {

    static final Path ROUTES = Path.of("..", "routes");
    static final Path RULES = Path.of("..", "rules");

    /** The hub's configuration as operators ship it. */
    static final Path CONFIG = Path.of("..", "config", "application.yaml");

    /**
     * Replaces the route's {@code to: "{{hub.backbone.endpoint}}"} with {@code mock:backbone}. AdviceWith compares a
     * {@code to} URI before its placeholders are resolved, so this matches the step's text instead.
     */
    static void backboneToMock(AdviceWithRouteBuilder route) throws Exception {
        route.weaveByToString(".*\\{\\{hub\\.backbone\\.endpoint}}.*").replace().to("mock:backbone");
    }

    /** What a test changes in config/application.yaml: where routes/ is, and where data goes (one per test JVM). */
    private final Map<String, Object> overrides = new LinkedHashMap<>(Map.of(
            "hub.home",
            "..",
            "hub.data-dir",
            "target/route-harness-" + ProcessHandle.current().pid()));

    private final List<String> routeFiles = new ArrayList<>(List.of("errors.camel.yaml"));
    private final Map<String, ThrowingConsumer<AdviceWithRouteBuilder, Exception>> advice = new LinkedHashMap<>();
    private final DefaultCamelContext context = new DefaultCamelContext();
    private final RecordingDeadLetters deadLetters = new RecordingDeadLetters();
    private final RecordingStoreFailures storeFailures = new RecordingStoreFailures();
    private ProducerTemplate template;

    RouteHarness() {
        context.getRegistry().bind("deadLetters", deadLetters);
        context.getRegistry().bind("storeFailures", storeFailures);
        context.getRegistry().bind("jobFailures", new RecordingJobFailures());
    }

    RouteHarness property(String key, Object value) {
        overrides.put(key, String.valueOf(value));
        return this;
    }

    RouteHarness bind(String name, Object bean) {
        // the registry keeps one bean per name and type: a stand-in of another type would otherwise stay first
        context.getRegistry().unbind(name);
        context.getRegistry().bind(name, bean);
        return this;
    }

    /** Route files to load from {@code routes/}, besides {@code errors.camel.yaml}. */
    RouteHarness routes(String... files) {
        routeFiles.addAll(List.of(files));
        return this;
    }

    /** AdviceWith for the route with this id, applied before the context starts. */
    RouteHarness advise(String routeId, ThrowingConsumer<AdviceWithRouteBuilder, Exception> change) {
        advice.put(routeId, change);
        return this;
    }

    RouteHarness start() throws Exception {
        context.getPropertiesComponent().setInitialProperties(configuration());
        context.build();
        List<Resource> resources = new ArrayList<>();
        for (String file : routeFiles) {
            resources.add(ResourceHelper.resolveMandatoryResource(context, "file:" + ROUTES.resolve(file)));
        }
        PluginHelper.getRoutesLoader(context).loadRoutes(resources);
        for (var entry : advice.entrySet()) {
            AdviceWith.adviceWith(context, entry.getKey(), route -> {
                route.setLogRouteAsXml(false);
                entry.getValue().accept(route);
            });
        }
        context.start();
        template = context.createProducerTemplate();
        return this;
    }

    /**
     * config/application.yaml under the test's overrides, with what the hub derives from it at start (EmbeddedDefaults,
     * NotifyDefaults) and Spring's ${...} placeholders resolved, as the hub hands it to its routes.
     */
    private Properties configuration() throws IOException {
        ConfigurableEnvironment env = new AbstractEnvironment() {};
        env.getPropertySources().addFirst(new MapPropertySource("test", overrides));
        new YamlPropertySourceLoader()
                .load(CONFIG.toString(), new FileSystemResource(CONFIG))
                .forEach(env.getPropertySources()::addLast);
        new EmbeddedDefaults().postProcessEnvironment(env, null);
        new NotifyDefaults().postProcessEnvironment(env, null);
        Properties resolved = new Properties();
        for (PropertySource<?> source : env.getPropertySources()) {
            for (String key : ((EnumerablePropertySource<?>) source).getPropertyNames()) {
                resolved.putIfAbsent(key, env.getProperty(key));
            }
        }
        return resolved;
    }

    CamelContext context() {
        return context;
    }

    ProducerTemplate template() {
        return template;
    }

    MockEndpoint mock(String name) {
        return context.getEndpoint("mock:" + name, MockEndpoint.class);
    }

    RecordingDeadLetters deadLetters() {
        return deadLetters;
    }

    RecordingStoreFailures storeFailures() {
        return storeFailures;
    }

    @Override
    public void close() {
        context.stop();
    }
}
