package io.fieldhub.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.embedded.EmbeddedBroker;
import io.fieldhub.simulator.CountingSubscriber.Received;
import io.fieldhub.simulator.cli.SimulateCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.util.TestSocketUtils;

/** The simulator keeps its load on across a broker that stops, as real devices do; each test has its own broker. */
class SimulatorReconnectIT {

    @TempDir
    Path home;

    @TempDir
    Path work;

    private final int port = TestSocketUtils.findAvailableTcpPort();
    private EmbeddedBroker broker;
    private CountingSubscriber subscriber;

    @BeforeEach
    void startBroker() throws Exception {
        broker = startedBroker();
        subscriber = new CountingSubscriber(broker.url());
    }

    @AfterEach
    void stopBroker() throws Exception {
        if (subscriber != null) {
            subscriber.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** Persistent, as the hub's broker: a restart on the same port and data folder keeps the sessions. */
    private EmbeddedBroker startedBroker() {
        EmbeddedBroker started = new EmbeddedBroker(home.resolve("broker"), "127.0.0.1", port, true);
        started.start();
        return started;
    }

    @Test
    void aRunOutlastsABrokerRestartAndEveryMessageItCountsAckedArrives() throws Exception {
        Path summaryFile = work.resolve("restart.json");
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> simulate(
                "--rate",
                "0",
                "--max-inflight",
                "64",
                "--duration",
                "8s",
                "--devices",
                "10",
                "--connections",
                "2",
                "--run-id",
                "rc1",
                "--give-up-after",
                "40s",
                "--json-summary",
                summaryFile.toString()));
        await().atMost(Duration.ofSeconds(20)).until(() -> subscriber.count() >= 200);

        broker.close();
        broker = startedBroker();

        assertThat(run.get(60, TimeUnit.SECONDS))
                .as("exit code: every message acknowledged")
                .isZero();
        JsonNode summary = new ObjectMapper().readTree(summaryFile.toFile());
        long sent = summary.get("sent").longValue();
        assertThat(summary.get("acked").longValue()).isEqualTo(sent);
        assertThat(summary.get("givenUp").longValue()).isZero();
        assertThat(summary.get("reconnects").longValue())
                .as("both connections came back")
                .isGreaterThanOrEqualTo(2);
        assertThat(summary.get("resends").longValue())
                .as("publishes in flight at the stop")
                .isPositive();
        // Every message the run counted acknowledged reaches the subscriber: each device's 1..n, none missing.
        await().atMost(Duration.ofSeconds(20)).until(() -> distinctIds() >= sent);
        Map<String, Set<Long>> seqsByDevice = subscriber.received().stream()
                .collect(Collectors.groupingBy(
                        Received::deviceId, Collectors.mapping(Received::seq, Collectors.toCollection(TreeSet::new))));
        assertThat(seqsByDevice)
                .hasSize(10)
                .allSatisfy((device, seqs) -> assertThat(seqs)
                        .containsExactlyElementsOf(
                                LongStream.rangeClosed(1, seqs.size()).boxed().toList()));
        assertThat(distinctIds()).isEqualTo(sent);
    }

    @Test
    void aBrokerThatLostTheSessionsGetsTheUnacknowledgedMessagesFromTheSimulator() throws Exception {
        Path summaryFile = work.resolve("fresh.json");
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> simulate(
                "--rate",
                "0",
                "--max-inflight",
                "64",
                "--duration",
                "6s",
                "--devices",
                "4",
                "--connections",
                "2",
                "--give-up-after",
                "40s",
                "--json-summary",
                summaryFile.toString()));
        await().atMost(Duration.ofSeconds(20)).until(() -> subscriber.count() >= 200);

        broker.close();
        // Another broker on the same port, with empty data and in memory: no session survives.
        broker = new EmbeddedBroker(home.resolve("fresh"), "127.0.0.1", port, false);
        broker.start();

        assertThat(run.get(60, TimeUnit.SECONDS))
                .as("exit code: every message acknowledged")
                .isZero();
        JsonNode summary = new ObjectMapper().readTree(summaryFile.toFile());
        assertThat(summary.get("acked").longValue())
                .isEqualTo(summary.get("sent").longValue());
        assertThat(summary.get("errors").longValue()).isZero();
        assertThat(summary.get("reconnects").longValue()).isGreaterThanOrEqualTo(2);
        assertThat(summary.get("resends").longValue())
                .as("one per publish in flight at the stop, sent again by the simulator")
                .isBetween(1L, 64L);
    }

    @Test
    void messagesUnacknowledgedForGiveUpAfterAreGivenUpAndTheRunEnds() throws Exception {
        Path summaryFile = work.resolve("down.json");
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> simulate(
                "--rate",
                "50",
                "--duration",
                "5s",
                "--devices",
                "4",
                "--connections",
                "2",
                "--give-up-after",
                "1s",
                "--json-summary",
                summaryFile.toString()));
        await().atMost(Duration.ofSeconds(20)).until(() -> subscriber.count() >= 20);

        subscriber.close();
        subscriber = null;
        broker.close();
        broker = null;

        assertThat(run.get(60, TimeUnit.SECONDS))
                .as("exit code: not every message acknowledged")
                .isEqualTo(1);
        JsonNode summary = new ObjectMapper().readTree(summaryFile.toFile());
        long sent = summary.get("sent").longValue();
        long acked = summary.get("acked").longValue();
        long givenUp = summary.get("givenUp").longValue();
        assertThat(acked).as("before the broker stopped").isPositive();
        assertThat(givenUp).as("sent while the broker was down").isPositive();
        assertThat(acked + givenUp + summary.get("errors").longValue()).isEqualTo(sent);
        assertThat(summary.get("unacknowledged").longValue()).isZero();
        assertThat(summary.get("reconnects").longValue()).isZero();
    }

    private long distinctIds() {
        List<Received> received = subscriber.received();
        return received.stream().map(Received::messageId).distinct().count();
    }

    private int simulate(String... options) {
        String[] args = new String[options.length + 2];
        args[0] = "--url";
        args[1] = "tcp://127.0.0.1:" + port;
        System.arraycopy(options, 0, args, 2, options.length);
        return SimulateCommand.commandLine().execute(args);
    }
}
