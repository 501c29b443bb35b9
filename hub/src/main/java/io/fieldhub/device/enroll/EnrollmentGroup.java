package io.fieldhub.device.enroll;

import java.time.Instant;
import java.util.Map;

/**
 * An enrollment group: devices that present a key derived from its group key ({@link DeviceKeys}) register
 * themselves on their first connection, with the group's type, site and tags. A disabled group admits no one new.
 * The group key is shown once, when the group is made.
 */
public record EnrollmentGroup(
        String id,
        String type,
        String site,
        Map<String, String> tags,
        boolean enabled,
        Instant createdAt,
        Instant updatedAt,
        String updatedBy) {

    public EnrollmentGroup {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
}
