package io.fieldhub.device.credential;

import io.fieldhub.api.Actors;
import io.fieldhub.api.ApiException;
import io.fieldhub.device.DeviceRegistry;
import io.fieldhub.security.Roles;
import java.security.Principal;
import java.security.cert.X509Certificate;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A device's credentials: {@code POST /api/devices/{id}/credentials} makes a secret (shown once in the answer) or
 * registers a client certificate; {@code GET} lists them; {@code DELETE .../{credentialId}} revokes one, which closes
 * the connections that used it.
 */
@RestController
@RequestMapping("/api/devices/{deviceId}/credentials")
class CredentialController {

    /**
     * What to make: nothing (or kind SECRET) for a secret; kind X509 with a PEM {@code certificate}, or its
     * {@code sha256} thumbprint, or its {@code subject} DN.
     */
    record NewCredential(String kind, String certificate, String sha256, String subject) {}

    private final DeviceRegistry registry;
    private final DeviceCredentials credentials;

    CredentialController(DeviceRegistry registry, DeviceCredentials credentials) {
        this.registry = registry;
        this.credentials = credentials;
    }

    @PostMapping
    @PreAuthorize(Roles.CAN_ADMINISTER_DEVICES)
    ResponseEntity<Object> create(
            @PathVariable String deviceId, @RequestBody(required = false) NewCredential body, Principal user) {
        requireDevice(deviceId);
        NewCredential what = body == null ? new NewCredential("SECRET", null, null, null) : body;
        if (what.kind() == null || "SECRET".equalsIgnoreCase(what.kind())) {
            return ResponseEntity.status(HttpStatus.CREATED).body(credentials.newSecret(deviceId, Actors.of(user)));
        }
        if (!"X509".equalsIgnoreCase(what.kind())) {
            throw ApiException.badRequest("kind must be SECRET or X509, was '" + what.kind() + "'");
        }
        String sha256;
        String subject;
        try {
            if (what.certificate() != null) {
                X509Certificate certificate = Certificates.parse(what.certificate());
                sha256 = Certificates.sha256(certificate);
                subject = Certificates.subject(certificate);
            } else if (what.sha256() != null || what.subject() != null) {
                sha256 = what.sha256() == null ? null : Certificates.normalizeSha256(what.sha256());
                subject = what.subject();
            } else {
                throw ApiException.badRequest("an X509 credential needs a PEM certificate, a sha256 or a subject");
            }
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(credentials.addCertificate(deviceId, sha256, subject, Actors.of(user)));
    }

    @GetMapping
    @PreAuthorize(Roles.CAN_READ)
    List<Credential> list(@PathVariable String deviceId) {
        requireDevice(deviceId);
        return credentials.list(deviceId);
    }

    @DeleteMapping("/{credentialId}")
    @PreAuthorize(Roles.CAN_ADMINISTER_DEVICES)
    ResponseEntity<Void> revoke(@PathVariable String deviceId, @PathVariable long credentialId, Principal user) {
        if (!credentials.revoke(deviceId, credentialId, Actors.of(user))) {
            throw ApiException.notFound("a valid credential " + credentialId + " of device " + deviceId);
        }
        return ResponseEntity.noContent().build();
    }

    private void requireDevice(String deviceId) {
        if (registry.find(deviceId).isEmpty()) {
            throw ApiException.notFound("device " + deviceId);
        }
    }
}
