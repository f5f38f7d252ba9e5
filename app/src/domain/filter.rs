//! Checklist filters, as kept in the URL so a filtered view can be shared:
//! `?status=todo&priority=critical&owner=Priya&phase=12&overdue=1&q=tls`.
//! `phase=none` means "in no phase".

use crate::model::{ChecklistItem, ItemStatus, Priority};
use chrono::NaiveDate;

pub const FILTER_KEYS: [&str; 6] = ["status", "priority", "owner", "phase", "overdue", "q"];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ItemFilter {
    pub status: Option<ItemStatus>,
    pub priority: Option<Priority>,
    pub owner: Option<String>,
    /// `Some(None)` is "in no phase".
    pub phase: Option<Option<i64>>,
    pub overdue_only: bool,
    pub text: String,
}

impl ItemFilter {
    /// Reads the filter from query parameters; unknown values are ignored rather than
    /// failing, so an old shared link still opens.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> ItemFilter {
        let non_empty = |key: &str| {
            get(key)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        ItemFilter {
            status: non_empty("status").and_then(|s| s.parse().ok()),
            priority: non_empty("priority").and_then(|s| s.parse().ok()),
            owner: non_empty("owner"),
            phase: non_empty("phase").and_then(|p| match p.as_str() {
                "none" => Some(None),
                id => id.parse().ok().map(Some),
            }),
            overdue_only: non_empty("overdue").is_some_and(|v| v == "1" || v == "true"),
            text: non_empty("q").unwrap_or_default(),
        }
    }

    pub fn is_active(&self) -> bool {
        *self != ItemFilter::default()
    }

    pub fn matches(&self, item: &ChecklistItem, today: NaiveDate) -> bool {
        self.status.is_none_or(|s| item.status == s)
            && self.priority.is_none_or(|p| item.priority == p)
            && self
                .owner
                .as_ref()
                .is_none_or(|o| item.owner.eq_ignore_ascii_case(o))
            && self.phase.is_none_or(|p| item.phase_id == p)
            && (!self.overdue_only || is_overdue(item, today))
            && (self.text.is_empty() || {
                let needle = self.text.to_lowercase();
                item.title.to_lowercase().contains(&needle)
                    || item.detail.to_lowercase().contains(&needle)
                    || item.owner.to_lowercase().contains(&needle)
            })
    }
}

/// Past its due date and neither done nor N/A.
pub fn is_overdue(item: &ChecklistItem, today: NaiveDate) -> bool {
    item.due_date.is_some_and(|due| due < today)
        && !matches!(item.status, ItemStatus::Done | ItemStatus::NotApplicable)
}

/// `key=value&…` with values percent-encoded, skipping empty values.
pub fn encode_query(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn item(status: ItemStatus, priority: Priority, due: Option<NaiveDate>) -> ChecklistItem {
        ChecklistItem {
            id: 1,
            section_id: 1,
            title: "Enable TLS on the ALB".into(),
            detail: "ACM certificate".into(),
            status,
            priority,
            owner: "Priya".into(),
            due_date: due,
            evidence_url: None,
            phase_id: Some(7),
            na_reason: None,
            version: 1,
            updated_at: Utc::now(),
            updated_by: "demo".into(),
        }
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn filter(query: &[(&str, &str)]) -> ItemFilter {
        ItemFilter::from_query(|k| {
            query
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn reads_the_query_and_ignores_nonsense() {
        let f = filter(&[
            ("status", "done"),
            ("priority", "urgent"),
            ("phase", "none"),
            ("q", " tls "),
        ]);
        assert_eq!(f.status, Some(ItemStatus::Done));
        assert_eq!(f.priority, None);
        assert_eq!(f.phase, Some(None));
        assert_eq!(f.text, "tls");
        assert!(!filter(&[]).is_active());
    }

    #[test]
    fn matches_every_condition() {
        let i = item(ItemStatus::Todo, Priority::Critical, Some(day(10)));
        let today = day(22);
        assert!(filter(&[]).matches(&i, today));
        assert!(
            filter(&[
                ("status", "todo"),
                ("priority", "critical"),
                ("owner", "priya"),
                ("phase", "7")
            ])
            .matches(&i, today)
        );
        assert!(filter(&[("q", "acm")]).matches(&i, today));
        assert!(filter(&[("overdue", "1")]).matches(&i, today));
        assert!(!filter(&[("status", "done")]).matches(&i, today));
        assert!(!filter(&[("phase", "none")]).matches(&i, today));
        assert!(!filter(&[("q", "waf")]).matches(&i, today));
    }

    #[test]
    fn overdue_means_past_due_and_open() {
        assert!(is_overdue(
            &item(ItemStatus::InProgress, Priority::Low, Some(day(21))),
            day(22)
        ));
        assert!(!is_overdue(
            &item(ItemStatus::Todo, Priority::Low, Some(day(22))),
            day(22)
        ));
        assert!(!is_overdue(
            &item(ItemStatus::Done, Priority::Low, Some(day(1))),
            day(22)
        ));
        assert!(!is_overdue(
            &item(ItemStatus::NotApplicable, Priority::Low, Some(day(1))),
            day(22)
        ));
        assert!(!is_overdue(
            &item(ItemStatus::Todo, Priority::Low, None),
            day(22)
        ));
    }

    #[test]
    fn encodes_queries() {
        assert_eq!(
            encode_query(&[
                ("owner", "Ana María".into()),
                ("status", String::new()),
                ("q", "a&b".into())
            ]),
            "owner=Ana%20Mar%C3%ADa&q=a%26b"
        );
    }
}
