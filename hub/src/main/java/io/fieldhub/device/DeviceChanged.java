package io.fieldhub.device;

/**
 * Published after a registry change has committed, so that live connections and rule state follow it: a device that
 * is disabled or deleted is disconnected and forgotten by the rules.
 *
 * @param deviceId the device
 * @param live     whether the device may still connect (false: disabled or deleted)
 * @param reason   for the log and the alerts it closes, e.g. "disabled by alice"
 */
public record DeviceChanged(String deviceId, boolean live, String reason) {}
