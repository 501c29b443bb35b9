package io.fieldhub.device.enroll;

import io.fieldhub.api.Actors;
import io.fieldhub.api.ApiException;
import io.fieldhub.device.Device;
import io.fieldhub.security.Roles;
import java.security.Principal;
import java.util.Base64;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Enrollment groups: {@code POST /api/enrollment-groups} (the answer holds the group key, shown only then),
 * {@code GET /api/enrollment-groups[/{id}]}, {@code PUT /api/enrollment-groups/{id}} (type, site, tags, enabled).
 */
@RestController
@RequestMapping("/api/enrollment-groups")
class EnrollmentController {

    private static final int MIN_KEY_BYTES = 16;
    private static final int MAX_KEY_BYTES = 64;

    private final EnrollmentGroups groups;

    EnrollmentController(EnrollmentGroups groups) {
        this.groups = groups;
    }

    @PostMapping
    @PreAuthorize(Roles.CAN_ADMINISTER_DEVICES)
    ResponseEntity<EnrollmentGroups.Created> create(@RequestBody EnrollmentGroups.Spec spec, Principal user) {
        refuseIfInvalid(spec);
        if (spec.groupKey() != null) {
            refuseIfBadKey(spec.groupKey());
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(groups.create(spec, Actors.of(user)));
    }

    @GetMapping
    @PreAuthorize(Roles.CAN_READ)
    List<EnrollmentGroup> list() {
        return groups.list();
    }

    @GetMapping("/{id}")
    @PreAuthorize(Roles.CAN_READ)
    EnrollmentGroup get(@PathVariable String id) {
        return groups.find(id).orElseThrow(() -> ApiException.notFound("enrollment group " + id));
    }

    @PutMapping("/{id}")
    @PreAuthorize(Roles.CAN_ADMINISTER_DEVICES)
    EnrollmentGroup update(@PathVariable String id, @RequestBody EnrollmentGroups.Spec spec, Principal user) {
        var named = new EnrollmentGroups.Spec(id, spec.type(), spec.site(), spec.tags(), spec.enabled(), null);
        refuseIfInvalid(named);
        if (spec.groupKey() != null) {
            throw ApiException.badRequest("a group key cannot change; make a new group and move devices to it");
        }
        return groups.update(named, Actors.of(user)).orElseThrow(() -> ApiException.notFound("enrollment group " + id));
    }

    private static void refuseIfInvalid(EnrollmentGroups.Spec spec) {
        if (spec.id() == null || !Device.ID.matcher(spec.id()).matches()) {
            throw ApiException.badRequest(
                    "group id '" + spec.id() + "' is not valid: use 1-128 letters, digits," + " '.', '_', ':' or '-'");
        }
        if (spec.type() == null || !Device.ID.matcher(spec.type()).matches()) {
            throw ApiException.badRequest("a group needs the type its devices become, e.g. \"type\": \"engine\"");
        }
    }

    private static void refuseIfBadKey(String key) {
        try {
            int length = Base64.getDecoder().decode(key).length;
            if (length < MIN_KEY_BYTES || length > MAX_KEY_BYTES) {
                throw ApiException.badRequest(
                        "a group key must be 16-64 bytes, Base64-encoded; this one is " + length + " bytes");
            }
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("a group key must be Base64: " + e.getMessage());
        }
    }
}
