package io.fieldhub.telemetry;

/** Turns one device payload format into the canonical record. */
public interface TelemetryCodec {

    /** True when this codec reads payloads of the given content type (already lower-cased, without parameters). */
    boolean supports(String contentType);

    /**
     * Decodes the payload.
     *
     * @throws InvalidTelemetryException when the payload does not match the format; the message names the fix
     */
    TelemetryRecord decode(RawTelemetry raw);
}
