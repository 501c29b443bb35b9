package io.fieldhub.routes;

import io.fieldhub.failure.ErrorClassifier;
import io.fieldhub.failure.PermanentStoreException;
import io.fieldhub.failure.StoreFailure;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.Exchange;

/**
 * Stands in for the {@code storeFailures} bean in route tests: the real classification and the same exception for
 * the dead letter, but the failures are kept in memory instead of raising the hub's alert (the real bean is covered
 * by the end-to-end tests).
 */
public class RecordingStoreFailures {

    private final List<StoreFailure> surfaced = new CopyOnWriteArrayList<>();

    public boolean isPermanent(Exchange exchange) {
        Throwable failure = exchange.getException() != null
                ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return ErrorClassifier.isPermanent(failure);
    }

    public void surface(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        StoreFailure failure = StoreFailure.of(error, "fieldhub");
        surfaced.add(failure);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new PermanentStoreException(failure, error));
    }

    public List<StoreFailure> surfaced() {
        return List.copyOf(surfaced);
    }
}
