package io.fieldhub.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishInboundInterceptor;
import com.hivemq.extension.sdk.api.packets.general.UserProperties;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import io.fieldhub.embedded.EmbeddedBroker;
import io.fieldhub.simulator.CountingSubscriber.Received;
import io.fieldhub.simulator.cli.SimulateCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.util.TestSocketUtils;

/**
 * A broker that answers PUBACKs as the hub can: 0x80 ("not stored in time, send it again") the first time it sees a
 * messageId, and 0x97 (quota exceeded) to every message of {@code engine-1}.
 */
class SimulatorPubAckIT {

    private static final Set<String> seen = ConcurrentHashMap.newKeySet();

    @TempDir
    static Path home;

    @TempDir
    Path work;

    static EmbeddedBroker broker;
    static CountingSubscriber subscriber;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new EmbeddedBroker(
                home.resolve("broker"), "127.0.0.1", TestSocketUtils.findAvailableTcpPort(), false, extension());
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

    @Test
    void aPubAckThatAsksForTheMessageAgainIsResentWithItsIdAndARefusalIsAnError() throws Exception {
        Path summaryFile = work.resolve("puback.json");
        Path ackedFile = work.resolve("acked.csv");

        int exitCode = SimulateCommand.commandLine()
                .execute(
                        "--url",
                        broker.url(),
                        "--count",
                        "200",
                        "--rate",
                        "0",
                        "--devices",
                        "4",
                        "--connections",
                        "2",
                        "--run-id",
                        "pa1",
                        "--json-summary",
                        summaryFile.toString(),
                        "--acked-out",
                        ackedFile.toString());

        assertThat(exitCode).as("refused messages are errors").isEqualTo(1);
        JsonNode summary = new ObjectMapper().readTree(summaryFile.toFile());
        long acked = summary.get("acked").longValue();
        long errors = summary.get("errors").longValue();
        assertThat(summary.get("sent").longValue()).isEqualTo(200);
        assertThat(errors).as("engine-1's messages").isPositive();
        assertThat(summary.get("errorsByReason").get("QUOTA_EXCEEDED").longValue())
                .isEqualTo(errors);
        assertThat(summary.get("errorsByReason").has("UNSPECIFIED_ERROR")).isFalse();
        assertThat(acked + errors).isEqualTo(200);
        assertThat(summary.get("resends").longValue())
                .as("each acked message once")
                .isEqualTo(acked);
        assertThat(summary.get("unacknowledged").longValue()).isZero();
        // The second attempt carried the first one's messageId: the broker passed each through exactly once.
        await().atMost(Duration.ofSeconds(10)).until(() -> subscriber.count() >= acked);
        assertThat(subscriber.received())
                .hasSize((int) acked)
                .extracting(Received::messageId)
                .doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(id).startsWith("pa1-engine-").doesNotStartWith("pa1-engine-1-"));
        // --acked-out names exactly the messages answered 0x00, each once: neither the refused nor the first tries.
        assertThat(Files.readAllLines(ackedFile))
                .hasSize((int) acked)
                .doesNotHaveDuplicates()
                .allSatisfy(line -> assertThat(line).matches("engine-[234],pa1-engine-[234]-[0-9]+"))
                .extracting(line -> line.substring(line.indexOf(',') + 1))
                .containsExactlyInAnyOrderElementsOf(
                        subscriber.received().stream().map(Received::messageId).toList());
    }

    private static EmbeddedExtension extension() {
        PublishInboundInterceptor answers = (input, output) -> {
            String topic = input.getPublishPacket().getTopic();
            if (topic.equals("devices/engine-1/telemetry")) {
                output.preventPublishDelivery(AckReasonCode.QUOTA_EXCEEDED);
            } else if (seen.add(messageId(input.getPublishPacket().getUserProperties()))) {
                output.preventPublishDelivery(AckReasonCode.UNSPECIFIED_ERROR);
            }
        };
        return EmbeddedExtension.builder()
                .withId("pubacks")
                .withName("PUBACK answers")
                .withVersion("1")
                .withExtensionMain(new ExtensionMain() {
                    @Override
                    public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
                        Services.securityRegistry().setAuthenticatorProvider(providerInput ->
                                (SimpleAuthenticator) (connect, result) -> result.authenticateSuccessfully());
                        Services.initializerRegistry()
                                .setClientInitializer(
                                        (initializerInput, client) -> client.addPublishInboundInterceptor(answers));
                    }

                    @Override
                    public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {}
                })
                .build();
    }

    private static String messageId(UserProperties properties) {
        return properties.getFirst("messageId").orElse("");
    }
}
