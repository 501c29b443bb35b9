-- Notifications: alert_transition is the transactional outbox (each transition is written in the same transaction
-- as the alert change); the fan-out turns each one into a notification per (channel, recipient), once.
alter table alert_transition add column routed_at timestamptz;
create index alert_transition_unrouted on alert_transition (id) where routed_at is null;

create table notification (
    id              bigserial primary key,
    transition_id   bigint references alert_transition (id),   -- null only for a digest
    alert_id        bigint references alert (id),
    channel         text        not null,                      -- email | sms | crm
    recipient       text        not null,                      -- a person from notifications.yaml, or 'crm'
    address         text        not null,                      -- email address, E.164 number, or 'Case'
    kind            text        not null default 'TRANSITION', -- TRANSITION | DIGEST
    state           text        not null default 'PENDING',    -- PENDING | SENT | FAILED | HELD | DIGESTED
    attempts        int         not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_error      text,
    provider_ref    text,                                      -- SMTP Message-ID, SMPP message id, Case id
    delivery        text,                                      -- SMS delivery receipt state, e.g. DELIVRD
    delivered_at    timestamptz,
    digest_id       bigint references notification (id),
    created_at      timestamptz not null default now(),
    sent_at         timestamptz,
    unique (transition_id, channel, recipient)
);
create index notification_due on notification (channel, next_attempt_at) where state = 'PENDING';
create index notification_alert on notification (alert_id, id);
create index notification_provider_ref on notification (channel, provider_ref);

-- Every attempt to send a notification and what came of it.
create table notification_attempt (
    id              bigserial primary key,
    notification_id bigint      not null references notification (id),
    at              timestamptz not null default now(),
    outcome         text        not null,                      -- SENT | RETRY | FAILED | CIRCUIT_OPEN
    detail          text
);
create index notification_attempt_notification on notification_attempt (notification_id, id);
