package io.fieldhub.embedded;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * How an in-process server that has no process to wait for is seen to die: a check every {@code every}, and the
 * listener told once when a server that passed fails (it is told again only after the server passed once more, so a
 * restart under way is not reported as a second death).
 */
final class LivenessWatch implements AutoCloseable {

    private final Supplier<String> problem;
    private final Consumer<String> listener;
    private final ScheduledExecutorService thread;
    private boolean passed = true;

    /**
     * @param problem what is wrong with the server, or null when it is fine or not meant to run (stopped or
     *                between restart attempts)
     */
    LivenessWatch(String name, Duration every, Supplier<String> problem, Consumer<String> listener) {
        this.problem = problem;
        this.listener = listener;
        this.thread = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "fieldhub-liveness-" + name);
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::check, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void check() {
        String now = problem.get();
        if (now == null) {
            passed = true;
        } else if (passed) {
            passed = false;
            listener.accept(now);
        }
    }

    /** Null if something accepts TCP connections on the port, else why not. */
    static String acceptsConnections(String host, int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2000);
            return null;
        } catch (IOException e) {
            return "port " + port + " accepts no connections (" + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
