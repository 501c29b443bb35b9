package io.fieldhub.rules.scenario;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as scenario files write them: {@code 0s}, {@code 90s}, {@code 5m}, {@code 1h30m}, {@code -2m}. */
final class Durations {

    private static final Pattern WHOLE = Pattern.compile("[+-]?(\\d+(ms|s|m|h|d))+");
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {}

    /** Returns the duration, or {@code null} when the text is not one. */
    static Duration parse(String text) {
        String t = text.strip();
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        if (!WHOLE.matcher(t).matches()) {
            return null;
        }
        Duration sum = Duration.ZERO;
        Matcher m = PART.matcher(t);
        try {
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                sum = sum.plus(
                        switch (m.group(2)) {
                            case "ms" -> Duration.ofMillis(n);
                            case "s" -> Duration.ofSeconds(n);
                            case "m" -> Duration.ofMinutes(n);
                            case "h" -> Duration.ofHours(n);
                            default -> Duration.ofDays(n);
                        });
            }
        } catch (NumberFormatException | ArithmeticException e) {
            return null; // more than a long or a Duration holds
        }
        return t.startsWith("-") ? sum.negated() : sum;
    }

    /** The way a scenario would write it: {@code 10m30s}, {@code 0s}, {@code -2m}. */
    static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        Duration a = d.abs();
        StringBuilder out = new StringBuilder(d.isNegative() ? "-" : "");
        append(out, a.toHours(), "h");
        append(out, a.toMinutesPart(), "m");
        append(out, a.toSecondsPart(), "s");
        append(out, a.toMillisPart(), "ms");
        return out.toString();
    }

    private static void append(StringBuilder out, long n, String unit) {
        if (n > 0) {
            out.append(n).append(unit);
        }
    }
}
