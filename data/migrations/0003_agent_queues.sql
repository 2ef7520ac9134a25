-- dialtone schema, version 3: which queues each agent takes calls from (its skills). A queue is
-- named as in the configuration; the row goes when its agent does.
CREATE TABLE agent_queues (
    agent_id INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    queue    TEXT NOT NULL CHECK (length(queue) BETWEEN 1 AND 32),
    PRIMARY KEY (agent_id, queue)
) WITHOUT ROWID;

CREATE INDEX agent_queues_queue ON agent_queues (queue);
