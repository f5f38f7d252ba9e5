//! Readiness reviews: opening one freezes a snapshot, approvers record decisions, a
//! conditional go adds dated follow-up items, and an overdue follow-up voids it.

use crate::data::events::{self, NewEvent};
use crate::data::{history, items, notices, sections, service_id, services};
use crate::domain::forecast::forecast;
use crate::domain::review::{
    ApproverDecision, ApproverSlot, Decision, DecisionRecord, FollowUp, FollowUpState,
    RecordedDecision, ReviewSnapshot, ReviewSummary, ReviewView, diff, outcome, take_snapshot,
};
use crate::error::AppError;
use crate::input::ItemInput;
use crate::model::{EventRecord, ItemStatus, Priority};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};

/// Where a conditional go's follow-ups go on the checklist.
pub const FOLLOW_UP_SECTION: &str = "Review follow-ups";

/// Reviews show on the service page, whose cached copies follow the service's version
/// (`services.version`); their tables have no trigger of their own, so each write
/// moves it here, before the event, so the event's announcement carries the new version.
async fn bump_service(conn: &mut PgConnection, service_id: i64) -> Result<(), AppError> {
    sqlx::query!(
        "UPDATE services SET version = version + 1 WHERE id = $1",
        service_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The service as it is now, frozen the way a review keeps it.
pub async fn snapshot_now(
    pool: &PgPool,
    slug: &str,
    service_id: i64,
    now: DateTime<Utc>,
) -> Result<ReviewSnapshot, AppError> {
    let doc = services::document(pool, slug).await?;
    let points = history::burnup_points(pool, service_id).await?;
    Ok(take_snapshot(&doc, forecast(&points, now).date(), now))
}

/// Opens a review of the service; `approvers` are validated slots whose emails must
/// belong to enabled accounts. Answers the review's id.
pub async fn open(
    pool: &PgPool,
    slug: &str,
    title: &str,
    approvers: &[ApproverSlot],
    actor: &str,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let service_id = service_id(pool, slug).await?;
    let snapshot = snapshot_now(pool, slug, service_id, now).await?;
    let mut tx = pool.begin().await?;
    let snapshot_json = serde_json::to_value(&snapshot)
        .map_err(|e| AppError::internal("review snapshot as JSON", e))?;
    let review_id = sqlx::query_scalar!(
        "INSERT INTO reviews (service_id, title, opened_by, opened_at, snapshot)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        service_id,
        title,
        actor,
        now as _,
        snapshot_json
    )
    .fetch_one(&mut *tx)
    .await?;
    let mut named_users = Vec::with_capacity(approvers.len());
    for (i, slot) in approvers.iter().enumerate() {
        let user = sqlx::query_scalar!(
            "SELECT id FROM users WHERE email = $1 AND disabled_at IS NULL",
            slot.email
        )
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                &format!("approvers[{i}].email"),
                format!("no active account has the address {}", slot.email),
            )
        })?;
        sqlx::query!(
            "INSERT INTO review_approvers (review_id, position, role_label, user_id)
             VALUES ($1, $2, $3, $4)",
            review_id,
            i as i32,
            slot.role,
            user
        )
        .execute(&mut *tx)
        .await?;
        named_users.push((slot.role.clone(), user));
    }
    let named: Vec<_> = approvers
        .iter()
        .map(|a| json!({ "role": a.role, "email": a.email }))
        .collect();
    bump_service(&mut tx, service_id).await?;
    events::record(
        &mut tx,
        NewEvent {
            service_id,
            actor,
            action: "review.opened",
            subject_type: "review",
            subject_id: Some(review_id),
            before: None,
            after: Some(json!({ "title": title, "approvers": named })),
        },
    )
    .await?;
    notices::review_opened(&mut tx, service_id, review_id, title, &named_users, actor).await?;
    tx.commit().await?;
    Ok(review_id)
}

