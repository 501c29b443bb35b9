-- Retention (docs/retention.md). Telemetry becomes a table partitioned by day of stored_at (hub time, UTC), so old
-- readings go by dropping whole partitions; the existing rows are copied over and keep their ids. A unique key on a
-- partitioned table must include the partition key, so the (device_id, message_id) idempotency moves to a key table
-- of its own, trimmed to hub.retention.dedupe-window.

alter table telemetry rename to telemetry_unpartitioned;
alter index telemetry_pkey rename to telemetry_unpartitioned_pkey;
alter index telemetry_device_ts rename to telemetry_unpartitioned_device_ts;

create table telemetry (
    id          bigint      not null default nextval('telemetry_id_seq'),
    message_id  text        not null,
    device_id   text        not null,
    ts          timestamptz not null,
    received_at timestamptz not null,
    metrics     jsonb       not null,
    tags        jsonb       not null,
    trace_id    text        not null,
    stored_at   timestamptz not null default clock_timestamp(),
    primary key (id, stored_at)
) partition by range (stored_at);
alter sequence telemetry_id_seq owned by telemetry.id;
create index telemetry_device_ts on telemetry (device_id, ts);
-- An insert never fails for want of a partition: a row with no day partition waits here until
-- telemetry_partition(day) moves it into one.
create table telemetry_default partition of telemetry default;

-- The partition of one UTC day, telemetry_pYYYYMMDD, made if missing. Rows of that day waiting in the default
-- partition move into it first, since a new partition may not overlap rows the default partition holds.
create function telemetry_partition(day date) returns text
    language plpgsql as
$$
declare
    name text := 'telemetry_p' || to_char(day, 'YYYYMMDD');
    low  timestamptz := day::timestamp at time zone 'UTC';
    high timestamptz := (day + 1)::timestamp at time zone 'UTC';
begin
    if to_regclass(name) is not null then
        return name;
    end if;
    -- An insert that chose the default partition before the new one is attached would fail its partition check:
    -- inserts wait (milliseconds) until the new partition is in place.
    lock table telemetry in share mode;
    execute format('create table %I (like telemetry including defaults)', name);
    execute format('with moved as (delete from telemetry_default where stored_at >= $1 and stored_at < $2 returning *)'
                       || ' insert into %I select * from moved', name) using low, high;
    execute format('alter table telemetry attach partition %I for values from (%L) to (%L)', name, low, high);
    return name;
end
$$;

select telemetry_partition(day)
from (select distinct (stored_at at time zone 'UTC')::date as day from telemetry_unpartitioned) days;
select telemetry_partition((now() at time zone 'UTC')::date + ahead) from generate_series(0, 3) ahead;

insert into telemetry (id, message_id, device_id, ts, received_at, metrics, tags, trace_id, stored_at)
select id, message_id, device_id, ts, received_at, metrics, tags, trace_id, stored_at
from telemetry_unpartitioned;

-- One row per stored message: the warm store inserts the key first and the reading only when the key was new.
create table telemetry_key (
    device_id  text        not null,
    message_id text        not null,
    stored_at  timestamptz not null default now(),   -- when the first copy was stored; the window counts from it
    primary key (device_id, message_id)
);
create index telemetry_key_stored_at on telemetry_key (stored_at);

insert into telemetry_key (device_id, message_id, stored_at)
select device_id, message_id, stored_at
from telemetry_unpartitioned;

drop table telemetry_unpartitioned;

-- The trim routes delete the oldest rows in small batches; these find them without reading the whole table.
create index dead_letter_received_at on dead_letter (received_at);
create index notification_attempt_at on notification_attempt (at);
create index alert_cleared_at on alert (cleared_at) where state = 'CLEARED';
create index rule_error_at on rule_error (at);
