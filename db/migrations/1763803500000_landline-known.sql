-- Up Migration

-- Whether a text to the appointment's number came back 30006 (a landline, or an unreachable carrier)
-- in a message whose number the retention purge has since masked: recorded by the purge, before it masks
-- it, on the open appointments of that number (src/messaging/knownLandlines.ts), so that staff's request
-- to call back a patient who pressed 2 on a reminder call to a landline (src/appointments/anotherTimeAsked.ts)
-- outlives the receipt. Until now the receipt was found by the number in the message log, and the
-- notice disappeared once the purge masked it while the visit was still ahead.
alter table appointments add column landline_known boolean not null default false;

-- Receipts masked before this migration: those of the appointment's own texts still name it and keep
-- the number's last four digits. (A masked receipt of another appointment's text names no full number
-- and cannot be matched.)
update appointments a set landline_known = true
where a.status in ('booked', 'confirmed')
  and exists (
    select 1 from messages m
    where m.appointment_id = a.id and m.purged_at is not null and m.direction = 'outbound' and m.error_code = 30006
      and m.phone = '•••• ' || right(a.phone, 4)
  );

-- Down Migration

alter table appointments drop column landline_known;
