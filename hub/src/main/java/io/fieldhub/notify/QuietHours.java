package io.fieldhub.notify;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Set;

/**
 * A daily time window in which some channels wait: a notification created inside it is sent when it ends, never
 * dropped. A window whose {@code from} is after its {@code to} runs over midnight (22:00 to 07:00).
 *
 * @param people who it applies to (person names); empty for everybody
 * @param except the alerts that go out anyway (e.g. CRITICAL); null for none
 */
record QuietHours(
        String name,
        LocalTime from,
        LocalTime to,
        ZoneId zone,
        Set<String> channels,
        Set<String> people,
        AlertMatch except) {

    /**
     * Whether the window holds back this channel and recipient; {@code facts} is null for a digest, which no
     * exception lets through.
     */
    boolean appliesTo(String channel, String recipient, AlertFacts facts) {
        return channels.contains(channel)
                && (people.isEmpty() || people.contains(recipient))
                && (except == null || facts == null || !except.matches(facts));
    }

    /** When the window that {@code at} falls in ends, or null when {@code at} is outside it. */
    Instant endIfInside(Instant at) {
        LocalDateTime local = LocalDateTime.ofInstant(at, zone);
        LocalTime time = local.toLocalTime();
        LocalDate day = local.toLocalDate();
        if (from.isBefore(to)) {
            return !time.isBefore(from) && time.isBefore(to) ? end(day) : null;
        }
        if (!time.isBefore(from)) {
            return end(day.plusDays(1));
        }
        return time.isBefore(to) ? end(day) : null;
    }

    private Instant end(LocalDate day) {
        return ZonedDateTime.of(day, to, zone).toInstant();
    }
}
