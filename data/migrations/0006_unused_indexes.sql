-- dialtone schema, version 6: two indexes no query reads by, each one more b-tree written at
-- every webhook. calls_parent: calls are never looked up by their parent leg. And
-- webhook_log_received: the audit log is only appended to; its id follows arrival order.
DROP INDEX IF EXISTS calls_parent;
DROP INDEX IF EXISTS webhook_log_received;
