package io.fieldhub.rules;

import static io.fieldhub.rules.TestRules.HEADER;
import static io.fieldhub.rules.TestRules.HOT;
import static io.fieldhub.rules.TestRules.T0;
import static io.fieldhub.rules.TestRules.hot;
import static org.assertj.core.api.Assertions.assertThat;

import io.fieldhub.alert.RaisedAlert;
import io.fieldhub.routes.SettableClock;
import io.fieldhub.telemetry.TelemetryRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A swap builds each partition's new session off its lane: the lane goes on evaluating on the old rules meanwhile,
 * and the new session takes over what the lane did in that time before it is put in place.
 */
class RuleTakeOverTest {

    // The rules in force before the swap: a window, so that readings stay in rule memory to be taken over.
    private static final String OLD = HEADER + HOT + """
            rule "Busy"
            when
                $d : Device()
                accumulate( Reading( deviceId == $d.id ) over window:time(10m); $n : count(); $n >= 1000 )
            then
                alerts.raise("INFO", "busy", $d);
            end
            """;
    // The new rules count each device's readings in the window: a reading lost or counted twice shows. They declare a
    // type, so new sessions take over rather than the base changing in place (RuleUpdate).
    private static final String NEW = HEADER + """
            declare Marker
            end
            rule "Three"
            when
                $d : Device()
                accumulate( $x : Reading( deviceId == $d.id ) over window:time(10m); $n : count( $x ); $n >= 3 )
            then
                alerts.raise("WARNING", "three", $d, "readings", $n, 3.0);
            end
            rule "Silent"
            when
                $d : Device( minutesSilent == 10 )
            then
                alerts.raise("WARNING", "silent", $d);
            end
            """;

    private final RuleSetBuilder builder = new RuleSetBuilder(Duration.ofMinutes(15));
    private final SettableClock clock = new SettableClock(T0);
    private final CountDownLatch building = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private RuleEngine engine;
    private int seq;

    @BeforeEach
    void start() {
        engine = new RuleEngine(build(OLD), 2, Duration.ofSeconds(30), clock, new SimpleMeterRegistry());
        // far beyond how long any build here takes: a build held back by the test is never given up on
        engine.limitTime(Duration.ofSeconds(60));
    }

    @AfterEach
    void dispose() {
        release.countDown();
        engine.dispose();
    }

    @Test
    void theWindowsCountReadingsFromBeforeDuringAndAfterTheSwapOnce() throws Exception {
        evaluate("c-1", 1);
        holdBuilds();
        CompletableFuture<List<RaisedAlert>> swap = swapAsync();
        awaitBuilding();
        evaluate("c-1", 2);
        evaluate("n-1", 3);
        release.countDown();

        assertThat(swap.get(30, TimeUnit.SECONDS))
                .as("two readings of c-1 at the take-over, the second evaluated during the build: no alert yet")
                .isEmpty();
        assertThat(evaluate("c-1", 4)).singleElement().satisfies(a -> {
            assertThat(a.ruleId()).isEqualTo("Three");
            assertThat(a.value()).isEqualTo(3.0);
        });
        assertThat(evaluate("n-1", 5))
                .as("n-1, first seen during the build: two readings")
                .isEmpty();
        assertThat(evaluate("n-1", 6))
                .as("n-1's fact reached the new session")
                .singleElement()
                .satisfies(a -> {
                    assertThat(a.deviceId()).isEqualTo("n-1");
                    assertThat(a.value()).isEqualTo(3.0);
                });
        assertThat(engine.liveReadings()).isEqualTo(6);
    }

    @Test
    void theLaneKeepsEvaluatingWhileTheNewSessionIsBuilt() throws Exception {
        evaluate("c-1", 1);
        holdBuilds();
        CompletableFuture<List<RaisedAlert>> swap = swapAsync();
        awaitBuilding();

        CompletableFuture<List<RaisedAlert>> during = CompletableFuture.supplyAsync(() -> evaluate("c-1", 2));
        assertThat(during.get(10, TimeUnit.SECONDS))
                .as("evaluated on the old rules while the build is held back")
                .extracting(RaisedAlert::ruleId)
                .containsExactly("Hot");
        assertThat(swap).as("the swap waits for the build it needs").isNotDone();

        release.countDown();
        swap.get(30, TimeUnit.SECONDS);
        assertThat(evaluate("c-1", 3)).extracting(RaisedAlert::ruleId).containsExactly("Three");
    }

