//! Delivery from the outbox: every instance runs [`run`], which claims due rows
//! (`app::data::outbox::claim`, a lease under SKIP LOCKED, so two instances never
//! hold the same row), sends them, and records the outcome. A failure is retried
//! with backoff; a crash after sending sends again when the lease runs out, so
//! delivery is at least once and receivers drop repeats by `X-Preflight-Delivery`.

pub mod email;
pub mod webhook;

use app::data::outbox::{self, Attempt, Claimed};
use sqlx::PgPool;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, PartialEq)]
pub struct DeliverySettings {
    /// `PREFLIGHT_SMTP_URL`, such as `smtp://127.0.0.1:2525` or
    /// `smtps://user:password@smtp.example.com`; unset, email waits in the outbox.
    pub smtp_url: Option<String>,
    /// `PREFLIGHT_MAIL_FROM`
    pub mail_from: String,
    /// `PREFLIGHT_DELIVERY_POLL_MS`: how often the outbox is looked at.
    pub poll: Duration,
    /// `PREFLIGHT_RETRY_BASE_MS`: the first retry's wait, doubled per attempt.
    pub retry_base_ms: u64,
    /// `PREFLIGHT_DELIVERY_TIMEOUT_MS`: one attempt's limit.
    pub timeout: Duration,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        DeliverySettings {
            smtp_url: None,
            mail_from: "Preflight <preflight@localhost>".into(),
            poll: Duration::from_secs(1),
            retry_base_ms: 30_000,
            timeout: Duration::from_secs(10),
        }
    }
}

/// Rows claimed per round.
const BATCH: i64 = 20;

pub struct Deliverer {
    pool: PgPool,
    settings: DeliverySettings,
    http: reqwest::Client,
    mailer: Option<email::Mailer>,
}

impl Deliverer {
    pub fn new(pool: PgPool, settings: DeliverySettings) -> Result<Deliverer, String> {
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Preflight/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot build the webhook client: {e}"))?;
        let mailer = match &settings.smtp_url {
            Some(url) => Some(email::Mailer::new(
                url,
                &settings.mail_from,
                settings.timeout,
            )?),
            None => None,
        };
        Ok(Deliverer {
            pool,
            settings,
            http,
            mailer,
        })
    }

    /// The channels this instance can deliver: email only with an SMTP server.
    fn channels(&self) -> &'static [&'static str] {
        if self.mailer.is_some() {
            &["webhook", "email"]
        } else {
            &["webhook"]
        }
    }

    /// One round: claims what is due and delivers it. Answers how many were tried.
    pub async fn deliver_due(&self) -> Result<usize, app::error::AppError> {
        let lease = (self.settings.timeout.as_secs_f64() * 3.0).max(30.0);
        let claimed = outbox::claim(&self.pool, self.channels(), BATCH, lease).await?;
        let count = claimed.len();
        let sends = claimed.into_iter().map(|c| async move {
            let attempt = self.send(&c).await;
            if let Some(error) = &attempt.error {
                tracing::warn!(outbox = c.id, channel = %c.channel, attempt = c.attempt, %error, "delivery failed");
            }
            if let Err(e) = outbox::record(&self.pool, &c, &attempt, self.settings.retry_base_ms).await {
                // The lease runs out and the row is sent again: at least once.
                tracing::error!(outbox = c.id, error = %e, "delivery outcome not recorded");
            }
        });
        futures_util::future::join_all(sends).await;
        Ok(count)
    }

    async fn send(&self, claimed: &Claimed) -> Attempt {
        let started = Instant::now();
        let result = match (claimed.channel.as_str(), &self.mailer) {
            ("webhook", _) => webhook::send(&self.http, claimed).await,
            ("email", Some(mailer)) => mailer.send(claimed).await.map(|()| None),
            (other, _) => Err(format!("no way to deliver \"{other}\" here")),
        };
        let duration_ms = started.elapsed().as_millis().min(i32::MAX as u128) as i32;
        match result {
            Ok(status_code) => Attempt {
                status_code,
                error: None,
                duration_ms,
            },
            Err(error) => Attempt {
                status_code: webhook::status_of(&error),
                error: Some(error),
                duration_ms,
            },
        }
    }
}

/// Delivers for the life of the process, every `poll`, sooner while there is more.
pub async fn run(deliverer: Deliverer) {
    loop {
        match deliverer.deliver_due().await {
            Ok(n) if n as i64 == BATCH => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "the outbox could not be read; trying again"),
        }
        tokio::time::sleep(deliverer.settings.poll).await;
    }
}
