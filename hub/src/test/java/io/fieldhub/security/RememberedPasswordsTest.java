package io.fieldhub.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

class RememberedPasswordsTest {

    final AtomicInteger bcrypts = new AtomicInteger();
    final BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(4);
    final PasswordEncoder counting = new PasswordEncoder() {
        @Override
        public String encode(CharSequence raw) {
            return bcrypt.encode(raw);
        }

        @Override
        public boolean matches(CharSequence raw, String encoded) {
            bcrypts.incrementAndGet();
            return bcrypt.matches(raw, encoded);
        }
    };
    final RememberedPasswords passwords = new RememberedPasswords(counting, Duration.ofMinutes(10));

    @Test
    void aRightPasswordCostsOneBcryptAndThenNone() {
        String hash = passwords.encode("s3cret");

        assertThat(passwords.matches("s3cret", hash)).isTrue();
        assertThat(passwords.matches("s3cret", hash)).isTrue();
        assertThat(passwords.matches("s3cret", hash)).isTrue();

        assertThat(bcrypts).hasValue(1);
    }

    @Test
    void aWrongPasswordIsNeverRememberedAndANewHashForgetsTheOldPassword() {
        String hash = passwords.encode("s3cret");
        assertThat(passwords.matches("s3cret", hash)).isTrue();

        assertThat(passwords.matches("guess", hash)).isFalse();
        assertThat(passwords.matches("guess", hash)).isFalse();
        String renewed = passwords.encode("n3w");
        assertThat(passwords.matches("s3cret", renewed)).isFalse();
        assertThat(passwords.matches("n3w", renewed)).isTrue();

        assertThat(bcrypts).hasValue(5);
    }
}
