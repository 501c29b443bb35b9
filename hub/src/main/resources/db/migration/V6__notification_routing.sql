-- Transitions from before notifications existed are not notified now: the old alert email sent them, or nobody
-- did (email off). Only a RAISED transition of the last hour the old route had not emailed yet is left to the
-- fan-out, which sends it instead.
update alert_transition set routed_at = now()
where routed_at is null and not (transition = 'RAISED' and emailed_at is null and at > now() - interval '1 hour');

-- The fan-out counts each recipient's notifications in the current rate-limit window; the digest finds the held.
create index notification_window on notification (channel, created_at) where kind = 'TRANSITION';
create index notification_held on notification (channel, created_at) where state = 'HELD';
