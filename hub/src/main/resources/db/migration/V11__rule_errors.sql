-- Rules that failed on a reading (docs/rules.md#when-a-rule-fails): the reading was stored all the same.

create table rule_error (
    id         bigserial primary key,
    at         timestamptz not null default now(),
    rule_id    text,                 -- null when Drools does not say which condition threw
    device_id  text,
    message_id text,
    phase      text        not null, -- condition, consequence or budget
    error      text        not null
);
create index rule_error_rule on rule_error (rule_id, id);
create index rule_error_device on rule_error (device_id, id);
