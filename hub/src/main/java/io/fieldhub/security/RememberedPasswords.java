package io.fieldhub.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * A local user's password checked once against its bcrypt hash is remembered for a while, so that HTTP Basic, which
 * sends the password with every call, costs an HMAC per call instead of a bcrypt. What is remembered is an HMAC,
 * under a key made at start and never stored, of the stored hash and the password: neither can be read back, a new
 * password (a new hash) matches nothing remembered, and a removed user is refused before any password is checked.
 */
final class RememberedPasswords implements PasswordEncoder {

    private final PasswordEncoder hashes;
    private final Cache<String, Boolean> verified;
    private final SecretKeySpec key;

    RememberedPasswords(PasswordEncoder hashes, Duration remember) {
        this.hashes = hashes;
        this.verified = Caffeine.newBuilder()
                .expireAfterWrite(remember)
                .maximumSize(10_000)
                .build();
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    @Override
    public String encode(CharSequence password) {
        return hashes.encode(password);
    }

    @Override
    public boolean matches(CharSequence password, String hash) {
        if (password == null || hash == null) {
            return false;
        }
        String seen = digest(hash, password);
        if (verified.getIfPresent(seen) != null) {
            return true;
        }
        boolean matches = hashes.matches(password, hash);
        if (matches) {
            verified.put(seen, Boolean.TRUE);
        }
        return matches;
    }

    @Override
    public boolean upgradeEncoding(String hash) {
        return hashes.upgradeEncoding(hash);
    }

    private String digest(String hash, CharSequence password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(hash.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return HexFormat.of().formatHex(mac.doFinal(password.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
        }
    }
}
