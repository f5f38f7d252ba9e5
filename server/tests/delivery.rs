//! Delivery from the outbox against a real PostgreSQL and real receivers: a local
//! HTTP server for webhooks (signature, retries, the delivery log, at least once)
//! and aiosmtpd's Maildir sink for email.

use app::data::{self, notifications, outbox, webhooks};
use app::domain::notification::{Notice, NoticeKind, NoticeService, WebhookFormat};
use app::draft::ServiceDraft;
use app::model::Role;
use axum::http::{HeaderMap, StatusCode};
use hmac::{Hmac, Mac};
use serde_json::json;
use server::delivery::{Deliverer, DeliverySettings};
use sha2::Sha256;
use sqlx::PgPool;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the receiver was sent.
#[derive(Clone, Debug)]
struct Received {
    headers: HeaderMap,
    body: String,
}

/// A webhook receiver on a free port that fails the first `failures` requests with
/// 500, then answers 200. Answers its URL and what it received.
async fn receiver(failures: usize) -> (String, Arc<Mutex<Vec<Received>>>) {
    let received: Arc<Mutex<Vec<Received>>> = Arc::default();
    let log = received.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let log = log.clone();
            async move {
                let mut log = log.lock().unwrap();
                log.push(Received { headers, body });
                if log.len() <= failures {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::OK
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/hook"), received)
}

async fn seed(pool: &PgPool) -> NoticeService {
    let draft: ServiceDraft = serde_json::from_value(json!({
        "slug": "ledger", "name": "Ledger",
        "sections": [{"name": "Security", "items": [{"title": "TLS everywhere"}]}]
    }))
    .unwrap();
    data::drafts::insert(pool, &draft, "test").await.unwrap();
    let id = data::service_id(pool, "ledger").await.unwrap();
    NoticeService {
        id,
        slug: "ledger".into(),
        name: "Ledger".into(),
    }
}

fn notice(service: &NoticeService, key: &str) -> Notice {
    Notice {
        kind: NoticeKind::ReviewVoided,
        service: Some(service.clone()),
        subject: "Ledger: the decision of the review \"Launch\" is void".into(),
        body: "Void because the follow-up was due.".into(),
        link: "/services/ledger/reviews/1".into(),
        dedupe_key: key.into(),
    }
}

async fn tell(pool: &PgPool, notice: &Notice, users: &[i64]) {
    let mut tx = pool.begin().await.unwrap();
    notifications::notify(&mut tx, notice, users).await.unwrap();
    tx.commit().await.unwrap();
}

fn settings(smtp_url: Option<String>) -> DeliverySettings {
    DeliverySettings {
        smtp_url,
        retry_base_ms: 20,
        timeout: Duration::from_secs(5),
        ..DeliverySettings::default()
    }
}

/// Delivers until nothing is pending (or 20 s pass).
async fn deliver_all(pool: &PgPool, deliverer: &Deliverer) {
    for _ in 0..400 {
        deliverer.deliver_due().await.unwrap();
        let pending: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL",
        )
        .fetch_one(pool)
        .await
        .unwrap();
        if pending == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("deliveries still pending after 20 s");
}

fn expected_signature(secret: &str, timestamp: &str, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{body}").as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

fn header<'a>(r: &'a Received, name: &str) -> &'a str {
    r.headers.get(name).unwrap().to_str().unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_webhook_is_signed_retried_and_logged_until_delivered(pool: PgPool) {
    let service = seed(&pool).await;
    let (url, received) = receiver(2).await;
    let hook = webhooks::create(&pool, "ledger", &url, WebhookFormat::Json, "test")
        .await
        .unwrap();
    tell(&pool, &notice(&service, "review_voided:1"), &[]).await;
    // The same fact again (a second scan) is not queued twice.
    tell(&pool, &notice(&service, "review_voided:1"), &[]).await;

    let deliverer = Deliverer::new(pool.clone(), settings(None)).unwrap();
    deliver_all(&pool, &deliverer).await;

    let received = received.lock().unwrap().clone();
    assert_eq!(received.len(), 3, "two 500s, then the 200");
    let secret = webhooks::list(&pool).await.unwrap()[0].secret.clone();
    let delivery = header(&received[0], "x-preflight-delivery").to_string();
    for r in &received {
        assert_eq!(
            header(r, "x-preflight-delivery"),
            delivery,
            "one delivery id across retries"
        );
        assert_eq!(header(r, "x-preflight-event"), "review_voided");
        assert_eq!(header(r, "content-type"), "application/json");
        let timestamp = header(r, "x-preflight-timestamp");
        assert_eq!(
            header(r, "x-preflight-signature"),
            expected_signature(&secret, timestamp, &r.body)
        );
        assert_ne!(
            header(r, "x-preflight-signature"),
            expected_signature("another secret", timestamp, &r.body)
        );
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["kind"], "review_voided");
        assert_eq!(body["service"]["slug"], "ledger");
        assert!(
            body["url"]
                .as_str()
                .unwrap()
                .ends_with("/services/ledger/reviews/1")
        );
    }

    let log = webhooks::deliveries(&pool, hook, 10).await.unwrap();
    let statuses: Vec<_> = log
        .iter()
        .rev()
        .map(|d| (d.attempt, d.status_code))
        .collect();
    assert_eq!(
        statuses,
        vec![(1, Some(500)), (2, Some(500)), (3, Some(200))]
    );
    assert!(log.iter().all(|d| d.delivered && !d.given_up));
    assert!(log[2].error.as_deref().unwrap().contains("500"));
    assert_eq!(log[0].error, None);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_delivery_whose_outcome_was_lost_is_sent_again(pool: PgPool) {
    let service = seed(&pool).await;
    let (url, received) = receiver(0).await;
    let hook = webhooks::create(&pool, "ledger", &url, WebhookFormat::Json, "test")
        .await
        .unwrap();
    tell(&pool, &notice(&service, "review_voided:2"), &[]).await;

    // A worker claims the row, sends it, and dies before recording the outcome.
    let claimed = outbox::claim(&pool, &["webhook"], 10, 0.3).await.unwrap();
    assert_eq!(claimed.len(), 1);
    let client = reqwest::Client::new();
    server::delivery::webhook::send(&client, &claimed[0])
        .await
        .unwrap();
    // Another claim while the lease holds gets nothing: no two workers send at once.
    assert!(
        outbox::claim(&pool, &["webhook"], 10, 0.3)
            .await
            .unwrap()
            .is_empty()
    );

    tokio::time::sleep(Duration::from_millis(400)).await;
    let deliverer = Deliverer::new(pool.clone(), settings(None)).unwrap();
    deliver_all(&pool, &deliverer).await;

    let received = received.lock().unwrap().clone();
    assert_eq!(received.len(), 2, "sent again once the lease ran out");
    assert_eq!(
        header(&received[0], "x-preflight-delivery"),
        header(&received[1], "x-preflight-delivery"),
        "the receiver can drop the repeat"
    );
    let log = webhooks::deliveries(&pool, hook, 10).await.unwrap();
    assert_eq!(log.len(), 1, "the lost attempt left no log row");
    assert_eq!((log[0].attempt, log[0].status_code), (2, Some(200)));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_receiver_that_never_answers_well_is_given_up_after_the_last_attempt(pool: PgPool) {
    let service = seed(&pool).await;
    let (url, received) = receiver(usize::MAX).await;
    let hook = webhooks::create(&pool, "ledger", &url, WebhookFormat::Slack, "test")
        .await
        .unwrap();
    tell(&pool, &notice(&service, "review_voided:3"), &[]).await;
    let deliverer = Deliverer::new(
        pool.clone(),
        DeliverySettings {
            retry_base_ms: 1,
            ..settings(None)
        },
    )
    .unwrap();
    deliver_all(&pool, &deliverer).await;

    let attempts = app::domain::notification::MAX_ATTEMPTS as usize;
    assert_eq!(received.lock().unwrap().len(), attempts);
    let slack: serde_json::Value = serde_json::from_str(&received.lock().unwrap()[0].body).unwrap();
    assert!(
        slack["text"]
            .as_str()
            .unwrap()
            .contains("Open in Preflight")
    );
    assert_eq!(slack["blocks"][0]["type"], "section");
    let log = webhooks::deliveries(&pool, hook, 20).await.unwrap();
    assert_eq!(log.len(), attempts);
    assert!(log.iter().all(|d| d.given_up && !d.delivered));
    let summary = &webhooks::list(&pool).await.unwrap()[0];
    assert_eq!(
        (summary.pending, summary.failed, summary.last_status),
        (0, 1, Some(500))
    );
}

/// aiosmtpd from the venv that `scripts/test.sh` makes (`setup_smtp_sink`).
fn smtp_python() -> String {
    std::env::var("PREFLIGHT_TEST_SMTP_PYTHON").expect(
        "PREFLIGHT_TEST_SMTP_PYTHON must name a python with aiosmtpd; scripts/test.sh sets it \
         (source scripts/setup.sh && setup_smtp_sink)",
    )
}

#[sqlx::test(migrations = "../migrations")]
async fn an_email_reaches_the_smtp_sink(pool: PgPool) {
    let service = seed(&pool).await;
    let user = data::users::create(&pool, "owner@example.com", Role::Editor, "x", "test")
        .await
        .unwrap();
    let quiet = data::users::create(&pool, "quiet@example.com", Role::Editor, "x", "test")
        .await
        .unwrap();
    // The second user turned email off for this kind, for every service.
    notifications::set_preference(
        &pool,
        quiet,
        None,
        NoticeKind::ReviewVoided,
        Some(app::domain::notification::Channels {
            in_app: true,
            email: false,
        }),
    )
    .await
    .unwrap();

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let maildir = tempdir();
    let mut sink = tokio::process::Command::new(smtp_python())
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
        .args(["-c", "aiosmtpd.handlers.Mailbox", maildir.to_str().unwrap()])
        .kill_on_drop(true)
        .spawn()
        .expect("aiosmtpd starts");
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    tell(&pool, &notice(&service, "review_voided:4"), &[user, quiet]).await;
    let deliverer = Deliverer::new(
        pool.clone(),
        settings(Some(format!("smtp://127.0.0.1:{port}"))),
    )
    .unwrap();
    deliver_all(&pool, &deliverer).await;
    let (delivered, error): (bool, Option<String>) = sqlx::query_as(
        "SELECT delivered_at IS NOT NULL, last_error FROM outbox WHERE channel = 'email'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(delivered, "the email was not delivered: {error:?}");

    let mut messages = Vec::new();
    for _ in 0..100 {
        messages = std::fs::read_dir(maildir.join("new"))
            .map(|d| {
                d.flatten()
                    .map(|e| std::fs::read_to_string(e.path()).unwrap())
                    .collect()
            })
            .unwrap_or_default();
        if !messages.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    sink.kill().await.ok();
    assert_eq!(messages.len(), 1, "one email: the quiet user chose none");
    let message = &messages[0];
    assert!(message.contains("To: owner@example.com"), "{message}");
    assert!(
        message.contains("From: Preflight <preflight@localhost>"),
        "{message}"
    );
    assert!(
        message.contains("Subject: Ledger: the decision of the review"),
        "{message}"
    );
    assert!(message.contains("/services/ledger/reviews/1"), "{message}");
    // Both still see it in the bell.
    assert_eq!(notifications::unread_count(&pool, user).await.unwrap(), 1);
    assert_eq!(notifications::unread_count(&pool, quiet).await.unwrap(), 1);
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "preflight-maildir-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
    ));
    // Left to the sink to create: Python's Maildir makes cur/, new/ and tmp/ only in a
    // directory that does not exist yet.
    dir
}
