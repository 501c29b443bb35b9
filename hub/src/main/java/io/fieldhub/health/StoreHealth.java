package io.fieldhub.health;

import io.fieldhub.failure.StoreFailures;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health "store": DOWN while storing fails permanently (docs/architecture.md#permanent-errors-are-surfaced), with the
 * cause, the table and the fix; UP again once a reading is stored. An outage the hub waits out leaves it UP: health
 * "db" says whether PostgreSQL answers.
 */
@Component("storeHealthIndicator") // shown as "store"
class StoreHealth implements HealthIndicator {

    private final StoreFailures failures;

    StoreHealth(StoreFailures failures) {
        this.failures = failures;
    }

    @Override
    public Health health() {
        return failures.current()
                .map(f -> {
                    var down = Health.down()
                            .withDetail("reason", f.failure().reason())
                            .withDetail("sqlState", String.valueOf(f.failure().sqlState()))
                            .withDetail("table", String.valueOf(f.failure().table()))
                            .withDetail("fix", f.failure().fix())
                            .withDetail("since", f.since().toString())
                            .withDetail("failedMessages", f.messages())
                            .withDetail("latestDevice", String.valueOf(f.deviceId()))
                            .withDetail("latestMessage", String.valueOf(f.messageId()));
                    if (f.alertProblem() != null) {
                        down.withDetail("alert", f.alertProblem());
                    }
                    return down.build();
                })
                .orElseGet(() -> Health.up().build());
    }
}
