package io.fieldhub.simulator.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (or SIGTERM) ends a run the way reaching --count does: the hook stops sending, then holds the JVM until
 * the run has drained and printed its summary, and exits with the run's own exit code instead of 130, so a script
 * that stops an open-ended run with a signal still learns whether every message was acknowledged.
 */
final class StopOnCtrlC implements AutoCloseable {

    private final Thread hook;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile int exitCode = 130;

    StopOnCtrlC(Runnable stop, Duration drainTimeout) {
        this.hook = new Thread(
                () -> {
                    stop.run();
                    try {
                        finished.await(drainTimeout.toSeconds() + 15, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    System.out.flush();
                    System.err.flush();
                    // System.exit would block during shutdown; halt is the only way to set the status from a hook.
                    Runtime.getRuntime().halt(exitCode);
                },
                "simulator-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The run has summed up; a pending hook may now exit with this code. */
    void finished(int code) {
        exitCode = code;
        finished.countDown();
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C came: the hook is running and exits with the code handed to finished().
        }
    }
}