    @Test
    void aDeviceForgottenDuringTheSwapIsGoneFromTheNewSession() throws Exception {
        evaluate("g-1", 1);
        evaluate("g-1", 2);
        evaluate("c-1", 3);
        holdBuilds();
        CompletableFuture<List<RaisedAlert>> swap = swapAsync();
        awaitBuilding();
        engine.forget("g-1");
        release.countDown();
        swap.get(30, TimeUnit.SECONDS);

        assertThat(engine.liveReadings()).as("c-1's reading alone").isEqualTo(1);
        assertThat(evaluate("g-1", 4))
                .as("g-1 starts again with an empty window and a single fact")
                .isEmpty();
        assertThat(evaluate("g-1", 5)).isEmpty();
        assertThat(evaluate("g-1", 6))
                .as("one fact of g-1 counts its three readings")
                .singleElement()
                .satisfies(a -> assertThat(a.value()).isEqualTo(3.0));
        clock.set(T0.plusSeconds(11 * 60));
        assertThat(engine.tick())
                .as("each device silent once: g-1's old fact left with it")
                .extracting(RaisedAlert::deviceId)
                .containsExactlyInAnyOrder("g-1", "c-1");
    }

    @Test
    void whatTheLaneDidAfterTheBuildIsTakenInAtTheTakeOver() {
        RulePartition lane = new RulePartition(build(OLD), T0.toEpochMilli(), new RuleLimits(), new Quarantine());
        long ruleClock = T0.toEpochMilli();
        // what a RuleWorker sets for each unit of work: a minute is more than this test takes
        lane.deadline(System.nanoTime() + Duration.ofMinutes(1).toNanos());
        lane.evaluate(record("c-1", 1), ruleClock);
        lane.evaluate(record("g-1", 2), ruleClock);
        RuleTakeOver takeOver = lane.takeOverBy(build(NEW));
        takeOver.start(Runnable::run);
        // after the build: only the take-over on the lane can take these in
        lane.evaluate(record("c-1", 3), ruleClock);
        lane.forget("g-1");

        assertThat(takeOver.ready(new java.util.ArrayList<>())).isTrue();
        assertThat(takeOver.claim()).isTrue();
        assertThat(lane.takeOver(takeOver)).isEmpty();
        assertThat(lane.liveReadings()).as("c-1's two readings").isEqualTo(2);
        assertThat(lane.evaluate(record("c-1", 4), ruleClock)).singleElement().satisfies(a -> {
            assertThat(a.ruleId()).isEqualTo("Three");
            assertThat(a.value()).isEqualTo(3.0);
        });
        lane.evaluate(record("g-1", 5), ruleClock);
        assertThat(lane.evaluate(record("g-1", 6), ruleClock))
                .as("g-1 left with its reading")
                .isEmpty();
        lane.dispose();
    }

    @Test
    void aBuildThatCannotStartFallsBackToTheSwapOnTheLane() {
        evaluate("c-1", 1);
        evaluate("c-1", 2);
        engine.swaps().buildOn(build -> {
            throw new RejectedExecutionException("no thread for the build");
        });

        assertThat(engine.swap(build(NEW)))
                .as("the lane took its readings over on its own thread")
                .isEmpty();
        assertThat(evaluate("c-1", 3)).extracting(RaisedAlert::ruleId).containsExactly("Three");
    }

    @Test
    void aBuildThatDoesNotEndInTimeFallsBackToTheSwapOnTheLane() {
        engine.limitTime(Duration.ofMillis(300));
        evaluate("c-1", 1);
        evaluate("c-1", 2);
        engine.swaps().buildOn(build -> {});

        engine.swap(build(NEW));
        assertThat(evaluate("c-1", 3)).extracting(RaisedAlert::ruleId).containsExactly("Three");
        assertThat(engine.liveReadings()).isEqualTo(3);
    }

    /** Builds wait for the test's release, each on a thread of its own. */
    private void holdBuilds() {
        engine.swaps()
                .buildOn(build -> new Thread(() -> {
                            building.countDown();
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return;
                            }
                            build.run();
                        })
                        .start());
    }

    private CompletableFuture<List<RaisedAlert>> swapAsync() {
        RuleSet next = build(NEW);
        return CompletableFuture.supplyAsync(() -> engine.swap(next));
    }

    private void awaitBuilding() throws InterruptedException {
        assertThat(building.await(10, TimeUnit.SECONDS)).as("a build started").isTrue();
    }

    private RuleSet build(String drl) {
        return builder.build(Map.of("t/rules.drl", drl.getBytes()));
    }

    private List<RaisedAlert> evaluate(String deviceId, int second) {
        return engine.evaluate(record(deviceId, second));
    }

    private TelemetryRecord record(String deviceId, int second) {
        return hot("m-" + ++seq, deviceId, second);
    }
}
