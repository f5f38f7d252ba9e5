//! Reads of the event log for the history tab and the API (a page with the total, the
//! burn-up points), and the made-up past of the demo services.

use crate::domain::forecast::ReadinessPoint;
use crate::error::AppError;
use crate::model::{EventRecord, HistoryEntry, HistoryPage};
use chrono::{DateTime, Datelike, Duration, Utc, Weekday};
use serde_json::json;
use sqlx::PgPool;
use std::collections::HashMap;

/// One page of a service's events, newest first, with the total count. Each entry
/// carries the name of its subject: the current title or name, or the last one an
/// event recorded when the subject has been deleted.
pub async fn page(
    pool: &PgPool,
    service_id: i64,
    page: u32,
    per_page: u32,
) -> Result<HistoryPage, AppError> {
    let limit = i64::from(per_page);
    let offset = i64::from(page.saturating_sub(1)) * limit;
    let mut tx = pool.begin().await?;
    sqlx::query!("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .execute(&mut *tx)
        .await?;
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM events WHERE service_id = $1"#,
        service_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let rows = sqlx::query!(
        r#"SELECT e.id, e.actor, e.action, e.subject_type, e.subject_id, e.before, e.after,
                e.created_at AS "created_at: chrono::DateTime<chrono::Utc>", e.readiness_done, e.readiness_applicable,
                coalesce(
                    CASE e.subject_type
                        WHEN 'checklist_item' THEN (SELECT i.title FROM checklist_items i
                            WHERE i.id = e.subject_id AND i.service_id = e.service_id)
                        WHEN 'checklist_section' THEN (SELECT s.name FROM checklist_sections s
                            WHERE s.id = e.subject_id AND s.service_id = e.service_id)
                        WHEN 'phase' THEN (SELECT p.name FROM phases p
                            WHERE p.id = e.subject_id AND p.service_id = e.service_id)
                        WHEN 'service' THEN (SELECT v.name FROM services v
                            WHERE v.id = e.service_id)
                    END,
                    (SELECT coalesce(o.after ->> 'title', o.before ->> 'title',
                                     o.after ->> 'name', o.before ->> 'name')
                     FROM events o
                     WHERE o.service_id = e.service_id AND o.subject_type = e.subject_type
                       AND o.subject_id = e.subject_id
                       AND coalesce(o.after ->> 'title', o.before ->> 'title',
                                    o.after ->> 'name', o.before ->> 'name') IS NOT NULL
                     ORDER BY o.created_at DESC, o.id DESC
                     LIMIT 1)
                ) AS subject_name
         FROM events e
         WHERE e.service_id = $1
         ORDER BY e.created_at DESC, e.id DESC
         LIMIT $2 OFFSET $3"#,
        service_id,
        limit,
        offset
    )
    .fetch_all(&mut *tx)
    .await?;
    let entries = rows
        .into_iter()
        .map(|r| HistoryEntry {
            event: EventRecord {
                id: r.id,
                actor: r.actor,
                action: r.action,
                subject_type: r.subject_type,
                subject_id: r.subject_id,
                before: r.before,
                after: r.after,
                created_at: r.created_at,
                readiness_done: r.readiness_done,
                readiness_applicable: r.readiness_applicable,
            },
            subject_name: r.subject_name,
        })
        .collect();
    tx.commit().await?;
    Ok(HistoryPage {
        entries,
        page,
        per_page,
        total: u64::try_from(total).unwrap_or(0),
    })
}

/// The service's readiness after each recorded change, oldest first. Events from
/// before readiness was recorded are left out.
pub async fn burnup_points(
    pool: &PgPool,
    service_id: i64,
) -> Result<Vec<ReadinessPoint>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT created_at AS "created_at: chrono::DateTime<chrono::Utc>", readiness_done AS "done!", readiness_applicable AS "applicable!"
           FROM events
           WHERE service_id = $1
             AND readiness_done IS NOT NULL AND readiness_applicable IS NOT NULL
           ORDER BY created_at, id"#,
        service_id
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ReadinessPoint {
            at: r.created_at,
            done: u32::try_from(r.done).unwrap_or(0),
            applicable: u32::try_from(r.applicable).unwrap_or(0),
        })
        .collect())
}

/// An item of a demo service that has been worked on, in the order work went.
#[derive(Debug, Clone, PartialEq)]
struct WorkedItem {
    id: i64,
    status: String,
    owner: String,
    phase_id: Option<i64>,
}

/// One made-up event of the demo past.
#[derive(Debug, Clone, PartialEq)]
struct PastEvent {
    at: DateTime<Utc>,
    actor: String,
    action: &'static str,
    subject_type: &'static str,
    subject_id: i64,
    before: serde_json::Value,
    after: serde_json::Value,
    readiness_done: i32,
}

