package io.fieldhub.rules.deploy;

import io.fieldhub.api.Actors;
import io.fieldhub.rules.RuleEngine;
import io.fieldhub.rules.RuleSet;
import io.fieldhub.security.Roles;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code /api/rules}: the rule set in force, its history, and deploy, validate and rollback. An upload is JSON:
 * {@code {"files": {"fieldhub/engine/overheat.drl": "package ..."}, "scenarios": {"tests/engine.yaml": "..."}}};
 * binary files (.drl.xlsx) are given as {@code "base64:..."}. The author is the signed-in user.
 */
@RestController
class RulesController {

    private final RuleDeployments deployments;
    private final RuleEngine engine;
    private final RuleVersions versions;

    RulesController(RuleDeployments deployments, RuleEngine engine, RuleVersions versions) {
        this.deployments = deployments;
        this.engine = engine;
        this.versions = versions;
    }

    /** A rule set as uploaded; {@code scenarios} may be empty (the folder's are used). */
    record Upload(Map<String, String> files, Map<String, String> scenarios) {}

    @GetMapping("/api/rules")
    @PreAuthorize(Roles.CAN_READ)
    Map<String, Object> inForce() {
        RuleSet rules = engine.rules();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", rules.version());
        body.put("ruleCount", rules.ruleCount());
        body.put("files", rules.files().keySet());
        body.put("buildMillis", rules.buildMillis());
        body.put("lastFailure", deployments.lastFailure());
        // held back since the rules ran past hub.rules.max-evaluation-time on them; until the next deploy or reload
        body.put(
                "quarantined",
                Map.of(
                        "rules", engine.quarantine().rules(),
                        "devices", engine.quarantine().devices()));
        return body;
    }

    @GetMapping("/api/rules/versions")
    @PreAuthorize(Roles.CAN_READ)
    List<Map<String, Object>> history(@RequestParam(defaultValue = "50") int limit) {
        return versions.list(limit);
    }

    @GetMapping("/api/rules/versions/{id}")
    @PreAuthorize(Roles.CAN_READ)
    Map<String, Object> version(@PathVariable long id) {
        Map<String, Object> body = new LinkedHashMap<>(versions.summary(id).orElseThrow(() -> noVersion(id)));
        body.put("files", versions.files(id).orElseThrow().keySet());
        return body;
    }

    @PostMapping("/api/rules/validate")
    @PreAuthorize(Roles.CAN_AUTHOR_RULES)
    ResponseEntity<RuleDeployments.Outcome> validate(@RequestBody Upload upload, Principal user) {
        var outcome = deployments.validate(
                decode(upload.files(), "files"), decode(upload.scenarios(), "scenarios"), Actors.of(user));
        return ResponseEntity.status(outcome.failure() == null ? HttpStatus.OK : HttpStatus.UNPROCESSABLE_ENTITY)
                .body(outcome);
    }

    @PostMapping("/api/rules/deploy")
    @PreAuthorize(Roles.CAN_AUTHOR_RULES)
    ResponseEntity<RuleDeployments.Outcome> deploy(@RequestBody Upload upload, Principal user) {
        return answer(deployments.deploy(
                decode(upload.files(), "files"), decode(upload.scenarios(), "scenarios"), Actors.of(user)));
    }

    @PostMapping("/api/rules/versions/{id}/rollback")
    @PreAuthorize(Roles.CAN_AUTHOR_RULES)
    ResponseEntity<RuleDeployments.Outcome> rollback(@PathVariable long id, Principal user) {
        var files = versions.files(id).orElseThrow(() -> noVersion(id));
        return answer(deployments.rollback(files, Actors.of(user)));
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<Map<String, String>> badUpload(IllegalArgumentException e) {
        return ResponseEntity.badRequest().body(Map.of("error", e.getMessage()));
    }

    private static ResponseEntity<RuleDeployments.Outcome> answer(RuleDeployments.Outcome outcome) {
        return ResponseEntity.status(outcome.deployed() ? HttpStatus.OK : HttpStatus.UNPROCESSABLE_ENTITY)
                .body(outcome);
    }

    private static Map<String, byte[]> decode(Map<String, String> files, String field) {
        if (files == null) {
            if (field.equals("files")) {
                throw new IllegalArgumentException("the upload has no \"files\": give every rule file by its path");
            }
            return Map.of();
        }
        Map<String, byte[]> out = new TreeMap<>();
        files.forEach((path, content) -> out.put(
                path,
                content.startsWith("base64:")
                        ? Base64.getDecoder().decode(content.substring("base64:".length()))
                        : content.getBytes(StandardCharsets.UTF_8)));
        return out;
    }

    private static ResponseStatusException noVersion(long id) {
        return new ResponseStatusException(
                HttpStatus.NOT_FOUND, "no rule version " + id + "; GET /api/rules/versions lists them");
    }
}
