-- Email is one notification channel among others now (V5): each email's state is its notification row, so the
-- single-recipient marker on the transition, and the index the old email route polled, go.
drop index if exists alert_transition_email_pending;
alter table alert_transition drop column emailed_at;
