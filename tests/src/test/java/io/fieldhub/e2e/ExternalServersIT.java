package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fieldhub.embedded.EmbeddedBroker;
import io.fieldhub.embedded.EmbeddedPostgresServer;
import io.fieldhub.embedded.EmbeddedS3Server;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Configuration alone swaps each embedded part for an external one: with a broker URL, a datasource URL and an S3
 * endpoint set, the hub starts none of its own servers and the same routes run against the external ones.
 */
class ExternalServersIT {

    @Test
    void theSameRoutesRunAgainstExternalServers() throws Exception {
        RunningHub hub = RunningHub.notStarted();
        // "external" servers, started by someone else before the hub, on the ports the test clients use
        try (var broker = new EmbeddedBroker(hub.dataDir.resolve("ext-broker"), "127.0.0.1", hub.mqttPort, false);
                var postgres = new EmbeddedPostgresServer(hub.dataDir.resolve("ext-postgres"), hub.postgresPort);
                var s3 = new EmbeddedS3Server(
                        hub.dataDir.resolve("ext-s3"), "127.0.0.1", hub.s3Port, "fieldhub", "fieldhub-secret")) {
            broker.start();
            postgres.start();
            s3.start();
            hub.withArgs(
                    "--hub.mqtt.broker-url=" + broker.url(),
                    "--spring.datasource.url=" + postgres.jdbcUrl(),
                    "--spring.datasource.username=" + postgres.user(),
                    "--spring.datasource.password=" + postgres.password(),
                    "--hub.s3.endpoint=" + s3.endpoint());
            try (var running = hub.start()) {
                assertThat(running.beans(EmbeddedBroker.class)).isEmpty();
                assertThat(running.beans(EmbeddedPostgresServer.class)).isEmpty();
                assertThat(running.beans(EmbeddedS3Server.class)).isEmpty();

                var observed = new Observed(running);
                String id = Device.uniqueId("engine");
                try (var device = new Device(running, id)) {
                    assertThat(device.publishJson("{\"metrics\":{\"temperature\":99}}", null))
                            .containsExactly(0);
                }
                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> assertThat(observed.rows(id)).hasSize(1));
                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> assertThat(observed.archived(id)).hasSize(1));
                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> assertThat(observed.emails(id)).hasSize(1));
            }
        }
    }
}
