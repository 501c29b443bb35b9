package io.fieldhub.security;

/**
 * The five roles (Keycloak realm roles, or a local user's roles) and the {@code @PreAuthorize} expression each
 * endpoint names. Every role can do what {@code viewer} can; {@code admin} can do everything ({@link ApiSecurity}'s
 * hierarchy). The table of who may do what is in docs/security.md.
 */
public final class Roles {

    public static final String VIEWER = "viewer";
    public static final String OPERATOR = "operator";
    public static final String RULE_AUTHOR = "rule-author";
    public static final String DEVICE_ADMIN = "device-admin";
    public static final String ADMIN = "admin";

    /** Reads telemetry, alerts, rules, devices and dead letters. */
    public static final String CAN_READ = "hasRole('viewer')";
    /** Acknowledges alerts. */
    public static final String CAN_OPERATE = "hasRole('operator')";
    /** Validates, deploys and rolls back rules. */
    public static final String CAN_AUTHOR_RULES = "hasRole('rule-author')";
    /** Manages the device registry, credentials and enrollment groups. */
    public static final String CAN_ADMINISTER_DEVICES = "hasRole('device-admin')";
    /** Manages the hub's local users. */
    public static final String CAN_ADMINISTER = "hasRole('admin')";

    static final String HIERARCHY = """
            ROLE_admin > ROLE_operator
            ROLE_admin > ROLE_rule-author
            ROLE_admin > ROLE_device-admin
            ROLE_operator > ROLE_viewer
            ROLE_rule-author > ROLE_viewer
            ROLE_device-admin > ROLE_viewer
            """;

    private Roles() {}
}
