package io.fieldhub.archive;

import io.fieldhub.retention.TelemetryPartitions;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.SqlParameterValue;

/**
 * Where the cold archive stands: the {@code archive_watermark} row (V13 migration), read and moved inside the
 * caller's transaction, which it locks.
 *
 * <p>Rows are archived in (xid, id) order, xid being the transaction that wrote the row, and only below the horizon:
 * the oldest transaction still running. Every transaction below it has ended, so the rows below it are final and no
 * row can appear behind the archive's position later, whatever order ids were drawn or transactions committed in.
 */
final class ArchiveProgress {

    /** A row's place in archive order. */
    record Position(long xid, long id) {}

    /** The rows after {@code from} up to {@code to}, both in archive order: final, so every writer reads the same. */
    record Chunk(Position from, Position to) {}

    /** What waits below the horizon, up to a chunk: how many rows, the oldest receipt, the last one's position. */
    private record Waiting(int count, Instant oldest, Position last) {}

    /** Every id up to {@code id} was drawn by a transaction below {@code xid}. */
    private record Cover(long xid, long id) {}

    private record State(Position archived, Position claim, Cover cover, long lastId) {}

    private static final String XID = "?::xid8";

    private final JdbcTemplate jdbc;

    ArchiveProgress(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Locks the watermark row and returns the chunk to write next: one a writer claimed but did not finish, or a new
     * claim of the waiting rows if they are due (or {@code force}). The caller commits before it uploads the chunk.
     */
    Optional<Chunk> claim(boolean force, int maxRecords, Instant dueBefore) {
        State state = lock();
        long horizon = horizon();
        Waiting waiting = waiting(state.archived(), horizon, maxRecords);
        cover(state, horizon);
        if (state.claim() != null) {
            return Optional.of(new Chunk(state.archived(), state.claim()));
        }
        boolean due = waiting.count() >= maxRecords || !waiting.oldest().isAfter(dueBefore);
        if (waiting.count() == 0 || !(force || due)) {
            return Optional.empty();
        }
        jdbc.update(
                "update archive_watermark set claim_xid = " + XID + ", claim_id = ? where stream = 'telemetry'",
                xid(waiting.last().xid()),
                waiting.last().id());
        return Optional.of(new Chunk(state.archived(), waiting.last()));
    }

    /** Locks the watermark row; whether {@code chunk} is still claimed, so not finished by another writer. */
    boolean stillClaimed(Chunk chunk) {
        State state = lock();
        return chunk.from().equals(state.archived()) && chunk.to().equals(state.claim());
    }

    /** After the chunk's upload, in the transaction of {@link #stillClaimed}: the archive is past it. */
    void finish(Chunk chunk) {
        jdbc.update(
                "update archive_watermark set archived_xid = " + XID
                        + ", archived_id = ?, claim_xid = null, claim_id = null where stream = 'telemetry'",
                xid(chunk.to().xid()),
                chunk.to().id());
        cover(lock(), horizon());
    }

    /** The rows of a chunk, in archive order. */
    <T> List<T> rows(Chunk chunk, String columns, RowMapper<T> mapper) {
        return jdbc.query(
                "select %s from telemetry where (xid, id) > (%s, ?) and (xid, id) <= (%2$s, ?) order by xid, id"
                        .formatted(columns, XID),
                mapper,
                xid(chunk.from().xid()),
                chunk.from().id(),
                xid(chunk.to().xid()),
                chunk.to().id());
    }

    /** Seconds since the first row not archived yet was stored; 0 when none waits. Reads without locking. */
    double lagSeconds() {
        Position archived = jdbc.queryForObject(
                "select archived_xid::text::bigint, archived_id from archive_watermark where stream = 'telemetry'",
                (rs, n) -> new Position(rs.getLong(1), rs.getLong(2)));
        Double lag = jdbc.queryForObject("""
                select extract(epoch from clock_timestamp() - min(stored_at))::float8
                from (select stored_at from telemetry where (xid, id) > (%s, ?) order by xid, id limit 1) first""".formatted(XID), Double.class, xid(archived.xid()), archived.id());
        return lag == null ? 0 : lag;
    }

    private State lock() {
        // no partition maintenance meanwhile: a row it moves would be missing from this transaction's reads, and the
        // archive would pass it (a CI run lost three rows that way)
        jdbc.queryForObject("select pg_advisory_xact_lock_shared(?)::text", String.class, TelemetryPartitions.LOCK);
        return jdbc.queryForObject(
                """
                select archived_xid::text::bigint as archived_xid, archived_id,
                       claim_xid::text::bigint as claim_xid, claim_id,
                       covered_xid::text::bigint as covered_xid, covered_id, last_id
                from archive_watermark where stream = 'telemetry' for update""",
                (rs, n) -> new State(
                        new Position(rs.getLong("archived_xid"), rs.getLong("archived_id")),
                        rs.getObject("claim_xid") == null
                                ? null
                                : new Position(rs.getLong("claim_xid"), rs.getLong("claim_id")),
                        rs.getObject("covered_xid") == null
                                ? null
                                : new Cover(rs.getLong("covered_xid"), rs.getLong("covered_id")),
                        rs.getLong("last_id")));
    }

    /** Every transaction below this one has ended. */
    private long horizon() {
        return jdbc.queryForObject("select pg_snapshot_xmin(pg_current_snapshot())::text::bigint", Long.class);
    }

    private Waiting waiting(Position archived, long horizon, int maxRecords) {
        return jdbc.queryForObject(
                """
                select count(*) as n, min(received_at) as oldest,
                       (array_agg(xid::text::bigint order by xid desc, id desc))[1] as last_xid,
                       (array_agg(id order by xid desc, id desc))[1] as last_id
                from (select xid, id, received_at from telemetry
                      where (xid, id) > (%1$s, ?) and xid < %1$s
                      order by xid, id limit ?) waiting""".formatted(XID), this::waiting, xid(archived.xid()), archived.id(), xid(horizon), maxRecords);
    }

    private Waiting waiting(ResultSet rs, int n) throws SQLException {
        int count = rs.getInt("n");
        if (count == 0) {
            return new Waiting(0, Instant.MAX, null);
        }
        Timestamp oldest = rs.getTimestamp("oldest");
        return new Waiting(count, oldest.toInstant(), new Position(rs.getLong("last_xid"), rs.getLong("last_id")));
    }

    /**
     * Moves last_id, which retention and the tests read ("every row up to this id is archived"). Once the horizon
     * has passed the cover's xid, every row up to its id is visible, so the first of them not archived yet is
     * found; the cover is renewed when it is archived whole.
     */
    private void cover(State state, long horizon) {
        long lastId = state.lastId();
        Cover cover = state.cover();
        if (cover != null && horizon >= cover.xid()) {
            Long firstWaiting = jdbc.queryForObject(
                    "select min(id) from telemetry where id > ? and id <= ? and (xid, id) > (" + XID + ", ?)",
                    Long.class,
                    lastId,
                    cover.id(),
                    xid(state.archived().xid()),
                    state.archived().id());
            lastId = Math.max(lastId, firstWaiting == null ? cover.id() : firstWaiting - 1);
            cover = firstWaiting == null ? null : cover;
        }
        if (cover == null) {
            // the sequence first, then the next xid: a row's xid comes before its id (V13)
            long drawn = jdbc.queryForObject(
                    "select last_value - case when is_called then 0 else 1 end from telemetry_id_seq", Long.class);
            if (drawn > lastId) {
                cover = new Cover(
                        jdbc.queryForObject("select pg_snapshot_xmax(pg_current_snapshot())::text::bigint", Long.class),
                        drawn);
            }
        }
        if (lastId != state.lastId() || !Objects.equals(cover, state.cover())) {
            jdbc.update(
                    "update archive_watermark set last_id = ?, covered_xid = " + XID
                            + ", covered_id = ? where stream = 'telemetry'",
                    lastId,
                    cover == null ? xid(null) : xid(cover.xid()),
                    new SqlParameterValue(Types.BIGINT, cover == null ? null : cover.id()));
        }
    }

    private static SqlParameterValue xid(Long xid) {
        return new SqlParameterValue(Types.VARCHAR, xid == null ? null : xid.toString());
    }
}
