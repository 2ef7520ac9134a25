-- dialtone schema, version 11: each agent's own wrap-up of a call. A call handed from one agent
-- to another is wrapped up by both, and call_kpi has room for one wrap-up; each agent's now has
-- a row of its own, which their handle time reads.
--  - wrapup_s: the seconds of the agent's wrap-ups of the call that are over, summed (an agent
--    who gets a call back wraps it up again).
--  - started_ms: when the wrap-up going on now began; NULL when none is. A row with it set is
--    an agent still in wrap-up: their part of the call is not over.
-- call_kpi.wrapup_s stays the call's wrap-up: NULL until the agent who has the call at its end
-- is done, then the sum of the agents' wrap-ups (kept up to date as later ones end).
-- The wrap-ups recorded before this version were the last agent's: each becomes that agent's row.

CREATE TABLE agent_wrapups (
    call_sid   TEXT NOT NULL,
    agent      TEXT NOT NULL,
    started_ms INTEGER,
    wrapup_s   INTEGER NOT NULL DEFAULT 0 CHECK (wrapup_s >= 0),
    PRIMARY KEY (call_sid, agent)
) WITHOUT ROWID;

INSERT INTO agent_wrapups (call_sid, agent, started_ms, wrapup_s)
SELECT call_sid, agent, NULL, wrapup_s FROM call_kpi
WHERE agent IS NOT NULL AND agent <> '' AND wrapup_s IS NOT NULL;
