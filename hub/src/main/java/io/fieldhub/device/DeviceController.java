package io.fieldhub.device;

import io.fieldhub.api.Actors;
import io.fieldhub.api.ApiException;
import io.fieldhub.security.Roles;
import io.fieldhub.store.Rows;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.Principal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The device registry API: {@code POST /api/devices}, {@code GET /api/devices} (filtered, in pages),
 * {@code GET/PUT/DELETE /api/devices/{id}} and {@code POST /api/devices/import} (CSV or JSON).
 */
@RestController
@RequestMapping("/api/devices")
class DeviceController {

    /** A page of devices; {@code next} is the {@code after} of the next page, null on the last one. */
    record Page(List<Device> devices, String next) {}

    private final DeviceRegistry registry;
    private final DeviceImport importer;

    DeviceController(DeviceRegistry registry, DeviceImport importer) {
        this.registry = registry;
        this.importer = importer;
    }

    @PostMapping
    @PreAuthorize(Roles.CAN_ADMINISTER_DEVICES)
    ResponseEntity<Device> create(@RequestBody DeviceSpec spec, Principal user) {
        refuseIfInvalid(spec);
        Device created = registry.create(spec, Actors.of(user), null);
        return ResponseEntity.created(URI.create("/api/devices/" + created.id()))
                .body(created);
    }

    @GetMapping
    @PreAuthorize(Roles.CAN_READ)
    Page list(
            @RequestParam(required = false) String type,
            @RequestParam(required = false) String site,
            @RequestParam(required = false) List<String> tag,
            @RequestParam(required = false) Boolean enabled,
            @RequestParam(required = false) String seenSince,
            @RequestParam(required = false) String notSeenSince,
            @RequestParam(required = false) String after,
            @RequestParam(defaultValue = "100") int limit) {
        int size = Rows.limit(limit);
        var filter = new DeviceFilter(
                type,
                site,
                tags(tag),
                enabled,
                instant("seenSince", seenSince),
                instant("notSeenSince", notSeenSince),
                after,
                size);
        List<Device> devices = registry.list(filter);
        String next = devices.size() == size ? devices.get(size - 1).id() : null;
        return new Page(devices, next);
    }

    @GetMapping("/{id}")
    @PreAuthorize(Roles.CAN_READ)
    Device get(@PathVariable String id) {
        return registry.find(id).orElseThrow(() -> ApiException.notFound("device " + id));
    }

    @PutMapping("/{id}")
    @PreAuthorize(Roles.CAN_ADMINISTER_DEVICES)
    Device update(@PathVariable String id, @RequestBody DeviceSpec spec, Principal user) {
        if (spec.id() != null && !spec.id().equals(id)) {
            throw ApiException.badRequest(
                    "the body names device " + spec.id() + " but the URL " + id + "; a device id cannot change");
        }
        DeviceSpec named = spec.withId(id);
        refuseIfInvalid(named);
        return registry.update(named, Actors.of(user)).orElseThrow(() -> ApiException.notFound("device " + id));
    }

    @DeleteMapping("/{id}")
    @PreAuthorize(Roles.CAN_ADMINISTER_DEVICES)
    ResponseEntity<Void> delete(@PathVariable String id, Principal user) {
        if (!registry.delete(id, Actors.of(user))) {
            throw ApiException.notFound("device " + id);
        }
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/import")
    @PreAuthorize(Roles.CAN_ADMINISTER_DEVICES)
    DeviceImport.Result importDevices(
            InputStream body,
            @RequestHeader(value = "Content-Type", defaultValue = "application/json") String contentType,
            Principal user)
            throws IOException {
        if (contentType.startsWith("text/csv")) {
            return importer.csv(body, Actors.of(user));
        }
        if (contentType.startsWith("application/json")) {
            return importer.json(body, Actors.of(user));
        }
        throw ApiException.badRequest("import takes text/csv or application/json, not " + contentType);
    }

    private static void refuseIfInvalid(DeviceSpec spec) {
        String problem = spec.problem();
        if (problem != null) {
            throw ApiException.badRequest(problem);
        }
    }

    /** {@code tag=line:2&tag=zone:a} as the JSON object device tags must contain. */
    private String tags(List<String> tags) {
        if (tags == null || tags.isEmpty()) {
            return null;
        }
        Map<String, String> wanted = new TreeMap<>();
        for (String tag : tags) {
            int colon = tag.indexOf(':');
            if (colon < 1) {
                throw ApiException.badRequest("tag filter '" + tag + "' must be NAME:VALUE, e.g. tag=line:2");
            }
            wanted.put(tag.substring(0, colon), tag.substring(colon + 1));
        }
        return registry.json(wanted);
    }

    private static Timestamp instant(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Timestamp.from(Instant.parse(value));
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(
                    name + " must be an ISO-8601 instant such as 2026-12-07T10:00:00Z, was '" + value + "'");
        }
    }
}
