package io.fieldhub.security;

import io.fieldhub.api.ApiException;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The hub's own users (table {@code hub_user}), who sign in with HTTP Basic: the embedded default, so the hub is
 * never open and needs no Keycloak on a laptop. Passwords are generated, shown once, and kept as a salted hash.
 */
public class LocalUsers implements UserDetailsService {

    public static final Set<String> ROLES =
            Set.of(Roles.VIEWER, Roles.OPERATOR, Roles.RULE_AUTHOR, Roles.DEVICE_ADMIN, Roles.ADMIN);

    /** A user as the API shows it: never the password or its hash. */
    public record LocalUser(String username, List<String> roles, Instant createdAt, String createdBy) {}

    /** A user just made or given a new password: the only time the password is shown. */
    public record NewPassword(String username, List<String> roles, String password) {}

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    private static final int PASSWORD_BYTES = 18;

    private final JdbcClient jdbc;
    private final PasswordEncoder encoder;
    private final SecureRandom random = new SecureRandom();

    public LocalUsers(JdbcClient jdbc, PasswordEncoder encoder) {
        this.jdbc = jdbc;
        this.encoder = encoder;
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        return jdbc.sql("select username, password_hash, roles from hub_user where username = ?")
                .param(username)
                .query((rs, row) -> User.withUsername(rs.getString(1))
                        .password(rs.getString(2))
                        .roles(roles(rs.getArray(3)).toArray(String[]::new))
                        .build())
                .optional()
                .orElseThrow(() -> new UsernameNotFoundException("no local user " + username));
    }

    /** Makes a user with a generated password. */
    public NewPassword create(String username, List<String> roles, String actor) {
        return create(username, roles, newPassword(), actor);
    }

    /** Makes a user with the given password (the first start's admin, whose password is already in a file). */
    public NewPassword create(String username, List<String> roles, String password, String actor) {
        if (username == null || !NAME.matcher(username).matches()) {
            throw ApiException.badRequest("a username is 1-64 letters, digits or . _ @ -, not '" + username + "'");
        }
        if (roles == null || roles.isEmpty() || !ROLES.containsAll(roles)) {
            throw ApiException.badRequest(
                    "roles must be some of " + ROLES.stream().sorted().toList() + ", not " + roles);
        }
        List<String> sorted = roles.stream().distinct().sorted().toList();
        jdbc.sql("insert into hub_user (username, password_hash, roles, created_by) values (?, ?, ?, ?)")
                .params(username, encoder.encode(password), sorted.toArray(String[]::new), actor)
                .update();
        return new NewPassword(username, sorted, password);
    }

    public List<LocalUser> list() {
        return jdbc.sql("select username, roles, created_at, created_by from hub_user order by username")
                .query(LocalUsers::user)
                .list();
    }

    public boolean isEmpty() {
        return jdbc.sql("select count(*) from hub_user").query(Long.class).single() == 0;
    }

    /** Removes a user; the last admin stays, so that someone can always manage the others. */
    public boolean delete(String username) {
        boolean lastAdmin = jdbc.sql("select count(*) from hub_user where 'admin' = any(roles) and username <> ?")
                                .param(username)
                                .query(Long.class)
                                .single()
                        == 0
                && jdbc.sql("select count(*) from hub_user where username = ? and 'admin' = any(roles)")
                                .param(username)
                                .query(Long.class)
                                .single()
                        == 1;
        if (lastAdmin) {
            throw new ApiException(HttpStatus.CONFLICT, username + " is the last admin; make another admin first");
        }
        return jdbc.sql("delete from hub_user where username = ?")
                        .param(username)
                        .update()
                == 1;
    }

    /** Gives a user a new generated password; the old one stops working at once. */
    public NewPassword resetPassword(String username) {
        String password = newPassword();
        return jdbc.sql("update hub_user set password_hash = ? where username = ? returning roles")
                .params(encoder.encode(password), username)
                .query((rs, row) -> new NewPassword(username, roles(rs.getArray(1)), password))
                .optional()
                .orElseThrow(() -> ApiException.notFound("user " + username));
    }

    private String newPassword() {
        byte[] bytes = new byte[PASSWORD_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static LocalUser user(ResultSet rs, int row) throws SQLException {
        return new LocalUser(
                rs.getString(1), roles(rs.getArray(2)), rs.getTimestamp(3).toInstant(), rs.getString(4));
    }

    private static List<String> roles(Array array) throws SQLException {
        return Arrays.asList((String[]) array.getArray());
    }
}
