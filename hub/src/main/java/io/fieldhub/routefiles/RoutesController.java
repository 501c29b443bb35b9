package io.fieldhub.routefiles;

import io.fieldhub.security.Roles;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/routes}: the route files in force, and the last saved one that was refused, with its line. */
@RestController
class RoutesController {

    private final RouteFiles routeFiles;

    RoutesController(RouteFiles routeFiles) {
        this.routeFiles = routeFiles;
    }

    @GetMapping("/api/routes")
    @PreAuthorize(Roles.CAN_READ)
    Map<String, Object> inForce() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("files", routeFiles.files());
        body.put("lastFailure", routeFiles.lastFailure());
        return body;
    }
}
