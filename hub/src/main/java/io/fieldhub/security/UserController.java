package io.fieldhub.security;

import io.fieldhub.api.Actors;
import io.fieldhub.api.ApiException;
import java.security.Principal;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The hub's local users ({@code /api/users}, admin only): list, create (the password is generated and shown once),
 * new password, delete. With Keycloak, users are managed there instead.
 */
@RestController
@RequestMapping("/api/users")
@PreAuthorize(Roles.CAN_ADMINISTER)
class UserController {

    record NewUser(String username, List<String> roles) {}

    private final LocalUsers users;

    UserController(LocalUsers users) {
        this.users = users;
    }

    @GetMapping
    List<LocalUsers.LocalUser> list() {
        return users.list();
    }

    @PostMapping
    ResponseEntity<LocalUsers.NewPassword> create(@RequestBody NewUser body, Principal user) {
        if (body == null) {
            throw ApiException.badRequest("send {\"username\": \"alice\", \"roles\": [\"operator\"]}");
        }
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(users.create(body.username(), body.roles(), Actors.of(user)));
    }

    @PostMapping("/{username}/password")
    LocalUsers.NewPassword newPassword(@PathVariable String username) {
        return users.resetPassword(username);
    }

    @DeleteMapping("/{username}")
    ResponseEntity<Void> delete(@PathVariable String username) {
        if (!users.delete(username)) {
            throw ApiException.notFound("user " + username);
        }
        return ResponseEntity.noContent().build();
    }
}
