package io.fieldhub.ingest;

import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceHelper;

/**
 * An intake the embedded broker calls in-process ({@link BrokerIntake}, the gateway intake). It is made with the
 * broker, before Camel exists, and starts handing publishes to its route once Camel has started them; publishes that
 * come earlier wait.
 */
public interface InProcessIntake {

    /** Starts handing publishes to the flow; called once Camel has started its routes. */
    void connect(CamelContext camel);

    /**
     * A started producer to the intake's route. block=false: once the route has stopped (the hub is stopping), a
     * publish is answered "send it again" at once instead of after the direct component's 30 s wait for a consumer.
     */
    static AsyncProducer startProducer(CamelContext camel, String endpoint, String intake, String routeFile) {
        AsyncProducer producer;
        try {
            producer = camel.getEndpoint(endpoint + "?block=false").createAsyncProducer();
        } catch (Exception e) {
            throw new IllegalStateException(
                    intake + ": cannot send to " + endpoint + " (is routes/" + routeFile + " there?)", e);
        }
        ServiceHelper.startService(producer);
        return producer;
    }
}
