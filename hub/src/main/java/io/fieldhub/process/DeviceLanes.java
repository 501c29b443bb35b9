package io.fieldhub.process;

import io.fieldhub.ingest.TelemetryHeaders;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * Moves the rest of a route onto one of N single-threaded lanes, chosen by device id: processing uses every core,
 * while each device's messages stay in order (the rules will keep per-device windows). A full lane makes the
 * caller wait, which pushes back on the MQTT consumer instead of filling the heap.
 */
public class DeviceLanes extends AsyncProcessorSupport {

    private final ExecutorService[] lanes;

    public DeviceLanes(int count, int queuePerLane) {
        lanes = new ExecutorService[count];
        for (int i = 0; i < count; i++) {
            String name = "device-lane-" + i;
            lanes[i] = new ThreadPoolExecutor(
                    1,
                    1,
                    0,
                    TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(queuePerLane),
                    task -> daemon(task, name),
                    new BlockingHandoff());
        }
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        String deviceId = exchange.getMessage().getHeader(TelemetryHeaders.DEVICE_ID, String.class);
        int lane = Math.floorMod(deviceId == null ? 0 : deviceId.hashCode(), lanes.length);
        // Completing the callback on the lane thread makes Camel continue the route there.
        lanes[lane].execute(() -> callback.done(false));
        return false;
    }

    /** How many lanes there are; the rule engine keeps one session per lane. */
    public int count() {
        return lanes.length;
    }

    public void stopLanes() {
        for (ExecutorService lane : lanes) {
            lane.shutdown();
        }
    }

    /** Waits for room in the lane rather than running the task on the caller (which would break the order). */
    private static final class BlockingHandoff implements java.util.concurrent.RejectedExecutionHandler {
        @Override
        public void rejectedExecution(Runnable task, ThreadPoolExecutor executor) {
            try {
                executor.getQueue().put(task);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.util.concurrent.RejectedExecutionException("interrupted while waiting for a lane", e);
            }
        }
    }
}
