-- The hub's local users (docs/security.md): the embedded default's way to sign in, with HTTP Basic. With Keycloak,
-- users live there instead and this table may stay empty.

create table hub_user (
    username      text primary key,
    password_hash text        not null,   -- salted hash (bcrypt), never the password
    roles         text[]      not null,   -- viewer, operator, rule-author, device-admin, admin
    created_at    timestamptz not null default now(),
    created_by    text        not null
);
