package io.fieldhub.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Stops what the benchmark started when it ends, also on Ctrl-C or SIGTERM: the simulator, the hub, the peer, and
 * the PostgreSQL servers (the hub's, the peer's). pg_ctl starts a postmaster in a session of its own and exits, so
 * it is no descendant of ours; its data directory's postmaster.pid names it.
 */
final class ChildProcesses {

    private static final long GRACE_SECONDS = 60;

    private ChildProcesses() {}

    static void stopOnExit(List<Path> postgresData) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAll(postgresData), "bench-stop-children"));
    }

    /**
     * SIGTERM to the children (the simulator, the hub), which stop their own (the hub its PostgreSQL), again each
     * second for one started meanwhile; SIGKILL after a grace period, then to any descendant left over.
     */
    static void stopAll(List<Path> postgresData) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GRACE_SECONDS);
        for (List<ProcessHandle> children = alive(ProcessHandle.current().children());
                !children.isEmpty();
                children = alive(ProcessHandle.current().children())) {
            children.forEach(System.nanoTime() > deadline ? ProcessHandle::destroyForcibly : ProcessHandle::destroy);
            awaitExit(children, 1);
        }
        alive(ProcessHandle.current().descendants()).forEach(ProcessHandle::destroyForcibly);
        for (Path data : postgresData) {
            postmaster(data).ifPresent(postgres -> {
                postgres.destroy();
                if (!awaitExit(List.of(postgres), GRACE_SECONDS)) {
                    postgres.destroyForcibly();
                }
            });
        }
    }

    private static List<ProcessHandle> alive(Stream<ProcessHandle> processes) {
        return processes.filter(ProcessHandle::isAlive).toList();
    }

    private static boolean awaitExit(List<ProcessHandle> processes, long seconds) {
        try {
            CompletableFuture.allOf(
                            processes.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new))
                    .get(seconds, TimeUnit.SECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The running postmaster of {@code dataDirectory}, if any (and only if it is a postgres process). */
    private static Optional<ProcessHandle> postmaster(Path dataDirectory) {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(p ->
                            p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
