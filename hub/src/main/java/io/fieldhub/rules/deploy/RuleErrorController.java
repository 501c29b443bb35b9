package io.fieldhub.rules.deploy;

import io.fieldhub.security.Roles;
import io.fieldhub.store.Rows;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/rule-errors?ruleId=&deviceId=&limit=}: rules that failed on a reading, newest first. */
@RestController
class RuleErrorController {

    private final JdbcClient jdbc;

    RuleErrorController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @GetMapping("/api/rule-errors")
    @PreAuthorize(Roles.CAN_READ)
    List<Map<String, Object>> ruleErrors(
            @RequestParam(required = false) String ruleId,
            @RequestParam(required = false) String deviceId,
            @RequestParam(defaultValue = "100") int limit) {
        return jdbc.sql("""
                        select id, at, rule_id as "ruleId", device_id as "deviceId", message_id as "messageId", phase,
                               error
                        from rule_error
                        where (cast(? as text) is null or rule_id = ?) and (cast(? as text) is null or device_id = ?)
                        order by id desc limit ?""")
                .params(ruleId, ruleId, deviceId, deviceId, Rows.limit(limit))
                .query(Rows::json)
                .list();
    }
}
