package io.fieldhub.notify;

import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.util.function.Suppliers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Wakes a notification route as soon as it has work, instead of at its next timer tick: once the transaction that
 * made the work commits (never before, so the route sees the rows), it puts a wake-up on the route's endpoint
 * {@code seda:<route id>}. The endpoint holds one wake-up and drops the rest ({@code size=1&discardWhenFull=true}),
 * so a burst of them while the route runs leads to one more run, not a queue. The routes' timers stay, for what no
 * wake-up announces: a retry whose backoff has ended, a quiet-hours wait that is over, work left by a hub that died.
 */
public class Wakeups {

    private static final Logger LOG = LoggerFactory.getLogger(Wakeups.class);

    private final CamelContext camel;
    private final Supplier<ProducerTemplate> producer;

    public Wakeups(CamelContext camel) {
        this.camel = camel;
        this.producer = Suppliers.memorize(camel::createProducerTemplate);
    }

    /** The transaction under way wrote alert transitions: the {@code notify-fanout} route runs once it commits. */
    public void fanOut() {
        afterCommit("notify-fanout");
    }

    /**
     * The transaction under way wrote notifications due now on a channel (email, sms, crm): the channel's route
     * ({@code notify-email}, ...) claims once it commits.
     */
    public void channel(String channel) {
        afterCommit("notify-" + channel);
    }

    private void afterCommit(String route) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            wake(route);
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                wake(route);
            }
        });
    }

    /** Never fails the work that was committed: a wake-up that cannot be given is left to the route's timer. */
    private void wake(String route) {
        // while Camel starts or stops there is no route to wake; the timers run from the start
        if (!camel.isStarted()) {
            return;
        }
        try {
            producer.get().sendBody("seda:" + route + "?size=1&discardWhenFull=true", null);
        } catch (RuntimeException e) {
            LOG.debug("no wake-up for {}; its timer finds the work", route, e);
        }
    }
}
