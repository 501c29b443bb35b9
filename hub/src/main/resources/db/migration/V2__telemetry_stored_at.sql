-- When the row was written: with ts (device time) and received_at (hub time) it shows the hub's ingestion lag,
-- and the benchmark reads publish-to-SQL latency from it.
alter table telemetry add column stored_at timestamptz not null default clock_timestamp();
