-- Each event records the service's readiness right after the change, so the burn-up
-- chart is a plain read of the event log, whatever kind of change moved it.
ALTER TABLE events
    ADD COLUMN readiness_done       INTEGER CHECK (readiness_done >= 0),
    ADD COLUMN readiness_applicable INTEGER CHECK (readiness_applicable >= 0);
