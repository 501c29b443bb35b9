package io.fieldhub.routefiles;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.Yaml;

/**
 * Applies a saved route file to the running hub (docs/routes.md#changing-a-route-while-the-hub-runs): the file is
 * parsed and checked first, then only the routes it defines are replaced, each stopped gracefully so that the
 * messages in it are finished. A file that fails keeps the routes in force and is reported with its line.
 */
public class RouteFiles {

    private static final Logger LOG = LoggerFactory.getLogger(RouteFiles.class);

    private final CamelContext camel;
    private final Path folder;
    private final Clock clock;
    private final Map<String, String> inForce = new ConcurrentHashMap<>();
    private final Map<String, String> appliedAt = new ConcurrentHashMap<>();
    private final ExecutorService applier = Executors.newSingleThreadExecutor(task -> {
        Thread t = new Thread(task, "fieldhub-route-reload");
        t.setDaemon(true);
        return t;
    });
    private final Counter applied;
    private final Counter refused;
    private volatile RouteFileFailure lastFailure;

    public RouteFiles(CamelContext camel, Path folder, Clock clock, MeterRegistry meters) {
        this.camel = camel;
        this.folder = folder;
        this.clock = clock;
        this.applied = reloads(meters, "applied");
        this.refused = reloads(meters, "refused");
        // what Camel loads at start: the text each file's routes came from
        try (Stream<Path> files = Files.list(folder)) {
            files.filter(RouteFiles::isRouteFile).forEach(f -> inForce.put(name(f), read(f)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the route files in " + folder, e);
        }
    }

    private static Counter reloads(MeterRegistry meters, String outcome) {
        return Counter.builder("fieldhub.routes.reloads")
                .description("saved route files applied to the running hub, or refused with the routes kept")
                .tag("outcome", outcome)
                .register(meters);
    }

    /**
     * A route file was saved. Returns at once: the file is applied on a thread of its own, since the route that
     * calls this may be one of those the file replaces.
     */
    public void changed(String path) {
        applier.execute(() -> apply(Path.of(path)));
    }

    /** Checks the file and, if it passes, replaces the routes it defines; returns the failure, if any. */
    synchronized Optional<RouteFileFailure> apply(Path path) {
        String file = name(path);
        if (!isRouteFile(path) || !Files.exists(path)) {
            if (inForce.containsKey(file)) {
                LOG.warn("Route file {} is gone; its routes keep running until the hub restarts", file);
            }
            return Optional.empty();
        }
        String text = read(path);
        if (text.equals(inForce.get(file))) {
            return Optional.empty(); // saved without a change
        }
        Set<String> before = routeIdsOf(file);
        List<RouteBuilder> builders;
        try {
            builders = check(file, text);
        } catch (Exception e) {
            return Optional.of(refuse(file, e));
        }
        try {
            closeIntake(before);
            Set<String> ids = new java.util.LinkedHashSet<>();
            for (RouteBuilder builder : builders) {
                ids.addAll(builder.updateRoutesToCamelContext(camel));
            }
            for (String gone : before) {
                if (!ids.contains(gone)) {
                    camel.getRouteController().stopRoute(gone);
                    camel.removeRoute(gone);
                }
            }
            inForce.put(file, text);
            appliedAt.put(file, clock.instant().toString());
            applied.increment();
            LOG.info("Route file {} applied: routes {} replaced, the others untouched", file, ids);
            return Optional.empty();
        } catch (Exception e) {
            RouteFileFailure failure = refuse(file, e);
            restore(file);
            return Optional.of(failure);
        }
    }

    /** Parses the file as Camel would and checks what would make the swap unsafe; throws what is wrong. */
    private List<RouteBuilder> check(String file, String text) throws Exception {
        checkKinds(text);
        Resource resource = ResourceHelper.fromString("file:" + folder.resolve(file), text);
        List<RouteBuilder> builders = new ArrayList<>();
        for (RoutesBuilder found : PluginHelper.getRoutesLoader(camel).findRoutesBuilders(List.of(resource))) {
            RouteBuilder builder = (RouteBuilder) found;
            for (RouteDefinition route : builder.configureRoutes(camel).getRoutes()) {
                checkRoute(file, route);
            }
            builders.add(builder);
        }
        return builders;
    }

    /**
     * Only plain routes are swapped while the hub runs; templates, templated routes and route configurations are
     * shared by other files' routes and apply at the next start.
     */
    private static void checkKinds(String text) {
        Object top = new Yaml().load(text);
        if (!(top instanceof List<?> entries)) {
            throw new IllegalArgumentException("a route file is a YAML list of '- route:' entries");
        }
        for (Object entry : entries) {
            if (!(entry instanceof Map<?, ?> map) || !map.keySet().equals(Set.of("route"))) {
                Object kind = entry instanceof Map<?, ?> map ? map.keySet() : entry;
                throw new IllegalArgumentException(
                        "holds " + kind + ": only '- route:' entries are applied while the hub runs; restart the"
                                + " hub to apply route templates, templated routes or route configurations");
            }
        }
    }

    private void checkRoute(String file, RouteDefinition route) {
        String id = route.getRouteId();
        if (id == null || id.isBlank() || !route.hasCustomIdAssigned()) {
            throw new IllegalArgumentException("a route without an id cannot replace a running one; give it an id");
        }
        Route running = camel.getRoute(id);
        if (running != null && running.getSourceResource() != null) {
            String owner = fileOf(running);
            if (!owner.equals(file)) {
                throw new IllegalArgumentException("route id '" + id + "' is already defined in " + owner);
            }
        }
        // the endpoint a route consumes from must resolve (component, options, placeholders) before anything stops
        camel.getEndpoint(route.getInput().getEndpointUri());
    }

    private RouteFileFailure refuse(String file, Exception e) {
        RouteFileFailure failure = RouteFileFailure.of(file, e, clock.instant());
        lastFailure = failure;
        refused.increment();
        LOG.error("Route file {} not applied, the routes in force keep running: {}", file, failure.describe());
        return failure;
    }

    /**
     * Stops the consumers of the routes about to be replaced, so that the graceful stop that follows waits only for
     * the messages already in them. A direct consumer would otherwise keep taking new messages until the shutdown
     * timeout; stopped, it turns them away, and the ingest routes answer "send it again" (PUBACK 0x80).
     */
    private void closeIntake(Set<String> routeIds) throws Exception {
        for (String id : routeIds) {
            Route route = camel.getRoute(id);
            if (route != null) {
                ServiceHelper.stopService(route.getConsumer());
            }
        }
    }

    /** After a failed swap: the routes of the text last in force, as they were. */
    private void restore(String file) {
        try {
            for (RouteBuilder builder : check(file, inForce.get(file))) {
                builder.updateRoutesToCamelContext(camel);
            }
        } catch (Exception e) {
            LOG.error("Route file {}: the routes in force could not be restored; restart the hub", file, e);
        }
    }

    private Set<String> routeIdsOf(String file) {
        return camel.getRoutes().stream()
                .filter(r -> r.getSourceResource() != null && fileOf(r).equals(file))
                .map(Route::getRouteId)
                .collect(Collectors.toSet());
    }

    /** Each route file in force: its routes, the SHA-256 of its text, and when it was last applied while running. */
    public Map<String, Map<String, Object>> files() {
        Map<String, Map<String, Object>> files = new TreeMap<>();
        inForce.forEach((file, text) -> files.put(
                file,
                Map.of(
                        "routes", new java.util.TreeSet<>(routeIdsOf(file)),
                        "sha256", sha256(text),
                        "appliedAt", appliedAt.getOrDefault(file, "at start"))));
        return files;
    }

    public RouteFileFailure lastFailure() {
        return lastFailure;
    }

    /** The name of the file a route was loaded from (its source resource is a file: location). */
    private static String fileOf(Route route) {
        return name(Path.of(route.getSourceResource().getLocation().replaceFirst("^file:", "")));
    }

    private static boolean isRouteFile(Path path) {
        return path.getFileName().toString().endsWith(".camel.yaml");
    }

    private static String name(Path path) {
        return path.getFileName().toString();
    }

    private static String read(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read route file " + path, e);
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
