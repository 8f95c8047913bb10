-- Up Migration

-- When the latest question of the appointment's chain that settled the matter was asked: closed before
-- it lapsed, other than by a newer reminder asking again (answered: a reminder's YES, a CHANGE, a pick
-- from the list of open times; or dropped by a staff move or the appointment's close). A request to call
-- the patient back asked before it is answered (src/appointments/callBacks.ts). Written when the question
-- is closed (src/appointments/settledQuestions.ts). Until now it was read from the `patient_prompts` rows,
-- which the retention purge deletes once closed, so an older request came back after the purge.
alter table appointments add column settled_question_asked_at timestamptz;

-- Questions closed before this migration, read as they were read until now.
update appointments a set settled_question_asked_at = settled.asked_at
from (
  select later.workflow_id, max(later.asked_at) as asked_at
  from patient_prompts later
  where later.closed_at < later.expires_at
    and not exists (
      select 1 from patient_prompts newer
      where newer.workflow_id = later.workflow_id and newer.asked_at = later.closed_at and newer.kind = 'appointment_reminder'
    )
  group by later.workflow_id
) settled
where settled.workflow_id = a.workflow_id;

-- Down Migration

alter table appointments drop column settled_question_asked_at;
