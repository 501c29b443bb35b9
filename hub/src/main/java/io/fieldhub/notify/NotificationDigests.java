package io.fieldhub.notify;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The other half of the rate limit: once a rate-limit window has ended, the notifications held in it for a recipient
 * on a channel become one DIGEST notification to that recipient, and each held one is marked DIGESTED with the
 * digest's id. Quiet hours delay a digest like any notification (no exception lets a digest through). A digest due
 * now wakes its channel when it commits ({@link Wakeups}).
 */
public class NotificationDigests {

    private static final String HELD = """
            select id, recipient, address from notification
            where state = 'HELD' and channel = ? and created_at < ?
            order by id for update skip locked""";
    private static final String DIGEST = """
            insert into notification (channel, recipient, address, kind, state, next_attempt_at, created_at)
            values (?, ?, ?, 'DIGEST', 'PENDING', coalesce(?, now()), ?) returning id""";

    private record Held(long id, String recipient, String address) {}

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final NotificationRouting routing;
    private final Clock clock;
    private final Consumer<String> wakeChannel;

    /**
     * @param wakeChannel told, inside the transaction, each channel given a digest due now (the hub's:
     *                    {@link Wakeups#channel})
     */
    public NotificationDigests(
            JdbcTemplate jdbc,
            TransactionTemplate tx,
            NotificationRouting routing,
            Clock clock,
            Consumer<String> wakeChannel) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.routing = routing;
        this.clock = clock;
        this.wakeChannel = wakeChannel;
    }

    /**
     * Creates the digests due, in one transaction; the {@code notify-digest} route calls it. A held notification is
     * due when its window has ended by the channel's rate limit in force (at once, if the channel no longer has one).
     *
     * @return how many digests were created
     */
    public int createDue() {
        return tx.execute(status -> {
            Routing in = routing.current();
            Instant now = clock.instant();
            int created = 0;
            for (String channel :
                    jdbc.queryForList("select distinct channel from notification where state = 'HELD'", String.class)) {
                Instant windowStart =
                        in.rateLimit(channel).map(l -> l.windowStart(now)).orElse(now);
                Map<String, List<Held>> byRecipient = new LinkedHashMap<>();
                jdbc.query(
                        HELD,
                        rs -> {
                            byRecipient
                                    .computeIfAbsent(rs.getString("recipient"), r -> new ArrayList<>())
                                    .add(new Held(
                                            rs.getLong("id"), rs.getString("recipient"), rs.getString("address")));
                        },
                        channel,
                        Timestamp.from(windowStart));
                for (var e : byRecipient.entrySet()) {
                    digest(in, channel, e.getKey(), e.getValue(), now);
                    created++;
                }
            }
            return created;
        });
    }

    /** One digest to the latest address the recipient's held notifications went to. */
    private void digest(Routing in, String channel, String recipient, List<Held> held, Instant now) {
        Instant notBefore = in.notBefore(channel, recipient, null, now);
        Long id = jdbc.queryForObject(
                DIGEST,
                Long.class,
                channel,
                recipient,
                held.get(held.size() - 1).address(),
                notBefore == null ? null : Timestamp.from(notBefore),
                Timestamp.from(now));
        jdbc.update(
                "update notification set state = 'DIGESTED', digest_id = ? where id = any(?)",
                id,
                held.stream().map(Held::id).toArray(Long[]::new));
        if (notBefore == null) { // not held by quiet hours: due now
            wakeChannel.accept(channel);
        }
    }
}
