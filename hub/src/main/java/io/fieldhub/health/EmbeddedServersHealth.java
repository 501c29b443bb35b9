package io.fieldhub.health;

import io.fieldhub.embedded.Supervisor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health "embeddedServers": DOWN while a supervised embedded server that died is being started again, with the
 * attempt, since when and why; UP once it is back (docs/operations.md#embedded-servers-restart-themselves).
 */
@Component("embeddedServersHealthIndicator") // shown as "embeddedServers"
class EmbeddedServersHealth implements HealthIndicator {

    private final ObjectProvider<Supervisor> supervisors;

    EmbeddedServersHealth(ObjectProvider<Supervisor> supervisors) {
        this.supervisors = supervisors;
    }

    @Override
    public Health health() {
        List<Supervisor.Status> statuses =
                supervisors.orderedStream().map(Supervisor::status).toList();
        var health = statuses.stream().allMatch(Supervisor.Status::up) ? Health.up() : Health.down();
        statuses.forEach(s -> health.withDetail(s.server(), details(s)));
        return health.build();
    }

    private static Map<String, Object> details(Supervisor.Status s) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (s.up()) {
            details.put("status", "running");
        } else {
            details.put("status", "restarting, attempt " + s.attempt() + ", since " + s.downSince());
            details.put("reason", s.reason());
            if (s.lastError() != null) {
                details.put("lastError", s.lastError());
            }
        }
        details.put("restarts", s.restarts());
        return details;
    }
}
