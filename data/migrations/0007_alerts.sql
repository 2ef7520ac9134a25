-- dialtone schema, version 7: alert transitions, one row each time a rule fires or clears
-- (dialtone/alerts.h), kept for the supervisors' alerts list.

CREATE TABLE alerts (
    id      INTEGER PRIMARY KEY,
    rule    TEXT NOT NULL,
    kind    TEXT NOT NULL,
    firing  INTEGER NOT NULL CHECK (firing IN (0, 1)), -- 1 fired, 0 cleared
    at_ms   INTEGER NOT NULL,
    value   REAL NOT NULL,                            -- the figure that crossed
    message TEXT NOT NULL
);
