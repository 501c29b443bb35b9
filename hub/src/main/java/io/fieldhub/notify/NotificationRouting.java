package io.fieldhub.notify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notification routing in force, read from {@code config/notifications.yaml}. A file that does not read stops
 * the hub at start ({@link RoutingException}: file, line, reason); on {@link #reload()} it leaves the routing in
 * force alone and says what is wrong, in the log and in {@link #lastFailure()}. No file at all routes every
 * transition to nobody, with a warning.
 */
public class NotificationRouting {

    private static final Logger LOG = LoggerFactory.getLogger(NotificationRouting.class);

    private final Path file;
    private final UnaryOperator<String> placeholders;
    private volatile Routing routing;
    private volatile byte[] content;
    private volatile String lastFailure;

    /**
     * Reads the file now.
     *
     * @param placeholders resolves {@code ${...}} in the file's values (the hub passes its Spring environment)
     * @throws RoutingException when the file is there but cannot be used
     */
    public NotificationRouting(Path file, UnaryOperator<String> placeholders) {
        this.file = file.toAbsolutePath().normalize();
        this.placeholders = placeholders;
        byte[] bytes = read();
        if (bytes == null) {
            LOG.warn("No notification routing file at {}: alerts notify nobody until there is one", this.file);
            routing = Routing.NONE;
            content = null;
        } else {
            routing = parse(bytes);
            content = bytes;
            LOG.info("Notification routing from {}: {}", this.file, routing.summary());
        }
    }

    /** The routing in force. */
    public Routing current() {
        return routing;
    }

    /** Why the last reload was refused, or null when the file in force is the one on disk. */
    public String lastFailure() {
        return lastFailure;
    }

    /**
     * Reads the file again and puts it in force if it reads cleanly and has changed; otherwise the routing in force
     * stays. The {@code notify-routing-reload} route calls this when the file changes.
     *
     * @return whether a new routing is now in force
     */
    public synchronized boolean reload() {
        try {
            byte[] bytes = read();
            if (bytes == null) {
                throw new RoutingException(file.toString(), 0, "is gone", null);
            }
            if (Arrays.equals(bytes, content)) {
                lastFailure = null;
                return false;
            }
            Routing fresh = parse(bytes);
            routing = fresh;
            content = bytes;
            lastFailure = null;
            LOG.info("Notification routing reloaded from {}: {}", file, fresh.summary());
            return true;
        } catch (RoutingException e) {
            lastFailure = e.getMessage();
            LOG.error("Notification routing not reloaded, the routing in force stays: {}", e.getMessage());
            return false;
        }
    }

    private Routing parse(byte[] bytes) {
        try {
            return RoutingParser.parse(bytes, placeholders);
        } catch (RoutingException e) {
            throw e.in(file.toString());
        }
    }

    private byte[] read() {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new RoutingException(file.toString(), 0, "cannot be read: " + e.getMessage(), e);
        }
    }
}
