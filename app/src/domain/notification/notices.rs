//! What each notice says, and the key that keeps it from being told twice.

use super::{Notice, NoticeKind, NoticeService};
use chrono::{Datelike, NaiveDate};

fn day(date: NaiveDate) -> String {
    date.format("%-d %b %Y").to_string()
}

fn item_link(service: &NoticeService, item_id: i64) -> String {
    format!("/services/{}#item-{item_id}", service.slug)
}

/// `actor` made the user the item's owner.
pub fn assigned(
    service: NoticeService,
    item_id: i64,
    title: &str,
    actor: &str,
    version: i32,
) -> Notice {
    Notice {
        kind: NoticeKind::Assigned,
        subject: format!("{}: \"{title}\" is assigned to you", service.name),
        body: format!(
            "{actor} made you the owner of \"{title}\" on {}.",
            service.name
        ),
        link: item_link(&service, item_id),
        // The item's version: assigned again later is told again.
        dedupe_key: format!("assigned:{item_id}:{version}"),
        service: Some(service),
    }
}

/// An open item of the user's is due within the week, or is already overdue.
pub fn due(
    service: NoticeService,
    item_id: i64,
    title: &str,
    due: NaiveDate,
    today: NaiveDate,
) -> Notice {
    let overdue = due < today;
    let (kind, subject) = if overdue {
        (
            NoticeKind::Overdue,
            format!(
                "{}: \"{title}\" is overdue (due {})",
                service.name,
                day(due)
            ),
        )
    } else {
        let days = (due - today).num_days();
        let when = match days {
            0 => "today".to_string(),
            1 => "tomorrow".to_string(),
            n => format!("in {n} days, on {}", day(due)),
        };
        (
            NoticeKind::DueSoon,
            format!("{}: \"{title}\" is due {when}", service.name),
        )
    };
    Notice {
        kind,
        body: format!("\"{title}\" on {} is yours and not done yet.", service.name),
        link: item_link(&service, item_id),
        dedupe_key: format!("{}:{item_id}:{due}", kind.as_str()),
        subject,
        service: Some(service),
    }
}

/// A review names the user as an approver.
pub fn review_waiting(
    service: NoticeService,
    review_id: i64,
    title: &str,
    role: &str,
    opened_by: &str,
) -> Notice {
    Notice {
        kind: NoticeKind::ReviewWaiting,
        subject: format!(
            "{}: the review \"{title}\" is waiting for your decision",
            service.name
        ),
        body: format!("{opened_by} opened the review and named you as the {role} approver."),
        link: format!("/services/{}/reviews/{review_id}", service.slug),
        dedupe_key: format!("review_waiting:{review_id}"),
        service: Some(service),
    }
}

/// A review's decision is void (a follow-up became overdue).
pub fn review_voided(service: NoticeService, review_id: i64, title: &str, reason: &str) -> Notice {
    Notice {
        kind: NoticeKind::ReviewVoided,
        subject: format!(
            "{}: the decision of the review \"{title}\" is void",
            service.name
        ),
        body: format!("Void because {reason}. The service needs a new review before launch."),
        link: format!("/services/{}/reviews/{review_id}", service.slug),
        dedupe_key: format!("review_voided:{review_id}"),
        service: Some(service),
    }
}

/// The forecast ready date is past the target go-live, before the target arrives.
pub fn forecast_slip(
    service: NoticeService,
    forecast: NaiveDate,
    target: NaiveDate,
    today: NaiveDate,
) -> Notice {
    let late = (forecast - target).num_days();
    let left = (target - today).num_days();
    Notice {
        kind: NoticeKind::ForecastSlip,
        subject: format!(
            "{}: forecast ready {} is {late} day{} after the target go-live",
            service.name,
            day(forecast),
            if late == 1 { "" } else { "s" }
        ),
        body: format!(
            "At the current pace {} is ready around {}, but the target go-live is {} ({left} days from now).",
            service.name,
            day(forecast),
            day(target)
        ),
        link: format!("/services/{}/roadmap", service.slug),
        // Told once per target: moving the target go-live starts again.
        dedupe_key: format!("forecast_slip:{}:{target}", service.id),
        service: Some(service),
    }
}

/// Whether a forecast is a slip worth telling: past the target, which is still ahead.
pub fn slips(
    forecast: Option<NaiveDate>,
    target: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<(NaiveDate, NaiveDate)> {
    match (forecast, target) {
        (Some(f), Some(t)) if f > t && t >= today => Some((f, t)),
        _ => None,
    }
}

/// One line of a weekly digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestLine {
    pub service: String,
    pub text: String,
    pub overdue: bool,
}

/// The weekly digest of one user; `None` when there is nothing to say.
pub fn digest(lines: &[DigestLine], today: NaiveDate) -> Option<Notice> {
    if lines.is_empty() {
        return None;
    }
    let week = today.iso_week();
    let overdue = lines.iter().filter(|l| l.overdue).count();
    let mut body = String::new();
    let mut services: Vec<&str> = lines.iter().map(|l| l.service.as_str()).collect();
    services.dedup();
    for service in services {
        body.push_str(service);
        body.push('\n');
        for line in lines.iter().filter(|l| l.service == service) {
            body.push_str("  - ");
            body.push_str(&line.text);
            body.push('\n');
        }
    }
    Some(Notice {
        kind: NoticeKind::Digest,
        subject: format!(
            "Your week in Preflight: {} thing{} due or slipping, {overdue} overdue",
            lines.len(),
            if lines.len() == 1 { "" } else { "s" }
        ),
        body,
        link: "/notifications".into(),
        dedupe_key: format!("digest:{}-W{:02}", week.year(), week.week()),
        service: None,
    })
}
