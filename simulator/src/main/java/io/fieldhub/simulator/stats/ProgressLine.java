package io.fieldhub.simulator.stats;

import java.util.Locale;

/** One line of live progress; rates count acknowledged messages, the ones the broker has taken over. */
public final class ProgressLine {

    private ProgressLine() {}

    /**
     * @param previous counts one interval ago
     * @param now      counts now
     * @param interval seconds between the two
     * @param elapsed  seconds since the run started
     */
    public static String format(Counts previous, Counts now, double interval, double elapsed) {
        double current = interval > 0 ? (now.acked() - previous.acked()) / interval : 0;
        double average = elapsed > 0 ? now.acked() / elapsed : 0;
        String line = String.format(
                Locale.ROOT,
                "%6.0fs  sent %d  acked %d  rate %.0f/s (avg %.0f/s)  errors %d  in flight %d",
                elapsed,
                now.sent(),
                now.acked(),
                current,
                average,
                now.errors(),
                now.inFlight());
        // Only a run that lost its broker shows these, so a healthy run's line stays short.
        if (now.reconnects() > 0 || now.resends() > 0 || now.givenUp() > 0) {
            line += String.format(
                    Locale.ROOT,
                    "  reconnects %d  resends %d  given up %d",
                    now.reconnects(),
                    now.resends(),
                    now.givenUp());
        }
        return line;
    }
}
