package io.fieldhub.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fieldhub.routefiles.RouteFileFailure;
import io.fieldhub.routefiles.RouteFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * routes/routes-reload.camel.yaml on a routes folder of its own: a saved route file replaces the routes it defines
 * in the running context, and only those; a file that fails its check keeps the routes in force and says why, with
 * the line.
 */
class RoutesReloadRouteIT {

    static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path home;

    Path routes;
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RouteFiles routeFiles;
    RouteHarness hub;

    @BeforeEach
    void start() throws Exception {
        routes = Files.createDirectories(home.resolve("routes"));
        Files.writeString(routes.resolve("greet.camel.yaml"), greet("greet", "v1"));
        Files.writeString(routes.resolve("other.camel.yaml"), greet("other", "untouched"));
        hub = new RouteHarness().property("hub.home", home).routes("routes-reload.camel.yaml");
        routeFiles = new RouteFiles(hub.context(), routes, Clock.systemUTC(), meters);
        hub.bind("routeFiles", routeFiles).start();
        PluginHelper.getRoutesLoader(hub.context())
                .loadRoutes(List.of(
                        ResourceHelper.resolveMandatoryResource(
                                hub.context(), "file:" + routes.resolve("greet.camel.yaml")),
                        ResourceHelper.resolveMandatoryResource(
                                hub.context(), "file:" + routes.resolve("other.camel.yaml"))));
        assertThat(call("greet")).isEqualTo("v1");
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void aSavedFileReplacesOnlyItsOwnRoutes() throws Exception {
        var otherRoute = hub.context().getRoute("other");

        Files.writeString(routes.resolve("greet.camel.yaml"), greet("greet", "v2"));

        await().atMost(DEADLINE).until(() -> call("greet").equals("v2"));
        assertThat(hub.context().getRoute("other"))
                .as("the other file's route object")
                .isSameAs(otherRoute);
        assertThat(call("other")).isEqualTo("untouched");
        assertThat(routeFiles.files().get("greet.camel.yaml"))
                .containsEntry("routes", new java.util.TreeSet<>(List.of("greet")))
                .doesNotContainEntry("appliedAt", "at start");
        assertThat(reloads("applied")).isEqualTo(1);
    }

    @Test
    void aBrokenFileKeepsTheRoutesInForceAndNamesTheLine() throws Exception {
        Files.writeString(routes.resolve("greet.camel.yaml"), """
                - route:
                    id: greet
                    from:
                      uri: direct:greet
                      steps:
                        - setBody: {constant: "v2"
                """);

        RouteFileFailure failure = await().atMost(DEADLINE).until(routeFiles::lastFailure, f -> f != null);
        assertThat(failure.file()).isEqualTo("greet.camel.yaml");
        assertThat(failure.line()).isBetween(6, 7);
        assertThat(call("greet")).isEqualTo("v1");
        assertThat(reloads("refused")).isEqualTo(1);
        assertThat(reloads("applied")).isZero();
    }

    @Test
    void aFileThatTakesAnotherFilesRouteIdIsRefused() throws Exception {
        Files.writeString(routes.resolve("greet.camel.yaml"), greet("other", "stolen"));

        RouteFileFailure failure = await().atMost(DEADLINE).until(routeFiles::lastFailure, f -> f != null);
        assertThat(failure.message()).contains("route id 'other' is already defined in other.camel.yaml");
        assertThat(call("other")).isEqualTo("untouched");
        assertThat(call("greet")).isEqualTo("v1");
    }

    @Test
    void aConsumerEndpointThatCannotBeResolvedIsRefusedBeforeAnythingStops() throws Exception {
        Files.writeString(
                routes.resolve("greet.camel.yaml"),
                greet("greet", "v2").replace("direct:greet", "direct:greet?noSuchOption=true"));

        RouteFileFailure failure = await().atMost(DEADLINE).until(routeFiles::lastFailure, f -> f != null);
        assertThat(failure.message()).contains("noSuchOption");
        assertThat(call("greet")).isEqualTo("v1");
    }

    @Test
    void aFileWithARouteTemplateAppliesAtTheNextStartAndSaysSo() throws Exception {
        Files.writeString(routes.resolve("greet.camel.yaml"), """
                - routeTemplate:
                    id: greeter
                    from:
                      uri: direct:greeter
                      steps:
                        - setBody: {constant: hello}
                """);

        RouteFileFailure failure = await().atMost(DEADLINE).until(routeFiles::lastFailure, f -> f != null);
        assertThat(failure.message()).contains("restart the hub");
        assertThat(call("greet")).isEqualTo("v1");
    }

    private String call(String route) {
        return hub.template().requestBody("direct:" + route, "", String.class);
    }

    private double reloads(String outcome) {
        return meters.get("fieldhub.routes.reloads")
                .tag("outcome", outcome)
                .counter()
                .count();
    }

    private static String greet(String id, String answer) {
        return """
                - route:
                    id: %s
                    from:
                      uri: direct:%s
                      steps:
                        - setBody: {constant: "%s"}
                """.formatted(id, id, answer);
    }
}
