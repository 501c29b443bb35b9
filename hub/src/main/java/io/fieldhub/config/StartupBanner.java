package io.fieldhub.config;

import io.fieldhub.notify.sms.SmsProperties;
import io.fieldhub.rules.RuleEngine;
import io.fieldhub.security.SecuritySettings;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** Prints, once the hub is ready, everything a user may point a tool at. */
@Component
class StartupBanner {

    private static final Logger LOG = LoggerFactory.getLogger(StartupBanner.class);

    private final HubProperties hub;
    private final Environment env;
    private final CamelContext camel;
    private final RuleEngine rules;
    private final SmsProperties sms;
    private final SecuritySettings security;

    StartupBanner(
            HubProperties hub,
            Environment env,
            CamelContext camel,
            RuleEngine rules,
            SmsProperties sms,
            SecuritySettings security) {
        this.hub = hub;
        this.env = env;
        this.camel = camel;
        this.rules = rules;
        this.sms = sms;
        this.security = security;
    }

    @EventListener(ApplicationReadyEvent.class)
    void print() {
        if (!hub.mail().enabled()) {
            LOG.warn("email is OFF: hub.mail.host is not set, so alerts are stored but not emailed. "
                    + "Fix: set HUB_MAIL_HOST (and HUB_MAIL_PORT, HUB_MAIL_FROM)");
        }
        String http = "http://localhost:" + env.getProperty("local.server.port", env.getProperty("server.port"));
        String banner = """

                ==================== FieldHub is ready ====================
                 MQTT 5     %s  (%s)  publish to devices/{deviceId}/telemetry
                 HTTP       %s  (POST /api/devices/{deviceId}/telemetry, GET /api/alerts, /actuator/health)
                 Sign-in    %s
                 PostgreSQL %s  user %s password %s  (%s)
                 S3         %s  bucket %s  access key %s  secret key %s  (%s)
                 Email      %s
                 SMS        %s
                 Routes     %d loaded, %d started, from %s/routes
                 Rules      %d rules, version %s, from %s
                 Data       %s
                ===========================================================
                """.formatted(
                hub.mqtt().brokerUrl(),
                embedded(hub.mqtt().embedded()),
                http,
                signIn(),
                env.getProperty("spring.datasource.url"),
                env.getProperty("spring.datasource.username"),
                secret("spring.datasource.password"),
                embedded(hub.database().embedded()),
                hub.s3().endpoint(),
                hub.s3().bucket(),
                hub.s3().accessKey(),
                secret("hub.s3.secret-key"),
                embedded(hub.s3().embedded()),
                hub.mail().enabled()
                        ? "smtp://" + hub.mail().host() + ":" + hub.mail().port() + " from "
                                + hub.mail().from()
                        : "off (set HUB_MAIL_HOST)",
                sms.enabled()
                        ? "smpp://" + sms.systemId() + "@" + sms.host() + ":" + sms.port()
                        : "off (set HUB_SMS_HOST)",
                camel.getRoutes().size(),
                started(),
                hub.homePath().toAbsolutePath().normalize(),
                rules.rules().ruleCount(),
                rules.rules().version(),
                rules.rules().files().keySet(),
                hub.dataPath().toAbsolutePath().normalize());
        // Printed plainly, not as a JSON log line: it is for the person who just started the hub.
        System.out.println(banner);
        LOG.info(
                "FieldHub ready: mqtt={} http={} jdbc={} s3={}",
                hub.mqtt().brokerUrl(),
                http,
                env.getProperty("spring.datasource.url"),
                hub.s3().endpoint());
    }

    private long started() {
        return camel.getRoutes().stream()
                .filter(r -> camel.getRouteController()
                        .getRouteStatus(r.getRouteId())
                        .isStarted())
                .count();
    }

    /** How people sign in to the API; never a password. */
    private String signIn() {
        String local = "local users (HTTP Basic; admin's password is in "
                + hub.dataPath().resolve("admin-password") + ")";
        String keycloak = "Keycloak tokens from " + security.keycloak().url() + " realm "
                + security.keycloak().realm();
        if (security.localUsers() && security.keycloak().enabled()) {
            return keycloak + ", or " + local;
        }
        return security.keycloak().enabled() ? keycloak : local;
    }

    /** Names the setting that holds a password, so that tools can connect; its value never reaches the console. */
    private static String secret(String setting) {
        return "(" + setting + ")";
    }

    private static String embedded(boolean embedded) {
        return embedded ? "embedded" : "external";
    }
}
