package io.fieldhub.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run from zonky's bundled binaries, keeping its data in a given directory. It can be
 * {@linkplain Supervisor supervised}: a postmaster that ends without {@link #close()} is reported, and
 * {@link #restart()} brings it back on the same port and directory.
 */
public final class EmbeddedPostgresServer implements AutoCloseable, Supervisor.Supervised {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

    private final Path dataDirectory;
    private final int requestedPort;
    private EmbeddedPostgres postgres;
    private int lastPort;
    private Consumer<String> onCrash = reason -> {};

    /** Port 0 lets zonky pick a free port; {@link #port()} tells which one after {@link #start()}. */
    public EmbeddedPostgresServer(Path dataDirectory, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("PostgreSQL port must be 0-65535, was " + port);
        }
        this.dataDirectory = dataDirectory;
        this.requestedPort = port;
    }

    /** Starts PostgreSQL, running initdb first only when the directory holds no cluster yet. */
    public synchronized void start() {
        start(requestedPort);
    }

    private void start(int port) {
        if (postgres != null) {
            throw new IllegalStateException("PostgreSQL in " + dataDirectory + " is already started");
        }
        stopOrphan();
        if (port != 0) {
            requirePortFree(port);
        }
        try {
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    // zonky runs initdb only when postgresql.conf is missing or when told to clean the
                    // directory, which it also deletes on close: false keeps the hub's data.
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    // zonky tunes for throwaway test databases (postgres -F and synchronous_commit=off);
                    // the hub's data must survive a crash or power loss, so restore PostgreSQL's defaults.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    // zonky's own JVM shutdown hook would stop PostgreSQL at once, in parallel with the
                    // application's orderly shutdown that still writes to it; close() stops it instead.
                    .setRegisterShutdownHook(false)
                    .start();
            lastPort = postgres.getPort();
            watch(postgres);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "PostgreSQL could not start on port " + port + " with data directory " + dataDirectory
                            + " (is another server using that directory?)",
                    e);
        }
    }

    /**
     * zonky starts PostgreSQL through {@code pg_ctl start}, which returns once the server is up: the postmaster
     * is known only by the pid in its postmaster.pid. It is not the JVM's child, so its exit code is not known.
     */
    private void watch(EmbeddedPostgres started) {
        long pid = postmasterPid()
                .orElseThrow(() -> new IllegalStateException(
                        "PostgreSQL started but wrote no postmaster.pid in " + dataDirectory));
        ProcessHandle.of(pid)
                .map(ProcessHandle::onExit)
                .orElseGet(() -> CompletableFuture.completedFuture(null))
                .thenRun(() -> {
                    Consumer<String> listener;
                    synchronized (this) {
                        if (postgres != started) {
                            return; // closed on purpose, or already replaced
                        }
                        listener = onCrash;
                    }
                    listener.accept("postmaster pid " + pid + " ended");
                });
    }

    @Override
    public synchronized void onCrash(Consumer<String> listener) {
        this.onCrash = listener;
    }

    /**
     * Starts PostgreSQL again after its postmaster ended on its own, on the port it had. A postmaster killed with
     * SIGKILL leaves its postmaster.pid; PostgreSQL ignores it once that process is gone, but not while it is a
     * zombie (an init that reaps no orphans, a JVM as a container's pid 1), so it is removed then.
     */
    @Override
    public synchronized void restart() {
        if (postgres != null) {
            removeZombiePidFile();
            // the postmaster is gone: zonky's pg_ctl stop fails (logged), then its directory lock is released
            EmbeddedPostgres dead = postgres;
            postgres = null;
            try {
                dead.close();
            } catch (IOException e) {
                LOG.debug("closing the ended PostgreSQL in {}", dataDirectory, e);
            }
        }
        try {
            start(lastPort);
        } catch (RuntimeException e) {
            releaseLeftLock();
            throw e;
        }
    }

    private void removeZombiePidFile() {
        postmasterPid()
                .filter(pid -> ProcessHandle.of(pid).isEmpty() && Files.exists(Path.of("/proc", Long.toString(pid))))
                .ifPresent(pid -> {
                    try {
                        Files.deleteIfExists(dataDirectory.resolve("postmaster.pid"));
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot remove the stale postmaster.pid in " + dataDirectory, e);
                    }
                });
    }

    /**
     * zonky locks epg-lock in the data directory before it starts PostgreSQL and keeps the lock when the start
     * fails; in this JVM that would fail every later attempt. A new file is a new lock, and PostgreSQL's own
     * postmaster.pid still keeps a second server off the directory.
     */
    private void releaseLeftLock() {
        try {
            Files.deleteIfExists(dataDirectory.resolve("epg-lock"));
        } catch (IOException e) {
            LOG.debug("cannot remove epg-lock in {}", dataDirectory, e);
        }
    }

    /** The pid on the first line of postmaster.pid, while the file is there. */
    public Optional<Long> postmasterPid() {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        try {
            return Optional.of(Long.parseLong(Files.readAllLines(pidFile).get(0).trim()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * PostgreSQL runs as a child process and outlives a hub that was killed (kill -9, OOM killer, power to the JVM
     * only). Its postmaster.pid names it; stop it cleanly so this start can own the directory and the port again.
     */
    private void stopOrphan() {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            ProcessHandle.of(pid)
                    .filter(p ->
                            p.info().command().map(c -> c.endsWith("postgres")).orElse(false))
                    .ifPresent(orphan -> {
                        LOG.warn(
                                "PostgreSQL (pid {}) from an earlier run is still serving {}; stopping it",
                                pid,
                                dataDirectory);
                        orphan.destroy(); // SIGTERM: PostgreSQL's smart shutdown, clean and crash-safe
                        orphan.onExit().orTimeout(60, TimeUnit.SECONDS).join();
                    });
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "PostgreSQL in " + dataDirectory + " was left running by an earlier run "
                            + "and could not be stopped; stop it (pg_ctl stop -D " + dataDirectory
                            + ") and start again",
                    e);
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port() + "/postgres";
    }

    public String user() {
        return "postgres";
    }

    /** zonky's initdb uses trust authentication for local connections, so the server accepts any password. */
    public String password() {
        return "postgres";
    }

    public synchronized int port() {
        if (postgres == null) {
            if (requestedPort == 0) {
                throw new IllegalStateException("PostgreSQL picks its port at start; call start() first");
            }
            return requestedPort;
        }
        return postgres.getPort();
    }

    /**
     * zonky decides that PostgreSQL is up when a connection to the port answers, so a busy port would either
     * cost its whole start-up timeout or, worse, hand the hub someone else's PostgreSQL.
     */
    private static void requirePortFree(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new IllegalStateException(
                    "PostgreSQL cannot listen on localhost:" + port + ", the port is already in use", e);
        }
    }

    /** Stops PostgreSQL with a fast shutdown, which checkpoints and keeps committed data. */
    @Override
    public synchronized void close() {
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL in " + dataDirectory + " did not stop cleanly", e);
        } finally {
            postgres = null;
        }
    }
}
