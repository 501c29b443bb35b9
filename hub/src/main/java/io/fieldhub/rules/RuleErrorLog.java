package io.fieldhub.rules;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Keeps rule errors in the {@code rule_error} table, counted in {@code fieldhub.rules.errors} by rule, with a warning
 * at most once a minute. Written off the lanes by a thread of its own, so that a rule failing on every reading does
 * not slow the flow; past 10,000 waiting, errors are only counted ({@code fieldhub.rules.errors.dropped}). What
 * waits is lost if the hub dies: it is a diagnosis, the readings themselves are stored.
 */
public class RuleErrorLog implements Consumer<List<RuleError>>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RuleErrorLog.class);

    private final JdbcTemplate jdbc;
    private final MeterRegistry meters;
    private final BlockingQueue<RuleError> waiting = new ArrayBlockingQueue<>(10_000);
    private final Counter dropped;
    private final Thread writer;
    private volatile boolean running = true;
    private volatile long warnedAt;

    public RuleErrorLog(JdbcTemplate jdbc, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.meters = meters;
        this.dropped = meters.counter("fieldhub.rules.errors.dropped");
        this.writer = new Thread(this::run, "rule-error-log");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void accept(List<RuleError> errors) {
        for (RuleError e : errors) {
            meters.counter("fieldhub.rules.errors", "rule", String.valueOf(e.ruleId()), "phase", e.phase())
                    .increment();
            if (!waiting.offer(e)) {
                dropped.increment();
            }
        }
        long now = System.nanoTime();
        if (now - warnedAt > 60_000_000_000L) {
            warnedAt = now;
            RuleError e = errors.get(0);
            LOG.warn(
                    "rule {} failed ({}) on message {} of device {}: {}. The reading was stored; GET /api/rule-errors"
                            + " lists every failure. Fix the rule in rules/",
                    e.ruleId(),
                    e.phase(),
                    e.messageId(),
                    e.deviceId(),
                    e.error());
        }
    }

    private void run() {
        List<RuleError> batch = new ArrayList<>();
        while (running || !waiting.isEmpty()) {
            try {
                RuleError first = waiting.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                waiting.drainTo(batch, 499);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<RuleError> batch) {
        try {
            jdbc.batchUpdate(
                    "insert into rule_error (rule_id, device_id, message_id, phase, error) values (?, ?, ?, ?, ?)",
                    batch.stream()
                            .map(e -> new Object[] {e.ruleId(), e.deviceId(), e.messageId(), e.phase(), e.error()})
                            .toList());
        } catch (RuntimeException e) {
            dropped.increment(batch.size());
            LOG.warn("{} rule errors could not be written to rule_error: {}", batch.size(), e.getMessage());
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        writer.join(5_000);
    }
}
