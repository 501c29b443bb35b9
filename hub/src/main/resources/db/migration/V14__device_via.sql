-- Gateways (docs/devices.md#gateways): the gateways that may publish a device's readings, Hono's "via". A gateway is
-- itself a registered device with its own credential; the device row names the gateways that speak for it.
alter table device add column via text[] not null default '{}';
create index device_via on device using gin (via);