/// The demo past of one service, planned from the items as they are today.
#[derive(Debug, Clone, PartialEq)]
struct DemoPast {
    /// Items already done when the service was created.
    initial_done: i32,
    /// Oldest first; phase completions right after the item that completed them.
    events: Vec<PastEvent>,
    /// When each worked item was last changed, and by whom.
    touched: Vec<(i64, DateTime<Utc>, String)>,
    /// When each complete phase was completed.
    completed: Vec<(i64, DateTime<Utc>)>,
}

/// A fixed scramble of a number (splitmix64), so the made-up past is the same on
/// every start.
fn scramble(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE5_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A moment on a working day (09:00–17:59 UTC, Monday to Friday) near `at`, no earlier
/// than `earliest` and no later than `latest`.
fn office_hours(
    at: DateTime<Utc>,
    seed: u64,
    earliest: DateTime<Utc>,
    latest: DateTime<Utc>,
) -> DateTime<Utc> {
    let date = at.date_naive();
    let date = match date.weekday() {
        Weekday::Sat => date - Duration::days(1),
        Weekday::Sun => date + Duration::days(1),
        _ => date,
    };
    let hour = 9 + (seed % 9) as u32;
    let minute = ((seed >> 8) % 60) as u32;
    let moment = date
        .and_hms_opt(hour, minute, 0)
        .map_or(at, |t| t.and_utc());
    moment.clamp(earliest, latest)
}

/// A moment in office hours (09:00–17:59 UTC) on the same day as `at`, no later
/// than `latest`.
fn same_day_office_hours(at: DateTime<Utc>, seed: u64, latest: DateTime<Utc>) -> DateTime<Utc> {
    let hour = 9 + (seed % 9) as u32;
    let minute = ((seed >> 8) % 60) as u32;
    at.date_naive()
        .and_hms_opt(hour, minute, 0)
        .map_or(at, |t| t.and_utc())
        .min(latest)
}

/// Plans the past. Work went in the order of `worked`.
/// - A phase complete today was completed on the day recorded in `complete_phases`
///   (so the roadmap's "on time" stays true), when its last item was done; its other
///   items were done before. A phase completed before `started` was complete at
///   creation.
/// - At creation, at least a third of today's done items were done (and all items of
///   phases completed before); the rest were ticked one by one on working days up to
///   `now`, by their owners (or "demo").
/// - The in-progress items were started in the second half of the period.
fn plan_demo_past(
    worked: &[WorkedItem],
    complete_phases: &[(i64, DateTime<Utc>)],
    started: DateTime<Utc>,
    now: DateTime<Utc>,
) -> DemoPast {
    let done: Vec<&WorkedItem> = worked.iter().filter(|i| i.status == "done").collect();
    let in_progress: Vec<&WorkedItem> = worked
        .iter()
        .filter(|i| i.status == "in_progress")
        .collect();
    let earliest = started + Duration::hours(1);
    let latest = (now - Duration::minutes(10)).max(earliest);
    let actor = |item: &WorkedItem| {
        let owner = item.owner.trim();
        if owner.is_empty() {
            "demo".to_string()
        } else {
            owner.to_string()
        }
    };
    // The `index`-th of `count` moments spread evenly from `from` (a fraction of the
    // way) to the end of `lo..=hi`, each shifted a little and moved into office hours.
    let moment =
        |lo: DateTime<Utc>, hi: DateTime<Utc>, index: usize, count: usize, from: f64, id: i64| {
            let seed = scramble(id as u64);
            let jitter = (seed % 1000) as f64 / 1000.0 - 0.5;
            let span = (hi - lo).num_minutes().max(1) as f64;
            let fraction =
                from + (1.0 - from) * ((index as f64 + 0.5 + 0.6 * jitter) / count as f64);
            let at = lo + Duration::minutes((span * fraction.clamp(0.0, 1.0)) as i64);
            office_hours(at, seed >> 16, lo, hi)
        };

    // When each complete phase's last item was done.
    let finished: HashMap<i64, DateTime<Utc>> = complete_phases
        .iter()
        .map(|&(id, at)| (id, same_day_office_hours(at, scramble(id as u64), latest)))
        .collect();
    let finished_at = |item: &WorkedItem| item.phase_id.and_then(|p| finished.get(&p).copied());
    let before_history = done
        .iter()
        .rposition(|i| finished_at(i).is_some_and(|at| at <= earliest))
        .map_or(0, |i| i + 1);
    let (initial, ticked) = done.split_at((done.len() / 3).max(before_history));

    let mut events: Vec<PastEvent> = Vec::new();
    let mut touched = Vec::new();
    for item in initial {
        touched.push((item.id, started, actor(item)));
    }
    // Items of a phase completed during the history, by that phase; the others.
    let mut by_phase: Vec<(i64, DateTime<Utc>, Vec<&WorkedItem>)> = Vec::new();
    let mut free: Vec<&WorkedItem> = Vec::new();
    for item in ticked {
        match (item.phase_id, finished_at(item)) {
            (Some(phase_id), Some(at)) if at > earliest => {
                match by_phase.iter_mut().find(|(id, _, _)| *id == phase_id) {
                    Some((_, _, items)) => items.push(item),
                    None => by_phase.push((phase_id, at, vec![item])),
                }
            }
            _ => free.push(item),
        }
    }
    let mut tick = |at: DateTime<Utc>, item: &WorkedItem, events: &mut Vec<PastEvent>| {
        events.push(status_event(at, actor(item), item.id, "todo", "done"));
        touched.push((item.id, at, actor(item)));
    };
    for (index, item) in free.iter().enumerate() {
        let at = moment(earliest, latest, index, free.len(), 0.0, item.id);
        tick(at, item, &mut events);
    }
    let mut phase_events = Vec::new();
    for (phase_id, finish, items) in &by_phase {
        let before = (*finish - Duration::minutes(1)).max(earliest);
        let (last, others) = items.split_last().expect("a phase group is never empty");
        for (index, item) in others.iter().enumerate() {
            let at = moment(earliest, before, index, items.len(), 0.0, item.id);
            tick(at, item, &mut events);
        }
        tick(*finish, last, &mut events);
        phase_events.push((*phase_id, *finish, last.id, actor(last)));
    }
    for (index, item) in in_progress.iter().enumerate() {
        let at = moment(earliest, latest, index, in_progress.len(), 0.5, item.id);
        events.push(status_event(
            at,
            actor(item),
            item.id,
            "todo",
            "in_progress",
        ));
        touched.push((item.id, at, actor(item)));
    }
    events.sort_by_key(|e| e.at);

    // Readiness after each event: one more done item per tick.
    let mut readiness = initial.len() as i32;
    for event in &mut events {
        if event.after["status"] == "done" {
            readiness += 1;
        }
        event.readiness_done = readiness;
    }

    // Each phase completed during the history: its event right after its last item.
    let mut completed = Vec::new();
    for (phase_id, at, item_id, actor) in phase_events {
        completed.push((phase_id, at));
        if let Some(position) = events
            .iter()
            .position(|e| e.subject_id == item_id && e.after["status"] == "done")
        {
            let readiness_done = events[position].readiness_done;
            events.insert(
                position + 1,
                PastEvent {
                    at,
                    actor,
                    action: "phase.completed",
                    subject_type: "phase",
                    subject_id: phase_id,
                    before: json!({ "complete": false }),
                    after: json!({ "complete": true }),
                    readiness_done,
                },
            );
        }
    }
    // A phase recorded complete later, whose items were all done at creation, was
    // complete from the start.
    for &(phase_id, at) in complete_phases {
        if at > started && !by_phase.iter().any(|(id, _, _)| *id == phase_id) {
            completed.push((phase_id, started));
        }
    }
    DemoPast {
        initial_done: initial.len() as i32,
        events,
        touched,
        completed,
    }
}

fn status_event(at: DateTime<Utc>, actor: String, item_id: i64, from: &str, to: &str) -> PastEvent {
    PastEvent {
        at,
        actor,
        action: "item.status_changed",
        subject_type: "checklist_item",
        subject_id: item_id,
        before: json!({ "status": from, "na_reason": null }),
        after: json!({ "status": to, "na_reason": null }),
        readiness_done: 0,
    }
}

/// Gives a just-created demo service a believable past from `started` to `now`: its
/// `service.created` event moves back to `started` with about a third of today's done
/// items, then one `item.status_changed` event per other done item (todo → done, by
/// the item's owner, or "demo") spread over working days with rising readiness, the
/// in-progress items started along the way, and a `phase.completed` event when the
/// last item of a phase that is complete today was done, on the day the phase was
/// recorded complete (see [`plan_demo_past`]). Items, phases and the service get the
/// matching times. One transaction; returns the number of events added.
pub async fn backfill_demo(
    pool: &PgPool,
    slug: &str,
    started: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let service_id = crate::data::service_id(pool, slug).await?;
    let mut tx = pool.begin().await?;
    // The order work went: phase by phase, most critical first, then as listed.
    let worked = sqlx::query_as!(
        WorkedItem,
        "SELECT i.id, i.status, i.owner, i.phase_id
         FROM checklist_items i
         JOIN checklist_sections s ON s.id = i.section_id
         LEFT JOIN phases p ON p.id = i.phase_id
         WHERE i.service_id = $1 AND i.status IN ('done', 'in_progress')
         ORDER BY p.position NULLS LAST,
                  CASE i.priority WHEN 'critical' THEN 0 WHEN 'high' THEN 1
                                  WHEN 'medium' THEN 2 ELSE 3 END,
                  s.position, i.position, i.id",
        service_id
    )
    .fetch_all(&mut *tx)
    .await?;
    let applicable = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM checklist_items
           WHERE service_id = $1 AND status <> 'not_applicable'"#,
        service_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let applicable = i32::try_from(applicable).unwrap_or(i32::MAX);
    let complete_phases: Vec<(i64, DateTime<Utc>)> = sqlx::query!(
        r#"SELECT id, completed_at AS "completed_at!: chrono::DateTime<chrono::Utc>" FROM phases
           WHERE service_id = $1 AND completed_at IS NOT NULL ORDER BY position, id"#,
        service_id
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| (r.id, r.completed_at))
    .collect();
    let past = plan_demo_past(&worked, &complete_phases, started, now);

    sqlx::query!(
        "UPDATE services SET created_at = $2 WHERE id = $1",
        service_id,
        started as _
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE events
         SET created_at = $2, readiness_done = $3, readiness_applicable = $4,
             after = jsonb_set(coalesce(after, '{}'), '{done_items}', to_jsonb($3::int))
         WHERE service_id = $1 AND action = 'service.created'",
        service_id,
        started as _,
        past.initial_done,
        applicable
    )
    .execute(&mut *tx)
    .await?;

    let events = &past.events;
    sqlx::query!(
        "INSERT INTO events (service_id, created_at, actor, action, subject_type, subject_id,
                             before, after, readiness_done, readiness_applicable)
         SELECT $1, e.at, e.actor, e.action, e.subject_type, e.subject_id, e.before, e.after,
                e.readiness_done, $2
         FROM UNNEST($3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::bigint[],
                     $8::jsonb[], $9::jsonb[], $10::int[])
              WITH ORDINALITY AS e(at, actor, action, subject_type, subject_id, before, after,
                                   readiness_done, n)
         ORDER BY e.n",
        service_id,
        applicable,
        &events.iter().map(|e| e.at).collect::<Vec<_>>() as _,
        &events.iter().map(|e| e.actor.clone()).collect::<Vec<_>>(),
        &events.iter().map(|e| e.action).collect::<Vec<_>>() as &[&str],
        &events.iter().map(|e| e.subject_type).collect::<Vec<_>>() as &[&str],
        &events.iter().map(|e| e.subject_id).collect::<Vec<_>>(),
        &events.iter().map(|e| e.before.clone()).collect::<Vec<_>>(),
        &events.iter().map(|e| e.after.clone()).collect::<Vec<_>>(),
        &events.iter().map(|e| e.readiness_done).collect::<Vec<_>>()
    )
    .execute(&mut *tx)
    .await?;

    sqlx::query!(
        "UPDATE checklist_items i SET updated_at = u.at, updated_by = u.actor
         FROM UNNEST($2::bigint[], $3::timestamptz[], $4::text[]) AS u(id, at, actor)
         WHERE i.id = u.id AND i.service_id = $1",
        service_id,
        &past.touched.iter().map(|t| t.0).collect::<Vec<_>>(),
        &past.touched.iter().map(|t| t.1).collect::<Vec<_>>() as _,
        &past.touched.iter().map(|t| t.2.clone()).collect::<Vec<_>>()
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE phases p SET completed_at = u.at
         FROM UNNEST($2::bigint[], $3::timestamptz[]) AS u(id, at)
         WHERE p.id = u.id AND p.service_id = $1",
        service_id,
        &past.completed.iter().map(|c| c.0).collect::<Vec<_>>(),
        &past.completed.iter().map(|c| c.1).collect::<Vec<_>>() as _
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(events.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Timelike};

    fn item(id: i64, status: &str, owner: &str, phase_id: Option<i64>) -> WorkedItem {
        WorkedItem {
            id,
            status: status.to_string(),
            owner: owner.to_string(),
            phase_id,
        }
    }

    fn times() -> (DateTime<Utc>, DateTime<Utc>) {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 15, 0, 0).unwrap();
        (now - Duration::days(49), now)
    }

    #[test]
    fn a_third_were_done_at_creation_and_the_rest_ticked_in_order_of_time() {
        let (started, now) = times();
        let worked: Vec<WorkedItem> = (1..=9)
            .map(|id| item(id, "done", if id % 2 == 0 { "Priya" } else { "" }, None))
            .chain([item(10, "in_progress", "Tom", None)])
            .collect();
        let past = plan_demo_past(&worked, &[], started, now);
        assert_eq!(past.initial_done, 3);
        assert_eq!(past.events.len(), 7);
        let ticks: Vec<&PastEvent> = past
            .events
            .iter()
            .filter(|e| e.after["status"] == "done")
            .collect();
        assert_eq!(ticks.len(), 6);
        // Readiness rises by one with each tick, from the third done at creation.
        let readiness: Vec<i32> = ticks.iter().map(|e| e.readiness_done).collect();
        assert_eq!(readiness, vec![4, 5, 6, 7, 8, 9]);
        for pair in past.events.windows(2) {
            assert!(pair[0].at <= pair[1].at);
        }
        for event in &past.events {
            assert!(event.at > started && event.at < now, "{event:?}");
            assert!(event.at.weekday().num_days_from_monday() < 5, "{event:?}");
            assert!((9..18).contains(&event.at.hour()), "{event:?}");
            assert!(event.actor == "Priya" || event.actor == "demo" || event.actor == "Tom");
        }
        // The work is spread over the weeks, not bunched at one end.
        assert!(past.events[0].at < started + Duration::days(15));
        assert!(past.events.last().unwrap().at > now - Duration::days(15));
        assert_eq!(past.touched.len(), 10);
    }

    #[test]
    fn a_phase_completes_with_its_last_item_on_its_recorded_day() {
        let (started, now) = times();
        let worked = vec![
            item(1, "done", "Aisha", Some(100)),
            item(2, "done", "Aisha", Some(100)),
            item(3, "done", "Aisha", Some(100)),
            item(4, "done", "Marco", Some(100)),
            item(5, "done", "Lena", Some(200)),
            item(6, "done", "Lena", None),
        ];
        // Recorded complete at midnight of its planned end, three weeks ago.
        let recorded = (now - Duration::days(21))
            .date_naive()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc();
        let past = plan_demo_past(&worked, &[(100, recorded)], started, now);
        assert_eq!(past.initial_done, 2);
        let phase = past
            .events
            .iter()
            .position(|e| e.action == "phase.completed")
            .expect("phase event");
        let completing = &past.events[phase - 1];
        assert_eq!(
            completing.subject_id, 4,
            "the phase's last item in work order"
        );
        assert_eq!(past.events[phase].at, completing.at);
        assert_eq!(past.events[phase].at.date_naive(), recorded.date_naive());
        assert_eq!(past.events[phase].actor, "Marco");
        assert_eq!(past.events[phase].readiness_done, completing.readiness_done);
        // Its other ticked item came before.
        let other = past.events.iter().find(|e| e.subject_id == 3).unwrap();
        assert!(other.at < completing.at && other.at > started);
        assert_eq!(past.completed, vec![(100, completing.at)]);
    }

    #[test]
    fn a_phase_completed_before_the_history_was_complete_at_creation() {
        let (started, now) = times();
        let worked = vec![
            item(1, "done", "Aisha", Some(100)),
            item(2, "done", "Aisha", Some(100)),
            item(3, "done", "Aisha", Some(100)),
            item(4, "done", "Aisha", Some(100)),
            item(5, "done", "Aisha", None),
            item(6, "done", "Aisha", None),
        ];
        let past = plan_demo_past(&worked, &[(100, started - Duration::days(3))], started, now);
        // All four of its items, more than a third, were done at creation.
        assert_eq!(past.initial_done, 4);
        assert!(past.events.iter().all(|e| e.action != "phase.completed"));
        assert!(past.completed.is_empty(), "its recorded time stays");
    }

    #[test]
    fn a_phase_whose_items_were_all_done_at_creation_was_complete_then() {
        let (started, now) = times();
        let worked = vec![
            item(1, "done", "Aisha", Some(100)),
            item(2, "done", "Aisha", None),
            item(3, "done", "Aisha", None),
        ];
        let past = plan_demo_past(&worked, &[(100, now)], started, now);
        assert!(past.events.iter().all(|e| e.action != "phase.completed"));
        assert_eq!(past.completed, vec![(100, started)]);
    }

    #[test]
    fn nothing_done_means_no_past() {
        let (started, now) = times();
        let past = plan_demo_past(&[], &[], started, now);
        assert_eq!(past.initial_done, 0);
        assert!(past.events.is_empty());
    }
}
