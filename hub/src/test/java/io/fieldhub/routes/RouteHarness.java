package io.fieldhub.routes;

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

/**
 * Runs route files from the real {@code routes/} folder in a plain Camel context, without Spring, so a route test
 * starts in well under a second. The shared error handling ({@code errors.camel.yaml}) is always loaded, and a
 * {@link RecordingDeadLetters} stands in for the {@code deadLetters} bean unless a test binds another.
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

    /** Every key the route files read, with the value config/application.yaml (and EmbeddedDefaults) gives it. */
    static Map<String, String> shippedProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("hub.backbone.endpoint", "direct:process");
        p.put("hub.mqtt.broker-url", "tcp://localhost:1883");
        p.put("hub.mqtt.client-id", "fieldhub-ingest");
        p.put("hub.mqtt.session-expiry", "604800");
        p.put("hub.mqtt.persistence-dir", "./data/mqtt-client");
        p.put("hub.archive.check-interval", "1000");
        p.put("hub.alerts.escalation-check", "10s");
        p.put("hub.notify.batch-size", "100");
        p.put("hub.home", "..");
        p.put("hub.mail.enabled", "false");
        p.put("hub.mail.port", "25");
        p.put("hub.mail.from", "fieldhub@localhost");
        p.put("hub.mail.starttls", "false");
        p.put("hub.mail.batch-size", "20");
        p.put("hub.mail.poll-interval", "500");
        p.put("hub.sms.enabled", "false");
        p.put("hub.sms.port", "2775");
        p.put("hub.sms.system-id", "fieldhub");
        p.put("hub.sms.source-address", "FieldHub");
        p.put("hub.sms.source-ton", "5");
        p.put("hub.sms.source-npi", "0");
        p.put("hub.sms.batch-size", "20");
        p.put("hub.sms.poll-interval", "500");
        p.put("hub.sms.reconnect-delay", "5000");
        p.put("hub.notify.circuit.failure-rate", "50");
        p.put("hub.notify.circuit.window", "10");
        p.put("hub.notify.circuit.min-calls", "5");
        p.put("hub.notify.circuit.open-seconds", "30");
        p.put("hub.notify.circuit.half-open-calls", "1");
        return p;
    }

    /**
     * Replaces the route's {@code to: "{{hub.backbone.endpoint}}"} with {@code mock:backbone}. AdviceWith compares a
     * {@code to} URI before its placeholders are resolved, so this matches the step's text instead.
     */
    static void backboneToMock(AdviceWithRouteBuilder route) throws Exception {
        route.weaveByToString(".*\\{\\{hub\\.backbone\\.endpoint}}.*").replace().to("mock:backbone");
    }

    private final Map<String, String> properties = shippedProperties();
    private final List<String> routeFiles = new ArrayList<>(List.of("errors.camel.yaml"));
    private final Map<String, ThrowingConsumer<AdviceWithRouteBuilder, Exception>> advice = new LinkedHashMap<>();
    private final DefaultCamelContext context = new DefaultCamelContext();
    private final RecordingDeadLetters deadLetters = new RecordingDeadLetters();
    private ProducerTemplate template;

    RouteHarness() {
        context.getRegistry().bind("deadLetters", deadLetters);
    }

    RouteHarness property(String key, Object value) {
        properties.put(key, String.valueOf(value));
        return this;
    }

    RouteHarness bind(String name, Object bean) {
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
        Properties initial = new Properties();
        initial.putAll(properties);
        context.getPropertiesComponent().setInitialProperties(initial);
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

    @Override
    public void close() {
        context.stop();
    }

    /** A port nobody listens on right now, for a test's own server. */
    static int freePort() throws java.io.IOException {
        try (var socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
