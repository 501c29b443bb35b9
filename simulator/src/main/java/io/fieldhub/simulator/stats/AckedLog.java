package io.fieldhub.simulator.stats;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code --acked-out} file: one {@code deviceId,messageId} line per message the broker acknowledged with reason
 * code 0x00, so a test can check that every acknowledged message was stored. Written by the acknowledging threads;
 * complete once closed. A write failure is reported by {@link #close()}, not on the client's threads.
 */
public final class AckedLog implements Closeable {

    private static final AckedLog NONE = new AckedLog(null);

    private final BufferedWriter out;
    private IOException failure;

    private AckedLog(BufferedWriter out) {
        this.out = out;
    }

    /** A log that writes nothing. */
    public static AckedLog none() {
        return NONE;
    }

    public static AckedLog to(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return new AckedLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    public synchronized void acked(String deviceId, String messageId) {
        if (out == null || failure != null) {
            return;
        }
        try {
            out.write(deviceId);
            out.write(',');
            out.write(messageId);
            out.newLine();
        } catch (IOException e) {
            failure = e;
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (out == null) {
            return;
        }
        out.close();
        if (failure != null) {
            throw failure;
        }
    }
}
