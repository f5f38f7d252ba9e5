//! Plain types shared by the server and the browser: what the pages show and what the
//! JSON API sends. Enumerations serialise as the same snake_case strings the database
//! stores.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Declares a string-backed enumeration with its wire/database names, a human label,
/// parsing that names the accepted values on failure, and serde in the same spelling.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident => $text:literal, $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!(
                        "unknown {} {:?}; expected one of: {}",
                        $what,
                        other,
                        [$($text),+].join(", ")
                    )),
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                s.parse()
            }
        }

        // Stored as TEXT: lets `query_as!` read a column straight into the enum
        // (`status AS "status: ItemStatus"`) and bind it as a parameter.
        #[cfg(feature = "ssr")]
        impl sqlx::Type<sqlx::Postgres> for $name {
            fn type_info() -> sqlx::postgres::PgTypeInfo {
                <&str as sqlx::Type<sqlx::Postgres>>::type_info()
            }

            fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
                <&str as sqlx::Type<sqlx::Postgres>>::compatible(ty)
            }
        }

        #[cfg(feature = "ssr")]
        impl<'r> sqlx::Decode<'r, sqlx::Postgres> for $name {
            fn decode(value: sqlx::postgres::PgValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                Ok(<&str as sqlx::Decode<sqlx::Postgres>>::decode(value)?.parse::<$name>()?)
            }
        }

        #[cfg(feature = "ssr")]
        impl sqlx::Encode<'_, sqlx::Postgres> for $name {
            fn encode_by_ref(
                &self,
                buf: &mut sqlx::postgres::PgArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&str as sqlx::Encode<sqlx::Postgres>>::encode(self.as_str(), buf)
            }
        }
    };
}

string_enum!(ItemStatus, "status" {
    Todo => "todo", "To do",
    InProgress => "in_progress", "In progress",
    Done => "done", "Done",
    NotApplicable => "not_applicable", "N/A",
});

string_enum!(Priority, "priority" {
    Critical => "critical", "Critical",
    High => "high", "High",
    Medium => "medium", "Medium",
    Low => "low", "Low",
});

string_enum!(RiskStatus, "risk status" {
    Open => "open", "Open",
    Mitigating => "mitigating", "Mitigating",
    Accepted => "accepted", "Accepted",
    Closed => "closed", "Closed",
});

string_enum!(CostKind, "cost kind" {
    Baseline => "baseline", "Baseline",
    Addition => "addition", "Addition",
    Saving => "saving", "Saving",
});

string_enum!(CostCategory, "cost category" {
    Compute => "compute", "Compute",
    Database => "database", "Database",
    Networking => "networking", "Networking",
    MonitoringLogging => "monitoring_logging", "Monitoring & Logging",
    StorageBackup => "storage_backup", "Storage & Backup",
    SecurityCompliance => "security_compliance", "Security & Compliance",
    Other => "other", "Other",
});

string_enum!(Role, "role" {
    Viewer => "viewer", "Viewer",
    Editor => "editor", "Editor",
    Admin => "admin", "Admin",
});

string_enum!(TokenScope, "scope" {
    Read => "read", "Read",
    Write => "write", "Write",
});

/// What a request needs of whoever makes it (see `domain::access`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Need {
    /// Anyone, signed in or not: sign-in itself, health checks.
    Public,
    /// Any signed-in user or token.
    Read,
    /// A signed-in user of any role, not a token: their own tokens, signing out.
    SignedIn,
    /// Changes to services: an editor or admin, or a write token of one.
    Edit,
    /// Users and roles: an admin, signed in (never a token).
    Admin,
}

/// The signed-in user as the pages see them: enough for "signed in as" and for
/// hiding what the role cannot do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub email: String,
    pub role: Role,
}

/// A user as the admin page lists them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: i64,
    pub email: String,
    pub role: Role,
    pub disabled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// An API token as its owner sees it; the secret itself is shown once, at creation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenSummary {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub scope: TokenScope,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// One line of the admin audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub id: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
    pub address: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChecklistItem {
    pub id: i64,
    pub section_id: i64,
    pub title: String,
    pub detail: String,
    pub status: ItemStatus,
    pub priority: Priority,
    pub owner: String,
    pub due_date: Option<NaiveDate>,
    pub evidence_url: Option<String>,
    pub phase_id: Option<i64>,
    pub na_reason: Option<String>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChecklistSection {
    pub id: i64,
    pub name: String,
    pub items: Vec<ChecklistItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Phase {
    pub id: i64,
    pub name: String,
    pub goal: String,
    pub planned_start: Option<NaiveDate>,
    pub planned_end: Option<NaiveDate>,
    pub effort_min_days: Option<i32>,
    pub effort_max_days: Option<i32>,
    pub monthly_cost_change_cents: Option<i64>,
    pub completed_at: Option<DateTime<Utc>>,
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Risk {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub likelihood: i16,
    pub impact: i16,
    pub mitigation: String,
    pub owner: String,
    pub status: RiskStatus,
    pub review_date: Option<NaiveDate>,
    pub mitigating_item_ids: Vec<i64>,
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CostLine {
    pub id: i64,
    pub category: CostCategory,
    pub name: String,
    pub kind: CostKind,
    /// Negative for savings.
    pub monthly_cents: i64,
    pub phase_id: Option<i64>,
    pub start_month: Option<NaiveDate>,
    /// Counted in the projection; the what-if can leave a line out without deleting it.
    pub included: bool,
    pub version: i32,
}

/// One service as a single document: the service page's data and the JSON API's
/// `GET /api/v1/services/{slug}` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ServiceDocument {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub team: String,
    pub target_go_live: Option<NaiveDate>,
    pub readiness_percent: u32,
    pub sections: Vec<ChecklistSection>,
    pub phases: Vec<Phase>,
    pub risks: Vec<Risk>,
    pub cost_lines: Vec<CostLine>,
    /// Figures the imported document stated that its cost lines did not add up to.
    #[serde(default)]
    pub stated_cost_figures: Vec<StatedCostFigure>,
}

/// A subtotal, total or target an imported document states that disagrees with the
/// sum of the cost lines it covers. Kept as a note for the costs page, not as a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StatedCostFigure {
    /// The document's label ("Subtotal", "Optimized Monthly Cost").
    pub label: String,
    /// 1-based line of the figure in the imported document.
    pub source_line: i32,
    pub stated_cents: i64,
    /// What the lines it covers added up to in the document.
    pub summed_cents: i64,
    /// A change ("+$70.00") rather than an amount.
    pub is_change: bool,
}

/// A row of the portfolio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ServiceSummary {
    pub slug: String,
    pub name: String,
    pub team: String,
    pub done_items: u32,
    pub applicable_items: u32,
    pub readiness_percent: u32,
}

/// One event as stored: who, what, when, before, after, and the service's readiness
/// right after it (`None` for events older than that column).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EventRecord {
    pub id: i64,
    pub actor: String,
    pub action: String,
    pub subject_type: String,
    pub subject_id: Option<i64>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
    pub readiness_done: Option<i32>,
    pub readiness_applicable: Option<i32>,
}

