-- Device identity (docs/devices.md): the registry, per-device credentials and enrollment groups.

create table enrollment_group (
    id         text primary key,
    group_key  text        not null,   -- Base64; a device key is Base64(HMAC-SHA256(group key, device id))
    type       text        not null,   -- what a device enrolled through this group becomes
    site       text,
    tags       jsonb       not null default '{}',
    enabled    boolean     not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    updated_by text        not null
);

create table device (
    id         text primary key,
    type       text        not null,
    site       text,
    tags       jsonb       not null default '{}',
    enabled    boolean     not null default true,
    group_id   text references enrollment_group (id),   -- the group it enrolled through, if any
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    updated_by text        not null,
    last_seen  timestamptz
);
create index device_type on device (type, id);
create index device_site on device (site, id);
create index device_tags on device using gin (tags);
create index device_last_seen on device (last_seen);

create table device_credential (
    id            bigserial primary key,
    device_id     text        not null references device (id) on delete cascade,
    kind          text        not null check (kind in ('SECRET', 'X509')),
    secret_hash   text,       -- a salted hash (bcrypt), never the secret
    x509_sha256   text,       -- lower-case hex SHA-256 of the DER certificate
    x509_subject  text,       -- or its subject DN, as RFC 2253 prints it
    created_at    timestamptz not null default now(),
    created_by    text        not null,
    revoked_at    timestamptz,
    revoked_by    text,
    check ((kind = 'SECRET') = (secret_hash is not null)),
    check (kind <> 'X509' or x509_sha256 is not null or x509_subject is not null)
);
create index device_credential_device on device_credential (device_id) where revoked_at is null;

-- Devices that already sent telemetry are registered, so that an upgrade keeps their history and rule state;
-- they have no credential yet and cannot connect until one is made.
insert into device (id, type, site, updated_by)
select d.device_id,
       coalesce(t.tags ->> 'type', nullif(split_part(d.device_id, '-', 1), d.device_id), 'device'),
       t.tags ->> 'site',
       'migration'
from (select distinct device_id from telemetry) d
cross join lateral (select tags from telemetry where device_id = d.device_id order by id desc limit 1) t;

-- Message ids are unique per device: two devices may number their messages alike, and one device's resend is
-- still stored once.
alter table telemetry drop constraint telemetry_message_id_key;
alter table telemetry add constraint telemetry_device_message unique (device_id, message_id);
