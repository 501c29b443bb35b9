package io.fieldhub.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The slow parts of a start that run on threads of their own while Spring builds the context (see
 * {@link ParallelStart}). A bean that needs one waits for it with {@link #await}; before the context is refreshed
 * every one has finished ({@link #awaitAll}), so a hub that reports ready has all of them; a failure fails the start
 * with its own error. Servers it started are closed if the start fails, and after every bean that uses them.
 */
public final class StartupTasks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StartupTasks.class);

    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "fieldhub-start");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, CompletableFuture<?>> tasks = new LinkedHashMap<>();
    private final List<CompletableFuture<? extends AutoCloseable>> servers = new ArrayList<>();

    /** Runs {@code task} on a thread of its own; {@link #await} with the same name gets its result. */
    synchronized <T> CompletableFuture<T> run(String name, Supplier<T> task) {
        CompletableFuture<T> future = CompletableFuture.supplyAsync(task, threads);
        tasks.put(name, future);
        return future;
    }

    /** Starts a server on a thread of its own and prints the one line a start shows for it. */
    synchronized <T extends AutoCloseable> void server(
            String name, String what, T server, Runnable start, Supplier<String> address) {
        servers.add(run(name, () -> {
            long begin = System.nanoTime();
            start.run();
            LOG.info(
                    "Embedded {} listening at {} (started in {} ms)",
                    what,
                    address.get(),
                    (System.nanoTime() - begin) / 1_000_000);
            return server;
        }));
    }

    /** The result of task {@code name}, once it has finished; its failure, if it failed. */
    <T> T await(String name, Class<T> type) {
        CompletableFuture<?> future;
        synchronized (this) {
            future = tasks.get(name);
        }
        if (future == null) {
            throw new IllegalStateException("no start-up task " + name);
        }
        try {
            return type.cast(future.join());
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(name + " failed to start", e.getCause());
        }
    }

    /** Waits for every task; the first failure fails the start. */
    void awaitAll() {
        List<String> names;
        synchronized (this) {
            names = List.copyOf(tasks.keySet());
        }
        names.forEach(name -> await(name, Object.class));
        threads.shutdown();
    }

    /** Closes the servers started here, waiting for any still starting; each server's close is idempotent. */
    @Override
    public void close() {
        List<CompletableFuture<? extends AutoCloseable>> started;
        synchronized (this) {
            started = List.copyOf(servers);
        }
        for (var server : started) {
            try {
                server.join().close();
            } catch (Exception e) {
                // a server that failed to start has nothing to close; its start failure was reported
                LOG.debug("start-up task ended with", e);
            }
        }
        threads.shutdownNow();
    }
}
