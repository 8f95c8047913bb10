-- Up Migration

-- When the patient, who pressed 2 (another time) on a reminder call to a mobile and heard that the
-- open times were being texted, could not be texted them (Twilio refused the text, or the number has
-- opted out of texts), and the appointment's start then: staff are asked to call them back while the
-- appointment is still open at that start and has not started (src/appointments/callBacks.ts).
-- Written by the voice gather webhook (src/api/voiceWebhooks.ts); until now the failure was only logged.
alter table appointments add column times_not_sent_at timestamptz, add column times_not_sent_starts_at timestamptz;

-- Down Migration

alter table appointments drop column times_not_sent_at, drop column times_not_sent_starts_at;
