-- A version per service that changes in the same transaction as anything the service
-- page or the portfolio shows of it: the service row itself and every row of its
-- sections, items, phases, risks, mitigations and cost lines. Readers compare it with
-- the version of what they cached (the portfolio's per-service facts, the service
-- document) and reload only what changed. Unlike an event id or a timestamp it cannot
-- be observed out of commit order: it is a row value, read in the reader's snapshot.

ALTER TABLE services ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

-- An edit of the service row bumps it, unless the statement set it itself.
CREATE FUNCTION services_bump_own_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.version = OLD.version THEN
        NEW.version := OLD.version + 1;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER services_version BEFORE UPDATE ON services
    FOR EACH ROW EXECUTE FUNCTION services_bump_own_version();

-- Statement-level, so an import of sixty items bumps its service once. A trigger with
-- transition tables serves one event, hence one function per event.
CREATE FUNCTION services_bump_from_new() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE services SET version = version + 1
    WHERE id IN (SELECT DISTINCT service_id FROM new_rows);
    RETURN NULL;
END $$;

CREATE FUNCTION services_bump_from_old() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE services SET version = version + 1
    WHERE id IN (SELECT DISTINCT service_id FROM old_rows);
    RETURN NULL;
END $$;

CREATE FUNCTION services_bump_from_both() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE services SET version = version + 1
    WHERE id IN (SELECT service_id FROM new_rows UNION SELECT service_id FROM old_rows);
    RETURN NULL;
END $$;

DO $$
DECLARE
    child TEXT;
BEGIN
    FOREACH child IN ARRAY ARRAY['checklist_sections', 'checklist_items', 'phases', 'risks',
                                 'risk_mitigations', 'cost_lines']
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION services_bump_from_new()',
                       child || '_bump_insert', child);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION services_bump_from_old()',
                       child || '_bump_delete', child);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I
                        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION services_bump_from_both()',
                       child || '_bump_update', child);
    END LOOP;
END $$;
