//! Notifications as plain values: the kinds a user can choose to hear, how a user's
//! choices resolve for one service, what a delivery says (email text, webhook JSON,
//! Slack's shape), and how long a failed delivery waits before the next attempt.

pub mod notices;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a notification is about. Stored as [`NoticeKind::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    Assigned,
    DueSoon,
    Overdue,
    ReviewWaiting,
    ReviewVoided,
    ExemptionExpiring,
    ForecastSlip,
    Digest,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 8] = [
        NoticeKind::Assigned,
        NoticeKind::DueSoon,
        NoticeKind::Overdue,
        NoticeKind::ReviewWaiting,
        NoticeKind::ReviewVoided,
        NoticeKind::ExemptionExpiring,
        NoticeKind::ForecastSlip,
        NoticeKind::Digest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Assigned => "assigned",
            NoticeKind::DueSoon => "due_soon",
            NoticeKind::Overdue => "overdue",
            NoticeKind::ReviewWaiting => "review_waiting",
            NoticeKind::ReviewVoided => "review_voided",
            NoticeKind::ExemptionExpiring => "exemption_expiring",
            NoticeKind::ForecastSlip => "forecast_slip",
            NoticeKind::Digest => "digest",
        }
    }

    /// How the preferences page names the kind.
    pub fn label(self) -> &'static str {
        match self {
            NoticeKind::Assigned => "An item is assigned to me",
            NoticeKind::DueSoon => "An item of mine is due within 7 days",
            NoticeKind::Overdue => "An item of mine is overdue",
            NoticeKind::ReviewWaiting => "A review is waiting for my decision",
            NoticeKind::ReviewVoided => "A review decision is voided",
            NoticeKind::ExemptionExpiring => "An exemption expires within 14 days",
            NoticeKind::ForecastSlip => "The forecast ready date slips past the target go-live",
            NoticeKind::Digest => "The weekly digest",
        }
    }
}

impl fmt::Display for NoticeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for NoticeKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        NoticeKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown notification kind \"{s}\""))
    }
}

/// Where a user hears of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channels {
    pub in_app: bool,
    pub email: bool,
}

impl Channels {
    /// Until a user chooses, they hear everything both ways.
    pub const DEFAULT: Channels = Channels {
        in_app: true,
        email: true,
    };

    pub fn any(self) -> bool {
        self.in_app || self.email
    }
}

/// One stored choice: for every service (`service_id` None) or for one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preference {
    pub service_id: Option<i64>,
    pub kind: NoticeKind,
    pub channels: Channels,
}

/// How a user hears `kind` about `service_id`: the service's own choice, else the
/// choice for every service, else [`Channels::DEFAULT`].
pub fn channels_for(prefs: &[Preference], service_id: Option<i64>, kind: NoticeKind) -> Channels {
    let of = |service: Option<i64>| {
        prefs
            .iter()
            .find(|p| p.kind == kind && p.service_id == service)
            .map(|p| p.channels)
    };
    service_id
        .and_then(|id| of(Some(id)))
        .or_else(|| of(None))
        .unwrap_or(Channels::DEFAULT)
}

/// Whether a user chose, for this service alone, to hear `kind`: such users hear of
/// the service's reviews and forecast although they own nothing in it.
pub fn watches(prefs: &[Preference], service_id: i64, kind: NoticeKind) -> bool {
    prefs
        .iter()
        .any(|p| p.kind == kind && p.service_id == Some(service_id) && p.channels.any())
}

/// The service a notice is about, as deliveries name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeService {
    pub id: i64,
    pub slug: String,
    pub name: String,
}

/// One fact to tell: the same for every recipient and every channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub kind: NoticeKind,
    pub service: Option<NoticeService>,
    pub subject: String,
    pub body: String,
    /// A path inside the portal.
    pub link: String,
    /// Told once per user and per webhook: a second notice with the same key is dropped.
    pub dedupe_key: String,
}

/// The shape a webhook receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WebhookFormat {
    /// Preflight's own JSON.
    Json,
    /// What a Slack incoming webhook accepts: `text` plus `blocks`.
    Slack,
}

impl WebhookFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookFormat::Json => "json",
            WebhookFormat::Slack => "slack",
        }
    }
}

impl FromStr for WebhookFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "json" => Ok(WebhookFormat::Json),
            "slack" => Ok(WebhookFormat::Slack),
            other => Err(format!("unknown webhook format \"{other}\"")),
        }
    }
}

/// `link` made absolute against the portal's public address.
pub fn absolute_link(public_url: &str, link: &str) -> String {
    if link.is_empty() {
        return public_url.trim_end_matches('/').to_string();
    }
    format!(
        "{}/{}",
        public_url.trim_end_matches('/'),
        link.trim_start_matches('/')
    )
}

/// The webhook's body for `notice`.
pub fn webhook_body(notice: &Notice, format: WebhookFormat, public_url: &str) -> String {
    let url = absolute_link(public_url, &notice.link);
    let value = match format {
        WebhookFormat::Json => serde_json::json!({
            "kind": notice.kind,
            "subject": notice.subject,
            "body": notice.body,
            "url": url,
            "service": notice.service.as_ref().map(|s| serde_json::json!({ "slug": s.slug, "name": s.name })),
            "dedupe_key": notice.dedupe_key,
        }),
        WebhookFormat::Slack => {
            let text = format!(
                "*{}*\n{}",
                slack_escape(&notice.subject),
                slack_escape(&notice.body)
            );
            serde_json::json!({
                "text": format!("{} <{}|Open in Preflight>", text.trim_end(), url),
                "blocks": [
                    { "type": "section", "text": { "type": "mrkdwn", "text": text.trim_end() } },
                    { "type": "context", "elements": [
                        { "type": "mrkdwn", "text": format!("<{url}|Open in Preflight>") }
                    ] }
                ],
            })
        }
    };
    value.to_string()
}

/// Slack's three control characters in message text.
fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The email's plain text for `notice`.
pub fn email_text(notice: &Notice, public_url: &str) -> String {
    let mut text = String::new();
    if !notice.body.is_empty() {
        text.push_str(&notice.body);
        text.push_str("\n\n");
    }
    text.push_str("Open in Preflight: ");
    text.push_str(&absolute_link(public_url, &notice.link));
    text.push_str(
        "\n\nYou receive this because of your notification settings in Preflight \
         (Notifications, then Settings).\n",
    );
    text
}

/// Attempts before a delivery is given up.
pub const MAX_ATTEMPTS: i32 = 8;

/// How long to wait after failed attempt number `attempt` (1-based): `base` doubled
/// per attempt, at most an hour, so eight attempts span about two hours at the
/// default 30 s base.
pub fn retry_delay_ms(attempt: i32, base_ms: u64) -> u64 {
    let doublings = attempt.saturating_sub(1).clamp(0, 20) as u32;
    base_ms.saturating_mul(1_u64 << doublings).min(3_600_000)
}

/// What is wrong with a webhook URL, if anything.
pub fn check_webhook_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    if url.is_empty() {
        return Err("enter the address to send to".into());
    }
    if url.len() > 2000 {
        return Err("is longer than 2,000 characters".into());
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("must start with https:// (or http:// for a receiver on your network)")?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.contains(char::is_whitespace) {
        return Err("has no host name after the scheme".into());
    }
    if url.contains(char::is_whitespace) {
        return Err("must not contain spaces".into());
    }
    Ok(url.to_string())
}
