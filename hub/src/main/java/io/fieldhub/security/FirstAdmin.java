package io.fieldhub.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default's first user: with no local user yet, {@code admin} is made with a generated password,
 * written to a file only the hub's user can read (never to the log or the banner). A later start with an empty
 * user table (a new database) makes {@code admin} again with the password in that file.
 */
public class FirstAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(FirstAdmin.class);
    public static final String USERNAME = "admin";

    private final LocalUsers users;
    private final Path file;
    private final boolean enabled;

    public FirstAdmin(LocalUsers users, Path file, boolean enabled) {
        this.users = users;
        this.file = file;
        this.enabled = enabled;
    }

    public void createOnFirstStart() {
        if (!enabled || !users.isEmpty()) {
            return;
        }
        if (Files.exists(file)) {
            users.create(USERNAME, List.of(Roles.ADMIN), read().strip(), "first start");
        } else {
            PrivateFile.create(
                    file,
                    users.create(USERNAME, List.of(Roles.ADMIN), "first start").password() + "\n",
                    "the admin password");
        }
        LOG.info("API user {} (role admin) made; its password is in {} (readable by this user only)", USERNAME, file);
    }

    private String read() {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the admin password from " + file, e);
        }
    }
}