/// An event with the name of what it is about: the item's title, the phase's or
/// section's name (as it is now, or as last recorded when it has been deleted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub event: EventRecord,
    pub subject_name: Option<String>,
}

/// One page of a service's events, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryPage {
    pub entries: Vec<HistoryEntry>,
    pub page: u32,
    pub per_page: u32,
    /// Events of the service in all pages.
    pub total: u64,
}

impl HistoryPage {
    pub fn page_count(&self) -> u32 {
        page_count(self.total, self.per_page)
    }

    pub fn has_newer(&self) -> bool {
        self.page > 1
    }

    pub fn has_older(&self) -> bool {
        u64::from(self.page) * u64::from(self.per_page) < self.total
    }
}

/// Pages needed for `total` events, at least 1.
pub fn page_count(total: u64, per_page: u32) -> u32 {
    let per_page = u64::from(per_page.max(1));
    u32::try_from(total.div_ceil(per_page).max(1)).unwrap_or(u32::MAX)
}

/// What the cost page's what-if saves: savings counted or not, and phases' planned
/// ends. Every change carries the version the user saw; all are applied in one
/// transaction or none.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Scenario {
    pub included: Vec<(i64, i32, bool)>,
    pub planned_ends: Vec<(i64, i32, NaiveDate)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip_through_their_names() {
        for s in ItemStatus::ALL {
            assert_eq!(s.as_str().parse::<ItemStatus>(), Ok(*s));
        }
        for c in CostCategory::ALL {
            assert_eq!(c.as_str().parse::<CostCategory>(), Ok(*c));
        }
    }

    #[test]
    fn unknown_value_names_the_field_and_the_choices() {
        let err = "finished".parse::<ItemStatus>().unwrap_err();
        assert!(err.contains("status"), "{err}");
        assert!(err.contains("not_applicable"), "{err}");
    }

    #[test]
    fn serde_uses_database_spelling() {
        assert_eq!(
            serde_json::to_string(&CostCategory::MonitoringLogging).unwrap(),
            "\"monitoring_logging\""
        );
    }

    #[test]
    fn pages_and_neighbours() {
        assert_eq!(page_count(0, 50), 1);
        assert_eq!(page_count(50, 50), 1);
        assert_eq!(page_count(51, 50), 2);
        let page = |page, total| HistoryPage {
            entries: Vec::new(),
            page,
            per_page: 50,
            total,
        };
        assert!(!page(1, 50).has_older() && !page(1, 50).has_newer());
        assert!(page(1, 51).has_older());
        assert!(page(2, 51).has_newer() && !page(2, 51).has_older());
    }
}

/// One notification in the user's bell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationEntry {
    pub id: i64,
    pub kind: crate::domain::notification::NoticeKind,
    pub subject: String,
    pub body: String,
    /// A path inside the portal; empty when there is nothing to open.
    pub link: String,
    pub service_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

/// A user's stored notification choices, and the services they may choose for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationSettings {
    pub rows: Vec<PreferenceRow>,
    pub services: Vec<(i64, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreferenceRow {
    /// `None`: every service.
    pub service_id: Option<i64>,
    pub service_name: Option<String>,
    pub kind: crate::domain::notification::NoticeKind,
    pub in_app: bool,
    pub email: bool,
}

/// A service's webhook as its settings page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookSummary {
    pub id: i64,
    pub service_slug: String,
    pub service_name: String,
    pub url: String,
    /// Shown to editors, who copy it into the receiver to check signatures.
    pub secret: String,
    pub format: crate::domain::notification::WebhookFormat,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// Deliveries still to be made (including retries).
    pub pending: i64,
    /// Deliveries given up.
    pub failed: i64,
    pub last_status: Option<i32>,
}

/// One attempt in a webhook's delivery log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookDelivery {
    pub id: i64,
    pub outbox_id: i64,
    pub kind: String,
    pub subject: String,
    pub attempt: i32,
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i32,
    pub attempted_at: DateTime<Utc>,
    /// Whether the delivery this attempt belongs to has since succeeded.
    pub delivered: bool,
    pub given_up: bool,
}
