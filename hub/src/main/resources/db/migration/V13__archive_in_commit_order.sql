-- The cold archive follows commit order, not id order (docs/architecture.md#every-stored-reading-is-archived).
-- Ids are drawn when a row is inserted, and transactions commit in any order, so a row can become visible below an
-- id the archive has already passed. Each reading now records the transaction that wrote it (xid); once every
-- transaction below a horizon has ended, the rows below it are final, and the archive takes them in (xid, id) order.

-- Rows stored before this migration read as transaction 0, so they come first, in id order, and the archive
-- position (0, last_id) marks which of them are archived already. A constant default rewrites no row.
alter table telemetry add column xid xid8 not null default '0';
alter table telemetry alter column xid set default pg_current_xact_id();
-- A row's transaction gets its xid before the row draws its id (a CASE evaluates its condition first), so every
-- id read from the sequence belongs to a transaction below the next xid: the archive derives last_id from that.
alter table telemetry alter column id set default
    case when pg_current_xact_id() is not null then nextval('telemetry_id_seq') end;
-- The archive reads the rows after its position in this order; the index grows at its right end, as ids do.
create index telemetry_archive_order on telemetry (xid, id);

alter table archive_watermark
    -- last_id keeps its meaning: every row with an id up to it is archived.
    -- The last archived row in (xid, id) order.
    add column archived_xid xid8   not null default '0',
    add column archived_id  bigint not null default 0,
    -- The end of the chunk being written, committed before its upload, so that whoever finishes it (after a crash,
    -- or a writer that lost its connection and uploads late) writes the same rows under the same keys.
    add column claim_xid    xid8,
    add column claim_id     bigint,
    -- Every id up to covered_id belongs to a transaction below covered_xid: once the horizon passes covered_xid,
    -- last_id may move up to covered_id, to just below the first row not archived yet.
    add column covered_xid  xid8,
    add column covered_id   bigint;
update archive_watermark set archived_id = last_id;
