-- Up Migration

-- Requests per client address (or IPv6 /64) and fixed window, for limits that every API process must
-- share (the kiosk's joins per minute): counted here, not in one process's memory.
create table client_rate_counts (
  key text not null, -- `<scope>:<address group>`, e.g. `kiosk-join:main:203.0.113.9`
  window_start timestamptz not null,
  hits integer not null,
  primary key (key, window_start)
);
create index client_rate_counts_old on client_rate_counts (window_start);

-- Down Migration

drop table client_rate_counts;
