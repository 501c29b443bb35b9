package io.fieldhub.simulator.stats;

import java.util.Map;

/**
 * The outcome of a run, printed at its end and, with {@code --json-summary}, written for the benchmark.
 *
 * @param runId          prefix of every messageId of the run
 * @param startedAt      epoch millis of the first send
 * @param endedAt        epoch millis when the last acknowledgement was awaited
 * @param elapsedSeconds from the first send until the outstanding acknowledgements were settled
 * @param connectSeconds how long opening every connection took (each device authenticates, when it has credentials)
 * @param givenUp        messages still unacknowledged {@code --give-up-after} after their first send
 * @param reconnects     connections opened again after they were lost
 * @param resends        publishes sent again with the same messageId
 */
public record Summary(
        String runId,
        String url,
        int devices,
        int connections,
        String format,
        int qos,
        double targetRate,
        long sent,
        long acked,
        long errors,
        Map<String, Long> errorsByReason,
        long hot,
        long startedAt,
        long endedAt,
        double elapsedSeconds,
        Latency latency,
        double connectSeconds,
        long givenUp,
        long reconnects,
        long resends) {

    public double ackedRate() {
        return elapsedSeconds > 0 ? acked / elapsedSeconds : 0;
    }

    /** Connections opened per second at the start of the run. */
    public double connectRate() {
        return connectSeconds > 0 ? connections / connectSeconds : 0;
    }

    /** Sent but neither acknowledged, failed nor given up by the end of the drain. */
    public long unacknowledged() {
        return sent - acked - errors - givenUp;
    }

    public boolean clean() {
        return errors == 0 && acked == sent;
    }
}
