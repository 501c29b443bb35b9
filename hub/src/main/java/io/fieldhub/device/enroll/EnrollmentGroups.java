package io.fieldhub.device.enroll;

import io.fieldhub.device.Device;
import io.fieldhub.device.DeviceRegistry;
import io.fieldhub.device.DeviceSpec;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Enrollment groups (table {@code enrollment_group}) and the self-registration of the devices they admit. */
public class EnrollmentGroups {

    /** What a client says about a group; a null {@code groupKey} has the hub make one (64 random bytes). */
    public record Spec(
            String id, String type, String site, Map<String, String> tags, Boolean enabled, String groupKey) {}

    /** A group just made, with its key: the only time the API shows it. */
    public record Created(EnrollmentGroup group, String groupKey) {}

    private static final String COLUMNS = "id, type, site, tags::text, enabled, created_at, updated_at, updated_by";
    private static final int KEY_BYTES = 64;

    private final JdbcClient jdbc;
    private final DeviceRegistry registry;
    private final SecureRandom random = new SecureRandom();

    public EnrollmentGroups(JdbcClient jdbc, DeviceRegistry registry) {
        this.jdbc = jdbc;
        this.registry = registry;
    }

    public Created create(Spec spec, String actor) {
        String key = spec.groupKey() != null ? spec.groupKey() : newKey();
        EnrollmentGroup group = jdbc.sql("insert into enrollment_group (id, group_key, type, site, tags, enabled,"
                        + " updated_by) values (?, ?, ?, ?, ?::jsonb, ?, ?) returning " + COLUMNS)
                .params(
                        spec.id(),
                        key,
                        spec.type(),
                        spec.site(),
                        registry.json(spec.tags()),
                        spec.enabled() == null || spec.enabled(),
                        actor)
                .query(this::group)
                .single();
        return new Created(group, key);
    }

    public List<EnrollmentGroup> list() {
        return jdbc.sql("select " + COLUMNS + " from enrollment_group order by id")
                .query(this::group)
                .list();
    }

    public Optional<EnrollmentGroup> find(String id) {
        return jdbc.sql("select " + COLUMNS + " from enrollment_group where id = ?")
                .param(id)
                .query(this::group)
                .optional();
    }

    /** Changes what new devices become, or enables/disables the group; its key stays. */
    public Optional<EnrollmentGroup> update(Spec spec, String actor) {
        return jdbc.sql("update enrollment_group set type = ?, site = ?, tags = ?::jsonb, enabled = ?,"
                        + " updated_at = now(), updated_by = ? where id = ? returning " + COLUMNS)
                .params(
                        spec.type(),
                        spec.site(),
                        registry.json(spec.tags()),
                        spec.enabled() == null || spec.enabled(),
                        actor,
                        spec.id())
                .query(this::group)
                .optional();
    }

    /**
     * The device {@code deviceId} that {@code key} admits: registered now if an enabled group's derived key
     * matches, or empty.
     */
    public Optional<Device> enroll(String deviceId, String key) {
        List<Map.Entry<EnrollmentGroup, String>> groups = jdbc.sql(
                        "select " + COLUMNS + ", group_key from enrollment_group where enabled")
                .query((rs, row) -> Map.entry(group(rs, row), rs.getString("group_key")))
                .list();
        for (var candidate : groups) {
            if (DeviceKeys.matches(candidate.getValue(), deviceId, key)) {
                EnrollmentGroup g = candidate.getKey();
                try {
                    return Optional.of(registry.create(
                            new DeviceSpec(deviceId, g.type(), g.site(), g.tags(), true),
                            "enrollment group " + g.id(),
                            g.id()));
                } catch (DuplicateKeyException raced) {
                    return registry.find(deviceId);
                }
            }
        }
        return Optional.empty();
    }

    /** Whether {@code key} is the key {@code deviceId} derives from group {@code groupId}'s key. */
    public boolean keyMatches(String groupId, String deviceId, String key) {
        return jdbc.sql("select group_key from enrollment_group where id = ?")
                .param(groupId)
                .query(String.class)
                .optional()
                .map(groupKey -> DeviceKeys.matches(groupKey, deviceId, key))
                .orElse(false);
    }

    private String newKey() {
        byte[] bytes = new byte[KEY_BYTES];
        random.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private EnrollmentGroup group(ResultSet rs, int row) throws SQLException {
        return new EnrollmentGroup(
                rs.getString("id"),
                rs.getString("type"),
                rs.getString("site"),
                registry.tags(rs.getString("tags")),
                rs.getBoolean("enabled"),
                DeviceRegistry.instant(rs.getTimestamp("created_at")),
                DeviceRegistry.instant(rs.getTimestamp("updated_at")),
                rs.getString("updated_by"));
    }
}
