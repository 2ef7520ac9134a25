-- dialtone schema, version 12: the indexes on a call's agent, queue and conference hold only the
-- calls that have one. A call is looked up by these columns only for a value (the history's
-- agent and queue filters, the calls of a conference), never for their absence, and most calls
-- start without them: a status callback of a call no agent or queue has yet then writes no page
-- of these three b-trees (each one more page in every webhook transaction before).
DROP INDEX IF EXISTS calls_agent;
DROP INDEX IF EXISTS calls_queue;
DROP INDEX IF EXISTS calls_conference_sid;
CREATE INDEX calls_agent ON calls (agent, created_ms, sid) WHERE agent IS NOT NULL;
CREATE INDEX calls_queue ON calls (queue, created_ms, sid) WHERE queue IS NOT NULL;
CREATE INDEX calls_conference_sid ON calls (conference_sid) WHERE conference_sid IS NOT NULL;
