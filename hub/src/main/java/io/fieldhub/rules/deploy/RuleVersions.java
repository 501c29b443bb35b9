package io.fieldhub.rules.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.rules.RuleSet;
import io.fieldhub.store.Rows;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The history of deployed rule sets in PostgreSQL ({@code rule_version}): what was in force, from when, by whom. */
public class RuleVersions {

    private static final String SUMMARY = """
            select id, version, rule_count as "ruleCount", build_ms as "buildMillis", source, actor,
                   deployed_at as "deployedAt"
            from rule_version""";

    private final JdbcClient jdbc;
    private final ObjectMapper mapper;

    public RuleVersions(JdbcClient jdbc, ObjectMapper mapper) {
        this.jdbc = jdbc;
        this.mapper = mapper;
    }

    /** Records that {@code rules} went into force; returns the record's id. */
    public long record(RuleSet rules, String source, String actor) {
        Map<String, String> encoded = new TreeMap<>();
        rules.files()
                .forEach(
                        (path, content) -> encoded.put(path, Base64.getEncoder().encodeToString(content)));
        return jdbc.sql("""
                insert into rule_version (version, files, rule_count, build_ms, source, actor)
                values (?, ?::jsonb, ?, ?, ?, ?) returning id""")
                .params(rules.version(), json(encoded), rules.ruleCount(), (int) rules.buildMillis(), source, actor)
                .query(Long.class)
                .single();
    }

    /** The content hash of the rule set deployed last, if any. */
    public Optional<String> latestVersion() {
        return jdbc.sql("select version from rule_version order by id desc limit 1")
                .query(String.class)
                .optional();
    }

    /** Deployed rule sets, newest first, without their files. */
    public List<Map<String, Object>> list(int limit) {
        return jdbc.sql(SUMMARY + " order by id desc limit ?")
                .param(Rows.limit(limit))
                .query(Rows::json)
                .list();
    }

    public Optional<Map<String, Object>> summary(long id) {
        return jdbc.sql(SUMMARY + " where id = ?").param(id).query(Rows::json).optional();
    }

    /** The files of a deployed rule set, by path. */
    public Optional<SortedMap<String, byte[]>> files(long id) {
        return jdbc.sql("select files::text from rule_version where id = ?")
                .param(id)
                .query(String.class)
                .optional()
                .map(this::decode);
    }

    private SortedMap<String, byte[]> decode(String json) {
        try {
            Map<String, String> encoded = mapper.readValue(json, new TypeReference<Map<String, String>>() {});
            SortedMap<String, byte[]> files = new TreeMap<>();
            encoded.forEach(
                    (path, content) -> files.put(path, Base64.getDecoder().decode(content)));
            return files;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("rule_version.files is not valid JSON", e);
        }
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
