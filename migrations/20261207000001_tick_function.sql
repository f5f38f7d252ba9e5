-- The tick (an item's status change), the API's busiest write, in one round trip.
--
-- It does what `change_status` in app/src/data/items.rs did in five statements of one
-- transaction: lock the item, check the version the caller saw, update it, record the
-- event with the service's readiness after the change, and complete or reopen the
-- item's phase. Each of those was a round trip, and the service-version row lock taken
-- by the update's trigger was held across all of them, so concurrent ticks of one
-- service queued behind each other's network waits.
--
-- Why it is still correct under concurrency: a VOLATILE function's statements each see
-- what committed before them, as the transaction's statements did. The update's
-- trigger bumps `services.version`, which queues behind any concurrent write to the
-- service, so the readiness counted after it includes every tick committed before.
--
-- The event's shape and the phase rule repeat `events::record` and
-- `phases::refresh_completion` (app/src/data); change them together.
-- app/tests/data.rs compares this function's events with theirs.
CREATE FUNCTION tick_item(p_slug TEXT, p_item_id BIGINT, p_status TEXT, p_na_reason TEXT,
                          p_actor TEXT, p_expected_version INTEGER, p_channel TEXT)
RETURNS TABLE (outcome TEXT, item JSONB, event_ids BIGINT[], payloads TEXT[])
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    before_row checklist_items;
    after_row checklist_items;
    was_complete BOOLEAN;
    is_complete BOOLEAN;
    new_event BIGINT;
    payload TEXT;
BEGIN
    event_ids := '{}';
    payloads := '{}';
    SELECT i.* INTO before_row
    FROM checklist_items i JOIN services s ON s.id = i.service_id
    WHERE s.slug = p_slug AND i.id = p_item_id
    FOR UPDATE OF i;
    IF NOT FOUND THEN
        outcome := CASE WHEN EXISTS (SELECT 1 FROM services WHERE slug = p_slug)
                        THEN 'no_item' ELSE 'no_service' END;
        RETURN NEXT;
        RETURN;
    END IF;
    IF p_expected_version IS NOT NULL AND p_expected_version <> before_row.version THEN
        outcome := 'conflict';
        item := to_jsonb(before_row);
        RETURN NEXT;
        RETURN;
    END IF;
    IF before_row.status = p_status AND before_row.na_reason IS NOT DISTINCT FROM p_na_reason THEN
        outcome := 'unchanged';
        item := to_jsonb(before_row);
        RETURN NEXT;
        RETURN;
    END IF;

    UPDATE checklist_items
    SET status = p_status, na_reason = p_na_reason, version = version + 1,
        updated_at = now(), updated_by = p_actor
    WHERE id = p_item_id
    RETURNING * INTO after_row;

    INSERT INTO events (service_id, actor, action, subject_type, subject_id, before, after,
                        readiness_done, readiness_applicable)
    SELECT before_row.service_id, p_actor, 'item.status_changed', 'checklist_item', p_item_id,
           jsonb_build_object('status', before_row.status, 'na_reason', before_row.na_reason),
           jsonb_build_object('status', after_row.status, 'na_reason', after_row.na_reason),
           count(*) FILTER (WHERE status = 'done'),
           count(*) FILTER (WHERE status <> 'not_applicable')
    FROM checklist_items WHERE service_id = before_row.service_id
    RETURNING id INTO new_event;
    SELECT json_build_object('slug', s.slug, 'subject_type', 'checklist_item',
                             'subject_id', p_item_id, 'action', 'item.status_changed',
                             'actor', p_actor, 'version', s.version, 'event_id', new_event)::text
    INTO payload FROM services s WHERE s.id = before_row.service_id;
    event_ids := event_ids || new_event;
    payloads := payloads || payload;

    IF after_row.phase_id IS NOT NULL THEN
        SELECT p.completed_at IS NOT NULL,
               count(i.id) FILTER (WHERE i.status <> 'not_applicable') > 0
               AND count(i.id) FILTER (WHERE i.status NOT IN ('done', 'not_applicable')) = 0
        INTO was_complete, is_complete
        FROM phases p LEFT JOIN checklist_items i ON i.phase_id = p.id
        WHERE p.id = after_row.phase_id
        GROUP BY p.id;
        IF was_complete <> is_complete THEN
            UPDATE phases SET completed_at = CASE WHEN is_complete THEN now() END,
                              version = version + 1
            WHERE id = after_row.phase_id;
            INSERT INTO events (service_id, actor, action, subject_type, subject_id, before, after,
                                readiness_done, readiness_applicable)
            SELECT before_row.service_id, p_actor,
                   CASE WHEN is_complete THEN 'phase.completed' ELSE 'phase.reopened' END,
                   'phase', after_row.phase_id,
                   jsonb_build_object('complete', was_complete),
                   jsonb_build_object('complete', is_complete),
                   count(*) FILTER (WHERE status = 'done'),
                   count(*) FILTER (WHERE status <> 'not_applicable')
            FROM checklist_items WHERE service_id = before_row.service_id
            RETURNING id INTO new_event;
            SELECT json_build_object('slug', s.slug, 'subject_type', 'phase',
                                     'subject_id', after_row.phase_id,
                                     'action', CASE WHEN is_complete THEN 'phase.completed'
                                                    ELSE 'phase.reopened' END,
                                     'actor', p_actor, 'version', s.version,
                                     'event_id', new_event)::text
            INTO payload FROM services s WHERE s.id = before_row.service_id;
            event_ids := event_ids || new_event;
            payloads := payloads || payload;
        END IF;
    END IF;

    -- Outside a request (commands, demo data, tests) the caller asks for NOTIFY here,
    -- which PostgreSQL delivers at commit; a request's relay announces after it.
    IF p_channel IS NOT NULL THEN
        PERFORM pg_notify(p_channel, p) FROM unnest(payloads) AS p;
    END IF;
    outcome := 'changed';
    item := to_jsonb(after_row);
    RETURN NEXT;
END $$;
