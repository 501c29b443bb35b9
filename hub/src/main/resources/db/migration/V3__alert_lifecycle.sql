-- Alert lifecycle: one alert per (rule, device) while it is not cleared. Repeated triggers update it (count,
-- last value and time); it clears when the device reports without a trigger for clear_after, is acknowledged by an
-- operator, or escalates one tier each escalate-after it stays unacknowledged. Every transition is a history row.
-- The one-row-per-trigger table of V1 held no production data, so it is replaced rather than migrated.
drop table alert;

create table alert (
    id               bigserial primary key,
    rule_id          text             not null,
    device_id        text             not null,
    severity         text             not null,
    state            text             not null default 'OPEN'
        check (state in ('OPEN', 'ACKNOWLEDGED', 'CLEARED')),
    tier             int              not null default 0,
    count            int              not null,
    metric           text,
    threshold        double precision,
    first_value      double precision,
    last_value       double precision,
    first_ts         timestamptz      not null, -- device time of the first and the latest trigger
    last_ts          timestamptz      not null,
    first_message_id text,                      -- null for a trigger no message caused (a silent device)
    last_message_id  text,
    text             text             not null, -- of the latest trigger
    trace_id         text,
    clear_after      interval,                  -- null: hub.alerts.clear-after
    opened_at        timestamptz      not null default now(),
    acknowledged_at  timestamptz,
    acknowledged_by  text,
    escalated_at     timestamptz,
    cleared_at       timestamptz
);
-- The one live alert per rule and device; the warm store's upsert targets it (ON CONFLICT ... WHERE).
create unique index alert_live on alert (rule_id, device_id) where state <> 'CLEARED';
-- Clearing looks up a device's live alerts on every batch.
create index alert_live_device on alert (device_id) where state <> 'CLEARED';
-- Escalation: open alerts by the time their current tier began.
create index alert_escalation on alert (coalesce(escalated_at, opened_at)) where state = 'OPEN';
-- The latest alert of a (rule, device), for the rebuild guard; and the API's listings.
create index alert_rule_device on alert (rule_id, device_id, id);
create index alert_device on alert (device_id, last_ts);
create index alert_last_ts on alert (last_ts, id);

create table alert_transition (
    id         bigserial primary key,
    alert_id   bigint      not null references alert (id) on delete cascade,
    transition text        not null check (transition in ('RAISED', 'ACKNOWLEDGED', 'ESCALATED', 'CLEARED')),
    at         timestamptz not null default now(),
    actor      text        not null, -- 'rules', 'escalation', or the operator
    severity   text        not null, -- the alert's severity and tier after the transition
    tier       int         not null,
    detail     text,
    emailed_at timestamptz
);
create index alert_transition_alert on alert_transition (alert_id, id);
-- The email route polls this: RAISED transitions not yet sent.
create index alert_transition_email_pending on alert_transition (id) where emailed_at is null and transition = 'RAISED';
