package io.fieldhub.ingest;

import org.apache.camel.CamelContext;

/**
 * An intake the embedded broker calls in-process ({@link BrokerIntake}, the gateway intake). It is made with the
 * broker, before Camel exists, and starts handing publishes to its route once Camel has started them; publishes that
 * come earlier wait.
 */
public interface InProcessIntake {

    /** Starts handing publishes to the flow; called once Camel has started its routes. */
    void connect(CamelContext camel);
}
