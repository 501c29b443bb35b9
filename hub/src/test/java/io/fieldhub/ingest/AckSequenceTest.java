package io.fieldhub.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldhub.ingest.AckSequence.Ack;
import java.util.List;
import org.junit.jupiter.api.Test;

class AckSequenceTest {

    private final AckSequence sequence = new AckSequence(3);

    @Test
    void finishedMessagesAreAcknowledgedInTheOrderTheyArrived() {
        arrive(1, 2, 3);

        assertThat(sequence.finished(3, 1)).isEmpty();
        assertThat(sequence.finished(2, 1)).isEmpty();
        assertThat(ids(sequence.finished(1, 1))).containsExactly(1, 2, 3);
        assertThat(sequence.pending()).isZero();
    }

    @Test
    void anUnfinishedMessageIsSteppedOverOnceTooManyFinishedOnesWaitBehindIt() {
        arrive(1, 2, 3, 4, 5);
        sequence.finished(2, 1);
        sequence.finished(3, 1);
        sequence.finished(4, 1);

        assertThat(ids(sequence.finished(5, 1)))
                .as("four wait, more than the three allowed")
                .containsExactly(2, 3, 4, 5);
        assertThat(ids(sequence.finished(1, 1)))
                .as("the stepped-over one, when it finishes")
                .containsExactly(1);
        assertThat(sequence.pending()).isZero();
    }

    @Test
    void aSweepStepsOverAnUnfinishedMessageOlderThanItsCutoff() {
        sequence.arrived(1, 1, 0);
        sequence.arrived(2, 1, 10);
        sequence.arrived(3, 1, 20);
        sequence.finished(2, 1);

        assertThat(sequence.sweep(0)).as("nothing arrived before the cutoff").isEmpty();
        assertThat(ids(sequence.sweep(15))).containsExactly(2);
        assertThat(sequence.sweep(100))
                .as("3 is unfinished, but nothing finished waits behind it")
                .isEmpty();
        assertThat(sequence.pending()).isEqualTo(1);
    }

    @Test
    void afterAReconnectEveryFinishIsAcknowledgedOnItsOwn() {
        arrive(1, 2);
        sequence.reset();

        assertThat(sequence.finished(2, 1)).containsExactly(new Ack(2, 1));
        assertThat(sequence.pending()).isZero();
    }

    @Test
    void theQosOfEachMessageGoesWithItsAcknowledgement() {
        sequence.arrived(7, 2, 0);
        sequence.arrived(8, 1, 0);

        sequence.finished(8, 1);
        assertThat(sequence.finished(7, 2)).containsExactly(new Ack(7, 2), new Ack(8, 1));
    }

    private void arrive(int... packetIds) {
        for (int id : packetIds) {
            sequence.arrived(id, 1, id);
        }
    }

    private static List<Integer> ids(List<Ack> acks) {
        return acks.stream().map(Ack::packetId).toList();
    }
}
