package io.fieldhub.device;

import io.fieldhub.alert.AlertLifecycle;
import io.fieldhub.rules.RuleEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;

/**
 * Rule state follows the registry: a device that is disabled or deleted loses its windows and silence checks, and
 * its live alerts are cleared with a transition that says why.
 */
public class DeviceRetirement {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceRetirement.class);

    private final RuleEngine rules;
    private final AlertLifecycle alerts;

    public DeviceRetirement(RuleEngine rules, AlertLifecycle alerts) {
        this.rules = rules;
        this.alerts = alerts;
    }

    @EventListener
    public void changed(DeviceChanged change) {
        if (change.live()) {
            return;
        }
        rules.forget(change.deviceId());
        try {
            int cleared = alerts.closeDevice(change.deviceId(), "registry", change.reason());
            LOG.info(
                    "Device {} {}: rule state dropped, {} live alerts cleared",
                    change.deviceId(),
                    change.reason(),
                    cleared);
        } catch (RuntimeException e) {
            // the registry change is made; its alerts stay live until acknowledged or cleared by the rules
            LOG.warn(
                    "Device {} {}: its live alerts could not be cleared ({}). Fix: acknowledge them through"
                            + " POST /api/alerts/ID/ack once PostgreSQL answers",
                    change.deviceId(),
                    change.reason(),
                    e.getMessage());
        }
    }
}
