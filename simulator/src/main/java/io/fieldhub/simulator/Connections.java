package io.fieldhub.simulator;

import io.fieldhub.simulator.mqtt.DeviceConnection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Opens and closes a run's connections together. */
final class Connections {

    private static final long CONNECT_SECONDS = 15;
    private static final long DISCONNECT_SECONDS = 5;

    private Connections() {}

    static void connectAll(List<DeviceConnection> connections, String url) throws InterruptedException {
        CompletableFuture<?>[] connecting =
                connections.stream().map(DeviceConnection::connect).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(connecting).get(CONNECT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new SimulatorException(
                    "Cannot connect to " + url + ": " + rootMessage(e)
                            + ". Is the hub (or another MQTT broker) running there?",
                    e.getCause());
        } catch (TimeoutException e) {
            throw new SimulatorException("No answer from " + url + " within " + CONNECT_SECONDS + " s", e);
        }
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }

    /** Best effort: a connection that never opened, or already broke, has nothing left to close. */
    static void disconnectAll(List<DeviceConnection> connections) {
        CompletableFuture<?>[] closing = connections.stream()
                .map(c -> c.disconnect().exceptionally(failure -> null))
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(closing).get(DISCONNECT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // Nothing more to wait for: the process is ending or the broker is gone.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
