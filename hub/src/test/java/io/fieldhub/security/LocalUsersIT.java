package io.fieldhub.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldhub.api.ApiException;
import io.fieldhub.routes.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;

class LocalUsersIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    final DelegatingPasswordEncoder encoder =
            new DelegatingPasswordEncoder("bcrypt", java.util.Map.of("bcrypt", new BCryptPasswordEncoder(4)));
    final LocalUsers users = new LocalUsers(JdbcClient.create(db.dataSource()), encoder);

    @Test
    void theFirstStartMakesAdminWithAPasswordOnlyTheHubsUserCanReadAndALaterStartKeepsIt(@TempDir Path data)
            throws Exception {
        Path file = data.resolve("admin-password");
        new FirstAdmin(users, file, true).createOnFirstStart();

        String password = Files.readString(file).strip();
        assertThat(password).hasSizeGreaterThanOrEqualTo(24);
        assertThat(Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        var admin = users.loadUserByUsername("admin");
        assertThat(encoder.matches(password, admin.getPassword())).isTrue();
        assertThat(AuthorityUtils.authorityListToSet(admin.getAuthorities())).containsExactly("ROLE_admin");

        new FirstAdmin(users, file, true).createOnFirstStart();
        assertThat(Files.readString(file).strip()).isEqualTo(password);
        assertThat(users.list()).hasSize(1);
    }

    @Test
    void aNewDatabaseGetsAdminBackWithThePasswordInTheFile(@TempDir Path data) throws Exception {
        Path file = data.resolve("admin-password");
        Files.writeString(file, "kept-from-before\n");

        new FirstAdmin(users, file, true).createOnFirstStart();

        assertThat(encoder.matches(
                        "kept-from-before", users.loadUserByUsername("admin").getPassword()))
                .isTrue();
    }

    @Test
    void withLocalUsersOffNoAdminIsMade(@TempDir Path data) {
        new FirstAdmin(users, data.resolve("admin-password"), false).createOnFirstStart();

        assertThat(users.isEmpty()).isTrue();
        assertThat(data.resolve("admin-password")).doesNotExist();
    }

    @Test
    void theLastAdminStays() {
        users.create("admin", List.of("admin"), "test");
        assertThatThrownBy(() -> users.delete("admin"))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("last admin");

        users.create("second", List.of("admin", "viewer"), "test");
        assertThat(users.delete("admin")).isTrue();
        assertThat(users.list()).extracting(LocalUsers.LocalUser::username).containsExactly("second");
    }

    @Test
    void unknownRolesAndOddNamesAreRefused() {
        assertThatThrownBy(() -> users.create("bob", List.of("superuser"), "test"))
                .hasMessageContaining("roles must be some of");
        assertThatThrownBy(() -> users.create("bob smith", List.of("viewer"), "test"))
                .hasMessageContaining("a username is");
        assertThat(users.isEmpty()).isTrue();
    }
}
