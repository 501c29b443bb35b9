-- Warm store: one row per accepted message; the unique message id makes replays insert nothing.
create table telemetry (
    id          bigserial primary key,
    message_id  text        not null unique,
    device_id   text        not null,
    ts          timestamptz not null,
    received_at timestamptz not null,
    metrics     jsonb       not null,
    tags        jsonb       not null,
    trace_id    text        not null
);
create index telemetry_device_ts on telemetry (device_id, ts);

-- Alerts raised by the rules; one per (rule, triggering message), so a replay raises nothing new.
create table alert (
    id         bigserial primary key,
    rule_id    text        not null,
    severity   text        not null,
    device_id  text        not null,
    message_id text        not null,
    metric     text,
    value      double precision,
    threshold  double precision,
    text       text        not null,
    ts         timestamptz not null,
    raised_at  timestamptz not null default now(),
    trace_id   text,
    emailed_at timestamptz,
    unique (rule_id, message_id)
);
create index alert_device on alert (device_id, id);
-- The email route polls this: alerts not yet sent.
create index alert_email_pending on alert (id) where emailed_at is null;

-- Messages the hub could not process, with the original payload and the reason.
create table dead_letter (
    id               bigserial primary key,
    received_at      timestamptz not null default now(),
    device_id        text,
    message_id       text,
    trace_id         text,
    source           text,
    route_id         text,
    reason           text        not null,
    content_type     text,
    payload          text,
    payload_encoding text        not null
);
create index dead_letter_device on dead_letter (device_id, id);

-- The cold archive's progress: the last telemetry id written to S3.
create table archive_watermark (
    stream  text primary key,
    last_id bigint not null
);
insert into archive_watermark (stream, last_id) values ('telemetry', 0);
