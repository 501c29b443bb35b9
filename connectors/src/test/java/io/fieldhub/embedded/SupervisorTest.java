package io.fieldhub.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class SupervisorTest {

    /** A server whose first {@code failures} restarts fail; it records when each attempt came. */
    static final class FlakyServer implements Supervisor.Supervised {
        final List<Long> attempts = new CopyOnWriteArrayList<>();
        private final int failures;
        private Consumer<String> onCrash;

        FlakyServer(int failures) {
            this.failures = failures;
        }

        @Override
        public void onCrash(Consumer<String> listener) {
            onCrash = listener;
        }

        @Override
        public void restart() {
            attempts.add(System.nanoTime());
            if (attempts.size() <= failures) {
                throw new IllegalStateException("port still busy");
            }
        }

        void crash() {
            onCrash.accept("killed");
        }
    }

    @Test
    void failedRestartsAreTriedAgainAfterLongerAndLongerPauses() {
        var server = new FlakyServer(2);
        try (var supervisor = new Supervisor("test server", server)) {
            server.crash();

            // two attempts failed, the third is planned
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> supervisor.status().attempt() == 3);
            assertThat(server.attempts).hasSize(2);
            assertThat(supervisor.status())
                    .returns(false, Supervisor.Status::up)
                    .returns("killed", Supervisor.Status::reason)
                    .returns("port still busy", Supervisor.Status::lastError);
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> supervisor.status().up());

            assertThat(server.attempts).hasSize(3);
            // 1 s to the first attempt, then 2 s, then 4 s
            assertThat(Duration.ofNanos(server.attempts.get(1) - server.attempts.get(0)))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(1900));
            assertThat(Duration.ofNanos(server.attempts.get(2) - server.attempts.get(1)))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(3900));
            assertThat(supervisor.status().restarts()).isOne();
        }
    }

    @Test
    void aCrashAfterCloseIsNotRestarted() {
        var server = new FlakyServer(0);
        var supervisor = new Supervisor("test server", server);
        supervisor.close();
        server.crash();

        await().during(Duration.ofMillis(1500))
                .atMost(Duration.ofSeconds(5))
                .until(() -> supervisor.status().up());
        assertThat(server.attempts).isEmpty();
    }
}