/// The service's reviews, newest first.
pub async fn list(pool: &PgPool, slug: &str) -> Result<Vec<ReviewSummary>, AppError> {
    let service_id = service_id(pool, slug).await?;
    let rows = sqlx::query!(
        r#"SELECT r.id, r.title, r.opened_by, r.opened_at AS "opened_at: DateTime<Utc>", r.voided_at IS NOT NULL AS "voided!",
                  coalesce(array_agg(a.decision ORDER BY a.position)
                           FILTER (WHERE a.id IS NOT NULL), '{}') AS "decisions!: Vec<Option<String>>"
           FROM reviews r LEFT JOIN review_approvers a ON a.review_id = r.id
           WHERE r.service_id = $1
           GROUP BY r.id
           ORDER BY r.opened_at DESC, r.id DESC"#,
        service_id
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            // The outcome depends on the decisions alone, so the slots carry nothing else.
            let approvers = r
                .decisions
                .iter()
                .map(|d| {
                    Ok(ApproverDecision {
                        role: String::new(),
                        name: String::new(),
                        email: String::new(),
                        decision: match d {
                            None => None,
                            Some(d) => Some(RecordedDecision {
                                decision: parse_decision(d)?,
                                comment: String::new(),
                                decided_at: r.opened_at,
                            }),
                        },
                    })
                })
                .collect::<Result<Vec<_>, AppError>>()?;
            Ok(ReviewSummary {
                id: r.id,
                title: r.title,
                opened_by: r.opened_by,
                opened_at: r.opened_at,
                outcome: outcome(&approvers, r.voided),
                decided: approvers.iter().filter(|a| a.decision.is_some()).count(),
                approvers: approvers.len(),
            })
        })
        .collect()
}

fn parse_decision(text: &str) -> Result<Decision, AppError> {
    text.parse()
        .map_err(|_| AppError::internal("stored review decision", text))
}

/// One review of the service with its record and the changes since its snapshot.
pub async fn view(
    pool: &PgPool,
    slug: &str,
    review_id: i64,
    now: DateTime<Utc>,
) -> Result<ReviewView, AppError> {
    let service_id = service_id(pool, slug).await?;
    let review = sqlx::query!(
        r#"SELECT r.title, r.opened_by, r.opened_at AS "opened_at: DateTime<Utc>", r.snapshot,
                  r.voided_at AS "voided_at: DateTime<Utc>", r.void_reason,
                  s.name AS service_name
           FROM reviews r JOIN services s ON s.id = r.service_id
           WHERE r.id = $1 AND r.service_id = $2"#,
        review_id,
        service_id
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| AppError::NotFound(format!("review {review_id}")))?;
    let snapshot: ReviewSnapshot = serde_json::from_value(review.snapshot)
        .map_err(|e| AppError::internal("stored review snapshot", e))?;
    let approvers = approvers_of(pool, review_id).await?;
    let follow_ups = follow_ups_of(pool, review_id).await?;
    let current = snapshot_now(pool, slug, service_id, now).await?;
    let events = events_since(pool, service_id, snapshot.taken_at).await?;
    let since = diff(&snapshot, &current, &events);
    Ok(ReviewView {
        id: review_id,
        service_slug: slug.to_string(),
        service_name: review.service_name,
        record: DecisionRecord {
            title: review.title,
            void_reason: review.void_reason,
            opened_by: review.opened_by,
            opened_at: review.opened_at,
            approvers,
            follow_ups,
            voided_at: review.voided_at,
            snapshot,
        },
        since,
    })
}

async fn approvers_of(pool: &PgPool, review_id: i64) -> Result<Vec<ApproverDecision>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT a.role_label, u.email, a.decision, a.comment, a.decided_at AS "decided_at: DateTime<Utc>"
           FROM review_approvers a JOIN users u ON u.id = a.user_id
           WHERE a.review_id = $1 ORDER BY a.position"#,
        review_id
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            let decision = match (r.decision, r.decided_at) {
                (Some(d), Some(at)) => Some(RecordedDecision {
                    decision: parse_decision(&d)?,
                    comment: r.comment,
                    decided_at: at,
                }),
                _ => None,
            };
            Ok(ApproverDecision {
                role: r.role_label,
                // Accounts have no display name; the address is the name.
                name: r.email.clone(),
                email: r.email,
                decision,
            })
        })
        .collect()
}

