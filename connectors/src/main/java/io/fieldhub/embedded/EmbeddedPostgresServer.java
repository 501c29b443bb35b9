package io.fieldhub.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A PostgreSQL server run from zonky's bundled binaries, keeping its data in a given directory. */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

    private final Path dataDirectory;
    private final int requestedPort;
    private EmbeddedPostgres postgres;

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
        if (postgres != null) {
            throw new IllegalStateException("PostgreSQL in " + dataDirectory + " is already started");
        }
        stopOrphan();
        if (requestedPort != 0) {
            requirePortFree();
        }
        try {
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    // zonky runs initdb only when postgresql.conf is missing or when told to clean the
                    // directory, which it also deletes on close: false keeps the hub's data.
                    .setCleanDataDirectory(false)
                    .setPort(requestedPort)
                    // zonky tunes for throwaway test databases (postgres -F and synchronous_commit=off);
                    // the hub's data must survive a crash or power loss, so restore PostgreSQL's defaults.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    // zonky's own JVM shutdown hook would stop PostgreSQL at once, in parallel with the
                    // application's orderly shutdown that still writes to it; close() stops it instead.
                    .setRegisterShutdownHook(false)
                    .start();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "PostgreSQL could not start on port " + requestedPort + " with data directory " + dataDirectory
                            + " (is another server using that directory?)",
                    e);
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
    private void requirePortFree() {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), requestedPort));
        } catch (IOException e) {
            throw new IllegalStateException(
                    "PostgreSQL cannot listen on localhost:" + requestedPort + ", the port is already in use", e);
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
