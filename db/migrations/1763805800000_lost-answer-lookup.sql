-- Up Migration

-- A send or call whose try reached Twilio but whose answer was lost (a connection reset, a timeout, the
-- worker killed mid-request) may have been taken: Twilio made the message or call, and we never learnt
-- its sid. `try_unanswered`: the latest try has had no answer from Twilio yet (set as it starts, cleared
-- by any HTTP answer). `maybe_taken`: some earlier try ended so, and stays so until the sid is known;
-- the next try then looks the message or call up at Twilio before sending it again
-- (src/messaging/lostAnswers.ts). Rows from before keep false: they are sent again, as they were.
alter table messages
  add column try_unanswered boolean not null default false,
  add column maybe_taken boolean not null default false;
alter table calls
  add column try_unanswered boolean not null default false,
  add column maybe_taken boolean not null default false;

-- Down Migration

alter table calls drop column maybe_taken, drop column try_unanswered;
alter table messages drop column maybe_taken, drop column try_unanswered;
