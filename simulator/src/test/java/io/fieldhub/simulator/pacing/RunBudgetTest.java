package io.fieldhub.simulator.pacing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class RunBudgetTest {

    @Test
    void concurrentClaimsNeverExceedTheCount() throws Exception {
        RunBudget budget = new RunBudget(100_000, null, NanoClock.SYSTEM, System.nanoTime());
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Long>> claimers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                claimers.add(() -> {
                    long claimed = 0;
                    while (budget.tryClaim()) {
                        claimed++;
                    }
                    return claimed;
                });
            }
            long total = 0;
            for (Future<Long> claimed : threads.invokeAll(claimers)) {
                total += claimed.get();
            }
            assertThat(total).isEqualTo(100_000);
            assertThat(budget.isOver()).isTrue();
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void endingTheRunRefusesFurtherClaimsAndReleasesTheWaiter() throws InterruptedException {
        RunBudget budget = new RunBudget(0, null, NanoClock.SYSTEM, System.nanoTime());
        assertThat(budget.tryClaim()).isTrue();

        budget.end();

        assertThat(budget.tryClaim()).isFalse();
        budget.awaitOver();
    }
}