async fn follow_ups_of(pool: &PgPool, review_id: i64) -> Result<Vec<FollowUpState>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT i.id, i.title, i.due_date AS "due_date!: NaiveDate", i.status AS "status: ItemStatus"
           FROM review_follow_ups f JOIN checklist_items i ON i.id = f.item_id
           WHERE f.review_id = $1 AND i.due_date IS NOT NULL
           ORDER BY i.due_date, i.id"#,
        review_id
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| FollowUpState {
            item_id: r.id,
            title: r.title,
            due_date: r.due_date,
            status: r.status,
        })
        .collect())
}

async fn events_since(
    pool: &PgPool,
    service_id: i64,
    since: DateTime<Utc>,
) -> Result<Vec<EventRecord>, AppError> {
    Ok(sqlx::query_as!(
        EventRecord,
        r#"SELECT id, actor, action, subject_type, subject_id, before, after,
                  created_at AS "created_at: _", readiness_done, readiness_applicable
           FROM events WHERE service_id = $1 AND created_at > $2
           ORDER BY id"#,
        service_id,
        since as _
    )
    .fetch_all(pool)
    .await?)
}

/// Records `email`'s decision on the review, once. A conditional go adds its
/// follow-ups to the checklist, in the same transaction.
#[allow(clippy::too_many_arguments)]
pub async fn decide(
    pool: &PgPool,
    slug: &str,
    review_id: i64,
    email: &str,
    decision: Decision,
    comment: &str,
    follow_ups: &[FollowUp],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let service_id = service_id(pool, slug).await?;
    let mut tx = pool.begin().await?;
    let review = sqlx::query!(
        r#"SELECT title, voided_at AS "voided_at: DateTime<Utc>"
           FROM reviews WHERE id = $1 AND service_id = $2 FOR UPDATE"#,
        review_id,
        service_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound(format!("review {review_id}")))?;
    if review.voided_at.is_some() {
        return Err(AppError::invalid("decision", "this review is void"));
    }
    let slot = sqlx::query!(
        r#"SELECT a.id, a.role_label, a.decision
           FROM review_approvers a JOIN users u ON u.id = a.user_id
           WHERE a.review_id = $1 AND u.email = $2
           FOR UPDATE OF a"#,
        review_id,
        email
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::Forbidden("only a named approver can decide on this review".into()))?;
    if slot.decision.is_some() {
        return Err(AppError::invalid(
            "decision",
            "you have already recorded your decision; it stays on the record",
        ));
    }
    sqlx::query!(
        "UPDATE review_approvers SET decision = $2, comment = $3, decided_at = $4 WHERE id = $1",
        slot.id,
        decision.as_str(),
        comment,
        now as _
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE reviews SET version = version + 1 WHERE id = $1",
        review_id
    )
    .execute(&mut *tx)
    .await?;
    if !follow_ups.is_empty() {
        let section_id = follow_up_section(&mut tx, service_id, email).await?;
        for follow_up in follow_ups {
            let input = ItemInput {
                title: follow_up.title.clone(),
                detail: format!(
                    "Follow-up of the review \"{}\": a condition of {}'s go ({}).",
                    review.title, email, slot.role_label
                ),
                status: ItemStatus::Todo,
                na_reason: None,
                priority: Priority::High,
                owner: String::new(),
                due_date: Some(follow_up.due_date),
                evidence_url: None,
                phase_id: None,
            };
            let item = items::insert(&mut tx, service_id, section_id, &input, email).await?;
            sqlx::query!(
                "INSERT INTO review_follow_ups (review_id, approver_id, item_id) VALUES ($1, $2, $3)",
                review_id,
                slot.id,
                item.id
            )
            .execute(&mut *tx)
            .await?;
        }
    }
    bump_service(&mut tx, service_id).await?;
    events::record(
        &mut tx,
        NewEvent {
            service_id,
            actor: email,
            action: "review.decided",
            subject_type: "review",
            subject_id: Some(review_id),
            before: None,
            after: Some(json!({
                "role": slot.role_label,
                "decision": decision.as_str(),
                "comment": comment,
                "follow_ups": follow_ups.len(),
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The checklist section that holds follow-ups, created at the end when missing.
async fn follow_up_section(
    conn: &mut PgConnection,
    service_id: i64,
    actor: &str,
) -> Result<i64, AppError> {
    if let Some(id) = sqlx::query_scalar!(
        "SELECT id FROM checklist_sections WHERE service_id = $1 AND name = $2 ORDER BY id LIMIT 1",
        service_id,
        FOLLOW_UP_SECTION
    )
    .fetch_optional(&mut *conn)
    .await?
    {
        return Ok(id);
    }
    sections::insert(conn, service_id, FOLLOW_UP_SECTION, actor).await
}

/// A review voided by the scan, with who should hear of it.
#[derive(Debug, Clone, PartialEq)]
pub struct VoidedReview {
    pub review_id: i64,
    pub service_slug: String,
    pub title: String,
    pub reason: String,
    /// The users whose bell now shows it.
    pub told: Vec<i64>,
}

/// Voids every review with a conditional go (and no no-go) whose follow-up is open
/// past its due date as of `today`. Each void is one transaction with its event.
pub async fn void_overdue(pool: &PgPool, today: NaiveDate) -> Result<Vec<VoidedReview>, AppError> {
    let candidates = sqlx::query!(
        r#"SELECT DISTINCT ON (r.id) r.id, r.service_id, r.title, s.slug, i.title AS item_title,
                  i.due_date AS "due_date!: NaiveDate"
           FROM reviews r
           JOIN services s ON s.id = r.service_id
           JOIN review_follow_ups f ON f.review_id = r.id
           JOIN review_approvers a ON a.id = f.approver_id AND a.decision = 'conditional_go'
           JOIN checklist_items i ON i.id = f.item_id
           WHERE r.voided_at IS NULL AND i.due_date < $1
             AND i.status NOT IN ('done', 'not_applicable')
             -- A no-go stays a no-go (domain::review::should_void).
             AND NOT EXISTS (SELECT 1 FROM review_approvers n
                             WHERE n.review_id = r.id AND n.decision = 'no_go')
           ORDER BY r.id, i.due_date, i.id"#,
        today as _
    )
    .fetch_all(pool)
    .await?;
    let mut voided = Vec::new();
    for c in candidates {
        let reason = format!(
            "the follow-up \"{}\" was due on {} and is not done",
            c.item_title,
            c.due_date.format("%-d %b %Y")
        );
        let mut tx = pool.begin().await?;
        let changed = sqlx::query!(
            "UPDATE reviews SET voided_at = now(), void_reason = $2, version = version + 1
             WHERE id = $1 AND voided_at IS NULL",
            c.id,
            reason
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            continue;
        }
        bump_service(&mut tx, c.service_id).await?;
        events::record(
            &mut tx,
            NewEvent {
                service_id: c.service_id,
                actor: "system",
                action: "review.voided",
                subject_type: "review",
                subject_id: Some(c.id),
                before: None,
                after: Some(json!({ "reason": reason })),
            },
        )
        .await?;
        let told = notices::review_voided(&mut tx, c.service_id, c.id, &c.title, &reason).await?;
        tx.commit().await?;
        voided.push(VoidedReview {
            review_id: c.id,
            service_slug: c.slug,
            title: c.title,
            reason,
            told,
        });
    }
    Ok(voided)
}
