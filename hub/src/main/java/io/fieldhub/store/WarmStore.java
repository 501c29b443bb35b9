package io.fieldhub.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.alert.AlertLifecycle;
import io.fieldhub.alert.RaisedAlert;
import io.fieldhub.failure.ErrorClassifier;
import io.fieldhub.ingest.TelemetryHeaders;
import io.fieldhub.telemetry.InvalidTelemetryException;
import io.fieldhub.telemetry.TelemetryRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The warm path: writes telemetry rows to PostgreSQL in batches, and applies their alerts to the alert lifecycle
 * ({@link AlertLifecycle}), in one transaction per batch, idempotent on (device id, message id): a replayed message
 * inserts nothing and alerts on nothing.
 *
 * <p>It is an asynchronous Camel processor: a message's exchange completes only when its batch has committed
 * (docs/architecture.md#acknowledged-means-stored). A batch is written when it holds {@code batchSize} messages or
 * {@code linger} after its first one arrived. A failed batch fails every exchange in it, and the shared error handler
 * redelivers each with backoff.
 */
public class WarmStore extends AsyncProcessorSupport {

    private static final Logger LOG = LoggerFactory.getLogger(WarmStore.class);

    /**
     * The whole batch in one statement: one parse, bind and execute for PostgreSQL instead of one per row. The keys
     * go first into telemetry_key, whose primary key (device id, message id) recognises a resend for
     * hub.retention.dedupe-window (docs/retention.md); only readings whose key was new are inserted, in batch order.
     * It returns the keys it stored, so only fresh messages (not replays of stored ones) reach the alert lifecycle.
     * The arrays travel in binary (docs/architecture.md#warm-store-batched-transactional has the measurements):
     * times as epoch microseconds, which interval arithmetic turns back into timestamptz exactly.
     */
    private static final String INSERT_TELEMETRY = """
            with batch as (
                select distinct on (d, m) m, d, t, r, x, g, tr, n
                from unnest(?::text[], ?::text[], ?::int8[], ?::int8[], ?::text[], ?::text[], ?::text[])
                     with ordinality as b(m, d, t, r, x, g, tr, n)
                order by d, m, n),
            fresh as (
                insert into telemetry_key (device_id, message_id)
                select d, m from batch
                on conflict do nothing
                returning device_id, message_id)
            insert into telemetry (message_id, device_id, ts, received_at, metrics, tags, trace_id)
            select b.m, b.d, timestamptz 'epoch' + b.t * interval '1 microsecond',
                   timestamptz 'epoch' + b.r * interval '1 microsecond', b.x::jsonb, b.g::jsonb, b.tr
            from batch b join fresh f on f.device_id = b.d and f.message_id = b.m
            order by b.n
            returning device_id, message_id""";

    private record Pending(
            TelemetryRecord record, List<RaisedAlert> alerts, Exchange exchange, AsyncCallback callback) {}

    /** What a committed batch added: new rows, and the triggers applied to alerts. */
    private record Written(List<TelemetryRecord> fresh, int triggers) {}

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final ObjectMapper mapper;
    private final AlertLifecycle lifecycle;
    private final int batchSize;
    private final long lingerNanos;
    private final BlockingQueue<Pending> queue;
    private final Counter stored;
    private final Counter duplicates;
    private final Counter alertsRaised;
    private final Thread writer;
    private volatile boolean running = true;
    private volatile Consumer<List<TelemetryRecord>> onStored = fresh -> {};

    public WarmStore(
            JdbcTemplate jdbc,
            TransactionTemplate tx,
            ObjectMapper mapper,
            AlertLifecycle lifecycle,
            int batchSize,
            Duration linger,
            MeterRegistry meters) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.mapper = mapper;
        this.lifecycle = lifecycle;
        this.batchSize = batchSize;
        this.lingerNanos = linger.toNanos();
        // Bounded, so a slow database pushes back on the consumers instead of filling the heap.
        this.queue = new LinkedBlockingQueue<>(batchSize * 4);
        this.stored = meters.counter("fieldhub.telemetry.stored");
        this.duplicates = meters.counter("fieldhub.telemetry.duplicates");
        this.alertsRaised = meters.counter(AlertLifecycle.TRIGGERS_METRIC);
        meters.gauge("fieldhub.store.queue", queue, BlockingQueue::size);
        this.writer = new Thread(this::run, "warm-store-writer");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean process(Exchange exchange, AsyncCallback callback) {
        List<RaisedAlert> alerts = exchange.getMessage().getHeader(TelemetryHeaders.ALERTS, List.class);
        var pending = new Pending(
                exchange.getMessage().getBody(TelemetryRecord.class),
                alerts == null ? List.of() : alerts,
                exchange,
                callback);
        try {
            queue.put(pending);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        return false;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(batchSize);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + lingerNanos;
                while (batch.size() < batchSize) {
                    queue.drainTo(batch, batchSize - batch.size());
                    long left = deadline - System.nanoTime();
                    if (batch.size() >= batchSize || left <= 0) {
                        break;
                    }
                    Pending next = queue.poll(left, TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Pending> batch) {
        try {
            Written written = tx.execute(status -> insert(batch));
            stored.increment(written.fresh().size());
            duplicates.increment(batch.size() - written.fresh().size());
            onStored.accept(written.fresh());
            alertsRaised.increment(written.triggers());
            batch.forEach(p -> p.callback().done(false));
        } catch (DataIntegrityViolationException e) {
            refused(batch, e);
        } catch (RuntimeException e) {
            if (ErrorClassifier.isPermanent(e)) {
                // not retried; StoreFailures logs it once a minute, with the fix
                batch.forEach(p -> fail(p, e));
                return;
            }
            LOG.warn(
                    "warm store: a batch of {} messages could not be written ({}); they stay unacknowledged and are"
                            + " retried with backoff. Fix: check that PostgreSQL at spring.datasource.url is up",
                    batch.size(),
                    e.getMessage());
            batch.forEach(p -> fail(p, e));
        }
    }

    /**
     * PostgreSQL refused the content of a batch, not the connection: retrying would fail forever and hold up
     * every message in it. Write the messages one by one, so only the offending one fails, as bad input.
     */
    private void refused(List<Pending> batch, DataIntegrityViolationException e) {
        if (batch.size() > 1) {
            batch.forEach(p -> write(List.of(p)));
            return;
        }
        Pending p = batch.get(0);
        fail(
                p,
                new InvalidTelemetryException(
                        "PostgreSQL refused the record: "
                                + e.getMostSpecificCause().getMessage(),
                        e));
    }

    private static void fail(Pending p, Exception e) {
        p.exchange().setException(e);
        p.callback().done(false);
    }

    /**
     * Inserts the batch and applies the alerts of its fresh messages. A message id twice in one batch (a redelivery
     * racing the original) is stored once, and its alerts are applied once.
     */
    private Written insert(List<Pending> batch) {
        Set<String> freshIds = jdbc.execute((ConnectionCallback<Set<String>>) con -> {
            try (PreparedStatement ps = con.prepareStatement(INSERT_TELEMETRY)) {
                ps.setArray(1, PgArrays.texts(con, batch, p -> p.record().messageId()));
                ps.setArray(2, PgArrays.texts(con, batch, p -> p.record().deviceId()));
                // in PostgreSQL's microseconds, exactly as the alert lifecycle writes and compares device times
                ps.setArray(3, PgArrays.epochMicros(con, batch, p -> p.record().ts()));
                ps.setArray(4, PgArrays.epochMicros(con, batch, p -> p.record().receivedAt()));
                ps.setArray(5, PgArrays.texts(con, batch, p -> json(p.record().metrics())));
                ps.setArray(6, PgArrays.texts(con, batch, p -> json(p.record().tags())));
                ps.setArray(7, PgArrays.texts(con, batch, p -> p.record().traceId()));
                Set<String> ids = new HashSet<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(key(rs.getString(1), rs.getString(2)));
                    }
                }
                return ids;
            }
        });
        List<TelemetryRecord> fresh = new ArrayList<>(freshIds.size());
        List<RaisedAlert> triggers = new ArrayList<>();
        for (Pending p : batch) {
            if (freshIds.remove(key(p.record().deviceId(), p.record().messageId()))) {
                fresh.add(p.record());
                triggers.addAll(p.alerts());
            }
        }
        return new Written(fresh, lifecycle.apply(triggers, fresh));
    }

    /** Message ids are unique per device: the pair names a message. */
    private static String key(String deviceId, String messageId) {
        return deviceId + '\n' + messageId;
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Hears of every committed batch's new readings, on the writer thread, once per batch rather than per message
     * (the registry's last-seen times).
     */
    public void onStored(Consumer<List<TelemetryRecord>> listener) {
        this.onStored = listener;
    }

    /** Writes what is queued, then stops; the context calls this after Camel has drained its in-flight messages. */
    public void drainAndStop() throws InterruptedException {
        running = false;
        writer.join(Duration.ofSeconds(30).toMillis());
    }
}
