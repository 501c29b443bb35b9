package io.fieldhub.embedded;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restarts an embedded server that ended on its own: one WARN when it ends, attempts after 1 s, 2 s, 4 s, … (at most
 * 30 s apart), one INFO when it is back. Its {@link #status()} feeds health and metrics. {@link #close()} ends the
 * supervision; close it before the server, so that a normal shutdown is not taken for a crash.
 */
public final class Supervisor implements AutoCloseable {

    /** A server that reports when it ended without being closed, and that can be started again. */
    public interface Supervised {

        /** {@code listener} gets what is known of why the server ended; it is called on no particular thread. */
        void onCrash(Consumer<String> listener);

        /** Starts the server again with its own port and data; throws when it cannot, to be tried again later. */
        void restart();
    }

    /** Running, or restarting since {@code downSince} (attempt {@code attempt} next or under way). */
    public record Status(
            String server,
            boolean up,
            int attempt,
            Instant downSince,
            String reason,
            String lastError,
            long restarts) {}

    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

    private final String name;
    private final Supervised server;
    private final ScheduledThreadPoolExecutor thread;
    private Status status;
    private boolean closed;

    public Supervisor(String name, Supervised server) {
        this.name = name;
        this.server = server;
        this.status = new Status(name, true, 0, null, null, null, 0);
        this.thread = new ScheduledThreadPoolExecutor(1, task -> {
            Thread t = new Thread(task, "fieldhub-supervise-" + name.replace(' ', '-'));
            t.setDaemon(true);
            return t;
        });
        // a close waits for a restart under way, not for one that is only planned
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        server.onCrash(this::ended);
    }

    public String name() {
        return name;
    }

    public synchronized Status status() {
        return status;
    }

    private synchronized void ended(String reason) {
        if (closed || !status.up()) {
            return;
        }
        LOG.warn("Embedded {} stopped unexpectedly ({}); restarting it", name, reason);
        status = new Status(name, false, 1, Instant.now(), reason, null, status.restarts());
        thread.schedule(this::attempt, 1, TimeUnit.SECONDS);
    }

    private void attempt() {
        int attempt;
        synchronized (this) {
            if (closed) {
                return;
            }
            attempt = status.attempt();
        }
        try {
            server.restart();
        } catch (RuntimeException e) {
            retryLater(attempt, e);
            return;
        }
        synchronized (this) {
            long seconds = Duration.between(status.downSince(), Instant.now()).toSeconds();
            LOG.info("Embedded {} restarted after {} s (attempt {})", name, seconds, attempt);
            status = new Status(name, true, 0, null, null, null, status.restarts() + 1);
        }
    }

    private synchronized void retryLater(int attempt, RuntimeException failure) {
        if (closed) {
            return;
        }
        long delay = Math.min(1L << Math.min(attempt, 5), MAX_BACKOFF.toSeconds());
        LOG.debug("Embedded {} restart attempt {} failed; next in {} s", name, attempt, delay, failure);
        status = new Status(
                name,
                false,
                attempt + 1,
                status.downSince(),
                status.reason(),
                String.valueOf(failure.getMessage()),
                status.restarts());
        thread.schedule(this::attempt, delay, TimeUnit.SECONDS);
    }

    /** Ends the supervision, waiting for a restart under way so that the server can then be closed. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        thread.shutdown();
        try {
            thread.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
