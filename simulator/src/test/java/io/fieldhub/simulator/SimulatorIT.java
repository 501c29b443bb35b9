package io.fieldhub.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.embedded.EmbeddedBroker;
import io.fieldhub.simulator.CountingSubscriber.Received;
import io.fieldhub.simulator.cli.SimulateCommand;
import io.fieldhub.simulator.payload.FrameEncoder;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.util.TestSocketUtils;

/** The simulator, run in-process as {@code ./simulate} runs it, against the hub's embedded broker. */
class SimulatorIT {

    @TempDir
    static Path home;

    static EmbeddedBroker broker;
    static CountingSubscriber subscriber;

    @TempDir
    Path work;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new EmbeddedBroker(home.resolve("broker"), "127.0.0.1", TestSocketUtils.findAvailableTcpPort(), false);
        broker.start();
        subscriber = new CountingSubscriber(broker.url());
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (subscriber != null) {
            subscriber.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @BeforeEach
    void forgetEarlierRuns() {
        subscriber.clear();
    }

    @Test
    void everyMessageArrivesOnceWithItsIdAndEachDevicesSequenceInOrder() throws Exception {
        Path summaryFile = work.resolve("summary.json");

        int exitCode = simulate(
                "--count",
                "500",
                "--rate",
                "0",
                "--connections",
                "4",
                "--devices",
                "20",
                "--run-id",
                "it1",
                "--json-summary",
                summaryFile.toString());

        assertThat(exitCode).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> subscriber.count() >= 500);
        List<Received> received = subscriber.received();
        assertThat(received).hasSize(500);
        assertThat(received)
                .extracting(Received::messageId)
                .doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(id).startsWith("it1-engine-"));
        assertThat(received)
                .allSatisfy(r -> assertThat(r.messageId()).isEqualTo("it1-" + r.deviceId() + "-" + r.seq()));
        Map<String, List<Long>> seqsByDevice = received.stream()
                .collect(Collectors.groupingBy(
                        Received::deviceId, Collectors.mapping(Received::seq, Collectors.toList())));
        assertThat(seqsByDevice)
                .hasSize(20)
                .allSatisfy((device, seqs) -> assertThat(seqs)
                        .containsExactlyElementsOf(
                                LongStream.rangeClosed(1, seqs.size()).boxed().toList()));

        JsonNode summary = new ObjectMapper().readTree(summaryFile.toFile());
        assertThat(summary.get("sent").longValue()).isEqualTo(500);
        assertThat(summary.get("acked").longValue()).isEqualTo(500);
        assertThat(summary.get("errors").longValue()).isZero();
        JsonNode firstPayload = new ObjectMapper().readTree(received.get(0).payload());
        assertThat(firstPayload.get("ts").longValue())
                .isBetween(
                        summary.get("startedAt").longValue(),
                        summary.get("endedAt").longValue());
        assertThat(received.get(0).contentType()).isEqualTo("application/json");
    }

    @Test
    void framesCarryTheEngineV1ContentTypeAndTheSendTime() throws Exception {
        long before = System.currentTimeMillis();

        int exitCode = simulate("--count", "40", "--rate", "0", "--devices", "4", "--format", "frame");

        assertThat(exitCode).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> subscriber.count() >= 40);
        assertThat(subscriber.received()).hasSize(40).allSatisfy(r -> {
            assertThat(r.contentType()).isEqualTo(FrameEncoder.CONTENT_TYPE);
            assertThat(r.payload()).hasSize(FrameEncoder.LENGTH);
            assertThat(ByteBuffer.wrap(r.payload()).getLong()).isBetween(before, System.currentTimeMillis());
        });
    }

    @Test
    void aPacedRunSendsItsRateForItsDuration() throws Exception {
        Path summaryFile = work.resolve("paced.json");

        int exitCode = simulate(
                "--rate", "200", "--duration", "2s", "--devices", "10", "--json-summary", summaryFile.toString());

        assertThat(exitCode).isZero();
        long sent =
                new ObjectMapper().readTree(summaryFile.toFile()).get("sent").longValue();
        assertThat(sent).isBetween(380L, 420L);
        await().atMost(Duration.ofSeconds(10)).until(() -> subscriber.count() >= sent);
        assertThat(subscriber.count()).isEqualTo((int) sent);
    }

    private static int simulate(String... options) {
        String[] args = new String[options.length + 2];
        args[0] = "--url";
        args[1] = broker.url();
        System.arraycopy(options, 0, args, 2, options.length);
        return SimulateCommand.commandLine().execute(args);
    }
}
