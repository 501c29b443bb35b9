package io.fieldhub.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** A secret shown once goes into a new file that only the hub's own user can read, never into the log. */
public final class PrivateFile {

    private PrivateFile() {}

    /** Creates {@code file} (it must not exist) with mode 600 and writes {@code text}; {@code what} names it. */
    public static void create(Path file, String text, String what) {
        try {
            Files.createDirectories(file.getParent());
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + what + " to " + file, e);
        }
    }
}
