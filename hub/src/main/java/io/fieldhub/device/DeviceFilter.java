package io.fieldhub.device;

import java.sql.Timestamp;

/**
 * A query over the registry ({@code GET /api/devices}); every criterion is optional. Pages are in id order: the next
 * page starts {@code after} the last id of this one.
 *
 * @param tags         a JSON object the device's tags must contain, e.g. {@code {"line":"2"}}
 * @param seenSince    devices that sent something at or after this time
 * @param notSeenSince devices that sent nothing since this time (including never)
 */
public record DeviceFilter(
        String type,
        String site,
        String tags,
        Boolean enabled,
        Timestamp seenSince,
        Timestamp notSeenSince,
        String after,
        int limit) {

    static final String WHERE = """
            (cast(:type as text) is null or type = :type)
            and (cast(:site as text) is null or site = :site)
            and (cast(:tags as text) is null or tags @> cast(:tags as jsonb))
            and (cast(:enabled as boolean) is null or enabled = :enabled)
            and (cast(:seenSince as timestamptz) is null or last_seen >= :seenSince)
            and (cast(:notSeenSince as timestamptz) is null or last_seen is null or last_seen < :notSeenSince)
            and (cast(:after as text) is null or id > :after)
            """;
}
