-- Every rule set that was put in force: its content hash, files, who deployed it, when and how.
create table rule_version (
    id          bigserial primary key,
    version     text        not null,
    files       jsonb       not null,   -- path -> base64 content
    rule_count  int         not null,
    build_ms    int         not null,
    source      text        not null,   -- startup | file-watch | api | rollback
    actor       text        not null,
    deployed_at timestamptz not null default now()
);
create index rule_version_version on rule_version (version);
