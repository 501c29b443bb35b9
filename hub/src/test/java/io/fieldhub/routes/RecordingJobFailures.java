package io.fieldhub.routes;

import io.fieldhub.failure.StoreFailure;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.Exchange;

/**
 * Stands in for the {@code jobFailures} bean in route tests: keeps the permanent failures of timer routes in memory
 * instead of raising the hub's alert (JobFailuresIT covers the real bean).
 */
public class RecordingJobFailures {

    private final List<StoreFailure> surfaced = new CopyOnWriteArrayList<>();

    public void surface(Exchange exchange) {
        surfaced.add(StoreFailure.of(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class), "fieldhub"));
    }

    public void succeeded(Exchange exchange) {}

    public List<StoreFailure> surfaced() {
        return List.copyOf(surfaced);
    }
}
