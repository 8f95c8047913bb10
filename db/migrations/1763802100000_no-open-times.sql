-- Up Migration

-- When the appointment's chain told the patient, who had asked for another time, that no other time
-- was open (the `no_open_slots` reply: "call the office to arrange another"), and the appointment's
-- start then. Staff are asked to call the patient back while the appointment is still open at that
-- start (src/appointments/callBacks.ts). Written by the chain's `recordNoOpenTimes` activity, behind
-- the `no-open-times-recorded` patch: nothing else records that no time was open (the reminder's
-- question is closed as a YES closes it, and the reply is the answer to the patient's text).
alter table appointments add column no_open_times_at timestamptz, add column no_open_times_starts_at timestamptz;
-- A chain's questions, newest first: the call-back requests read the last list of open times each
-- appointment's patient was texted, and whether a later question was answered.
create index patient_prompts_by_workflow on patient_prompts (workflow_id, asked_at desc);

-- Down Migration

drop index patient_prompts_by_workflow;
alter table appointments drop column no_open_times_at, drop column no_open_times_starts_at;
