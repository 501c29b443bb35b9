package io.fieldhub.device.auth;

/**
 * What came of a device's attempt to prove who it is.
 *
 * @param credentialId the credential that matched, or null (a group-derived key, or trial mode)
 */
public record Verdict(Outcome outcome, String deviceId, Long credentialId) {

    /** The four answers, each with its MQTT CONNACK and HTTP status (docs/devices.md). */
    public enum Outcome {
        /** The device is who it says. */
        ACCEPTED,
        /** A registered, enabled device, but the secret or certificate is not one of its valid credentials. */
        BAD_CREDENTIALS,
        /** No such device, and no enrollment group admits it. */
        UNKNOWN,
        /** The device is registered but disabled. */
        DISABLED
    }

    public boolean accepted() {
        return outcome == Outcome.ACCEPTED;
    }

    static Verdict of(Outcome outcome, String deviceId) {
        return new Verdict(outcome, deviceId, null);
    }
}
