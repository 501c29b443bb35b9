-- A dead letter keeps at most a prefix of its payload (hub.ingest.dead-letter-payload-bytes), with the size and
-- SHA-256 of the whole, so a hostile payload cannot fill the database. Existing rows kept theirs whole.

alter table dead_letter add column payload_size   integer;
alter table dead_letter add column payload_sha256 text;
alter table dead_letter add column payload_truncated boolean not null default false;
