package io.fieldhub.ingest.gateway;

import io.fieldhub.deadletter.DeadLetters;
import io.fieldhub.ingest.gateway.GatewayBatch.Reading;
import io.fieldhub.ingest.gateway.GatewayOutcome.Answer;
import io.fieldhub.ingest.gateway.GatewayOutcome.DeadLetter;
import io.fieldhub.telemetry.InvalidTelemetryException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.util.ObjectHelper;

/** Counts what became of each reading of one gateway message, as the readings settle (from any thread). */
final class GatewayTally {

    private final GatewayBatch batch;
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private int stored;
    private int notStored;
    private Answer worst = Answer.STORED;

    GatewayTally(GatewayBatch batch) {
        this.batch = batch;
    }

    synchronized void refused(Reading reading) {
        deadLetters.add(
                new DeadLetter(reading.deviceId(), reading.index(), reading.messageId(), reading.refusal(), true));
    }

    /** A reading back from the flow: stored, kept as a dead letter, or neither. */
    synchronized void settled(Reading reading, Exchange exchange) {
        // as for a device's message: what was caught counts only if it ended as a dead letter
        boolean kept = exchange.getProperty(DeadLetters.RECORDED, false, Boolean.class);
        Throwable handled = kept ? exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class) : null;
        if (exchange.getException() != null) {
            notStored++;
            worse(Answer.SEND_AGAIN);
        } else if (handled != null) {
            boolean bad = ObjectHelper.getException(InvalidTelemetryException.class, handled) != null;
            deadLetters.add(new DeadLetter(
                    reading.deviceId(), reading.index(), reading.messageId(), handled.getMessage(), false));
            worse(bad ? Answer.BAD_INPUT : Answer.DEAD_LETTER);
        } else {
            stored++;
        }
    }

    synchronized GatewayOutcome overQuota(String deviceId) {
        return new GatewayOutcome(
                batch.gatewayId(), batch.messageId(), Answer.OVER_QUOTA, batch.size(), 0, List.of(), 0, deviceId);
    }

    synchronized GatewayOutcome outcome() {
        List<DeadLetter> letters = new ArrayList<>(deadLetters);
        letters.sort(Comparator.comparing(DeadLetter::deviceId).thenComparingInt(DeadLetter::index));
        return new GatewayOutcome(
                batch.gatewayId(), batch.messageId(), worst, batch.size(), stored, letters, notStored, null);
    }

    private void worse(Answer answer) {
        if (answer.ordinal() < worst.ordinal()) {
            worst = answer;
        }
    }
}
