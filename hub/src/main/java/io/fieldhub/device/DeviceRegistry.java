package io.fieldhub.device;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The device registry in PostgreSQL (table {@code device}). Changes that take a device off the air (disable,
 * delete) are announced as {@link DeviceChanged} once written.
 */
public class DeviceRegistry {

    static final String COLUMNS =
            "id, type, site, tags::text, enabled, group_id, created_at, updated_at, updated_by, last_seen, via";
    private static final TypeReference<Map<String, String>> TAGS = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final ObjectMapper mapper;
    private final ApplicationEventPublisher events;

    public DeviceRegistry(JdbcClient jdbc, ObjectMapper mapper, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.mapper = mapper;
        this.events = events;
    }

    public Optional<Device> find(String id) {
        return jdbc.sql("select " + COLUMNS + " from device where id = ?")
                .param(id)
                .query(this::device)
                .optional();
    }

    /** Registers a device; {@code groupId} names the enrollment group it came through, or null. */
    public Device create(DeviceSpec spec, String actor, String groupId) {
        return jdbc.sql("insert into device (id, type, site, tags, enabled, group_id, updated_by, via)"
                        + " values (?, ?, ?, ?::jsonb, ?, ?, ?, ?::text[]) returning " + COLUMNS)
                .params(
                        spec.id(),
                        spec.typeOrDefault(),
                        spec.site(),
                        json(spec.tagsOrEmpty()),
                        spec.enabledOrDefault(),
                        groupId,
                        actor,
                        spec.viaOrEmpty().toArray(String[]::new))
                .query(this::device)
                .single();
    }

    /** Replaces what a device is; empty when there is no such device. */
    public Optional<Device> update(DeviceSpec spec, String actor) {
        Optional<Device> updated = jdbc.sql("update device set type = ?, site = ?, tags = ?::jsonb, enabled = ?,"
                        + " via = ?::text[], updated_at = now(), updated_by = ? where id = ? returning " + COLUMNS)
                .params(
                        spec.typeOrDefault(),
                        spec.site(),
                        json(spec.tagsOrEmpty()),
                        spec.enabledOrDefault(),
                        spec.viaOrEmpty().toArray(String[]::new),
                        actor,
                        spec.id())
                .query(this::device)
                .optional();
        updated.filter(d -> !d.enabled())
                .ifPresent(d -> events.publishEvent(new DeviceChanged(d.id(), false, "disabled by " + actor)));
        return updated;
    }

    /** Deletes a device and its credentials; its telemetry and alerts stay. False when there was none. */
    public boolean delete(String id, String actor) {
        boolean deleted = jdbc.sql("delete from device where id = ?").param(id).update() == 1;
        if (deleted) {
            events.publishEvent(new DeviceChanged(id, false, "deleted by " + actor));
        }
        return deleted;
    }

    /** One page of devices in id order, after {@code filter.after()}. */
    public List<Device> list(DeviceFilter filter) {
        return jdbc.sql("select " + COLUMNS + " from device where " + DeviceFilter.WHERE + " order by id limit :limit")
                .paramSource(filter)
                .query(this::device)
                .list();
    }

    /**
     * Which of {@code deviceIds} gateway {@code gatewayId} may publish readings for: those registered, enabled and
     * naming it in {@code via}, and the gateway itself. Each other device maps to the reason it may not.
     */
    public Map<String, String> refusedVia(String gatewayId, Collection<String> deviceIds) {
        Map<String, String> refused = new HashMap<>();
        for (String id : deviceIds) {
            refused.put(id, "device " + id + " is not registered");
        }
        jdbc.sql("select id, enabled, ? = any(via) as via_gateway from device where id = any(?::text[])")
                .params(gatewayId, deviceIds.toArray(String[]::new))
                .query(rs -> {
                    String id = rs.getString("id");
                    if (!rs.getBoolean("enabled")) {
                        refused.put(id, "device " + id + " is disabled");
                    } else if (rs.getBoolean("via_gateway") || id.equals(gatewayId)) {
                        refused.remove(id);
                    } else {
                        refused.put(
                                id,
                                "device " + id + " does not name gateway " + gatewayId + " in its via list"
                                        + " (PUT /api/devices/" + id + " with \"via\": [\"" + gatewayId + "\"])");
                    }
                });
        return refused;
    }

    /** Records when devices last sent a message (batched by {@link LastSeen}). */
    public void seen(Map<String, Instant> lastSeen) {
        if (lastSeen.isEmpty()) {
            return;
        }
        String[] ids = lastSeen.keySet().toArray(String[]::new);
        String[] times = lastSeen.values().stream().map(Instant::toString).toArray(String[]::new);
        jdbc.sql("update device d set last_seen = greatest(d.last_seen, s.at::timestamptz)"
                        + " from unnest(?::text[], ?::text[]) as s(id, at) where d.id = s.id")
                .params(ids, times)
                .update();
    }

    Device device(ResultSet rs, int row) throws SQLException {
        return new Device(
                rs.getString("id"),
                rs.getString("type"),
                rs.getString("site"),
                tags(rs.getString("tags")),
                rs.getBoolean("enabled"),
                rs.getString("group_id"),
                instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("updated_at")),
                rs.getString("updated_by"),
                instant(rs.getTimestamp("last_seen")),
                List.of((String[]) rs.getArray("via").getArray()));
    }

    /** Tags as the {@code jsonb} columns of the device tables hold them (none: an empty object). */
    public String json(Map<String, String> tags) {
        try {
            return mapper.writeValueAsString(tags == null ? Map.of() : tags);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("tags cannot be written as JSON", e);
        }
    }

    /** A {@code tags} column read back. */
    public Map<String, String> tags(String json) {
        try {
            return mapper.readValue(json, TAGS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("tags in the database are not a JSON object: " + json, e);
        }
    }

    /** A nullable {@code timestamptz} column as an instant. */
    public static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
