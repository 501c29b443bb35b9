package io.fieldhub.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldhub.embedded.EmbeddedBroker;
import io.fieldhub.ingest.BrokerExtension;
import io.fieldhub.ingest.BrokerIntake;
import io.fieldhub.ingest.DeviceQuota;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Phase 1, the ceiling: the hub's own path minus the hub. The same embedded broker runs the hub's broker intake
 * ({@link BrokerIntake}: the same extension, interceptor and extension executors), but the route it hands each
 * publish to stops at once, so every PUBACK is SUCCESS without storing. The same simulator and fleet as the hub's
 * steps, with the devices' credentials (which it takes without checking: a CONNECT's check is the hub's work). First
 * as fast as it goes (the ceiling the hub is judged against), then at the ramp's rates, for the PUBACK
 * latency the broker and the simulator alone cost on this machine: the floor under the hub's own figures.
 */
final class BrokerCeiling {

    /** The hub's default {@code hub.mqtt.store-timeout}; a publish never waits for it here. */
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(30);

    /**
     * @param ackedRate the flood's acknowledged rate: the ceiling
     * @param paced the ceiling at each of the ramp's rates, up to the first it could not keep up with
     */
    record Result(long sent, long acked, double ackedRate, List<Paced> paced) {}

    /** One rate: acked rate and publish-to-PUBACK p50, p95, p99 as the simulator saw them. */
    record Paced(int offered, double ackedRate, double[] pubackMs, boolean keptUp) {}

    static Result measure(SimulatorRun simulator, Path dir, int port, long count, List<Integer> rates, int seconds)
            throws Exception {
        // no per-device quota: the quota check is part of the hub's work, which the ceiling leaves out
        var intake = new BrokerIntake(STORE_TIMEOUT, new DeviceQuota(0, 1), new SimpleMeterRegistry());
        try (var camel = new DefaultCamelContext();
                var broker = new EmbeddedBroker(
                        dir.resolve("ceiling-broker"),
                        "127.0.0.1",
                        port,
                        true,
                        BrokerExtension.of((auth, allow) -> allow.authenticateSuccessfully(), intake))) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(BrokerIntake.ENDPOINT)
                            .routeId("ceiling-answer-at-once")
                            .stop();
                }
            });
            camel.start();
            intake.connect(camel);
            broker.start();
            JsonNode flood = simulator.run("ceiling", broker.url(), "--rate", "0", "--count", "" + count);
            System.out.printf(
                    "    flood: acked %.0f msg/s%n", flood.path("ackedRate").asDouble());
            List<Paced> paced = new ArrayList<>();
            for (int rate : rates) {
                JsonNode summary = simulator.run(
                        "ceiling-r" + rate, broker.url(), "--rate", "" + rate, "--duration", seconds + "s");
                JsonNode latency = summary.path("latencyMs");
                double ackedRate = summary.path("ackedRate").asDouble();
                Paced step = new Paced(
                        rate,
                        ackedRate,
                        new double[] {
                            latency.path("p50").asDouble(),
                            latency.path("p95").asDouble(),
                            latency.path("p99").asDouble()
                        },
                        ackedRate >= RampStep.KEPT_UP * rate);
                paced.add(step);
                System.out.printf(
                        "    ceiling at %d msg/s: acked %.0f/s, PUBACK p50/p99 %.0f / %.0f ms%s%n",
                        rate, ackedRate, step.pubackMs()[0], step.pubackMs()[2], step.keptUp() ? "" : ", FELL BEHIND");
                if (!step.keptUp()) {
                    break;
                }
            }
            return new Result(
                    flood.path("sent").asLong(),
                    flood.path("acked").asLong(),
                    flood.path("ackedRate").asDouble(),
                    paced);
        }
    }
}
