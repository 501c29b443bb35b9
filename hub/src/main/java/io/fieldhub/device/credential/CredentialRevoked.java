package io.fieldhub.device.credential;

/** Published once a credential is revoked: connections that used it are closed at once. */
public record CredentialRevoked(String deviceId, long credentialId, String actor) {}
