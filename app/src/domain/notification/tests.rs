use super::*;

fn pref(service_id: Option<i64>, kind: NoticeKind, in_app: bool, email: bool) -> Preference {
    Preference {
        service_id,
        kind,
        channels: Channels { in_app, email },
    }
}

fn notice() -> Notice {
    Notice {
        kind: NoticeKind::ReviewVoided,
        service: Some(NoticeService {
            id: 7,
            slug: "payments-api".into(),
            name: "Payments <API>".into(),
        }),
        subject: "Review \"Launch\" is void".into(),
        body: "The follow-up \"Load test\" was due on 3 Dec 2026 & is not done.".into(),
        link: "/services/payments-api/reviews/3".into(),
        dedupe_key: "review_voided:3".into(),
    }
}

#[test]
fn kinds_round_trip_through_their_names() {
    for kind in NoticeKind::ALL {
        assert_eq!(kind.as_str().parse::<NoticeKind>(), Ok(kind));
        assert!(!kind.label().is_empty());
    }
    assert!("bogus".parse::<NoticeKind>().is_err());
}

#[test]
fn with_no_choice_everything_is_heard_both_ways() {
    assert_eq!(
        channels_for(&[], Some(1), NoticeKind::Overdue),
        Channels::DEFAULT
    );
}

#[test]
fn a_service_choice_overrides_the_choice_for_all() {
    let prefs = vec![
        pref(None, NoticeKind::Overdue, false, false),
        pref(Some(1), NoticeKind::Overdue, true, false),
    ];
    assert_eq!(
        channels_for(&prefs, Some(1), NoticeKind::Overdue),
        Channels {
            in_app: true,
            email: false
        }
    );
    assert_eq!(
        channels_for(&prefs, Some(2), NoticeKind::Overdue),
        Channels {
            in_app: false,
            email: false
        }
    );
    // Another kind keeps the default.
    assert_eq!(
        channels_for(&prefs, Some(2), NoticeKind::DueSoon),
        Channels::DEFAULT
    );
    // A notice about no service only sees the choice for all.
    assert!(!channels_for(&prefs, None, NoticeKind::Overdue).any());
}

#[test]
fn watching_is_a_service_choice_that_hears_something() {
    let prefs = vec![
        pref(Some(1), NoticeKind::ReviewVoided, true, false),
        pref(Some(2), NoticeKind::ReviewVoided, false, false),
        pref(None, NoticeKind::ForecastSlip, true, true),
    ];
    assert!(watches(&prefs, 1, NoticeKind::ReviewVoided));
    assert!(!watches(&prefs, 2, NoticeKind::ReviewVoided));
    assert!(!watches(&prefs, 1, NoticeKind::ForecastSlip));
}

#[test]
fn links_are_made_absolute_once() {
    assert_eq!(
        absolute_link("https://preflight.example/", "/services/a"),
        "https://preflight.example/services/a"
    );
    assert_eq!(
        absolute_link("http://127.0.0.1:3000", "services/a"),
        "http://127.0.0.1:3000/services/a"
    );
    assert_eq!(absolute_link("http://h/", ""), "http://h");
}

#[test]
fn the_json_body_carries_the_notice() {
    let body: serde_json::Value = serde_json::from_str(&webhook_body(
        &notice(),
        WebhookFormat::Json,
        "https://p.example",
    ))
    .unwrap();
    assert_eq!(body["kind"], "review_voided");
    assert_eq!(
        body["url"],
        "https://p.example/services/payments-api/reviews/3"
    );
    assert_eq!(body["service"]["slug"], "payments-api");
    assert_eq!(body["dedupe_key"], "review_voided:3");
}

#[test]
fn the_slack_body_has_text_and_blocks_with_escapes() {
    let body: serde_json::Value = serde_json::from_str(&webhook_body(
        &notice(),
        WebhookFormat::Slack,
        "https://p.example",
    ))
    .unwrap();
    let text = body["text"].as_str().unwrap();
    assert!(text.starts_with("*Review \"Launch\" is void*"));
    assert!(text.contains("&amp; is not done"));
    assert!(
        text.ends_with("<https://p.example/services/payments-api/reviews/3|Open in Preflight>")
    );
    assert_eq!(body["blocks"][0]["type"], "section");
    assert_eq!(body["blocks"][0]["text"]["type"], "mrkdwn");
}

#[test]
fn the_email_ends_with_the_link_and_why_it_came() {
    let text = email_text(&notice(), "https://p.example");
    assert!(text.starts_with("The follow-up"));
    assert!(text.contains("Open in Preflight: https://p.example/services/payments-api/reviews/3"));
    assert!(text.contains("notification settings"));
}

#[test]
fn retries_double_up_to_an_hour() {
    assert_eq!(retry_delay_ms(1, 30_000), 30_000);
    assert_eq!(retry_delay_ms(2, 30_000), 60_000);
    assert_eq!(retry_delay_ms(4, 30_000), 240_000);
    assert_eq!(retry_delay_ms(9, 30_000), 3_600_000);
    assert_eq!(retry_delay_ms(0, 10), 10);
    assert_eq!(retry_delay_ms(i32::MAX, u64::MAX), 3_600_000);
    let total: u64 = (1..MAX_ATTEMPTS).map(|a| retry_delay_ms(a, 30_000)).sum();
    assert!(total > 3_600_000 && total < 3 * 3_600_000, "{total}");
}

#[test]
fn webhook_urls_are_checked() {
    assert_eq!(
        check_webhook_url(" https://hooks.slack.com/services/T/B/x "),
        Ok("https://hooks.slack.com/services/T/B/x".into())
    );
    assert!(check_webhook_url("http://127.0.0.1:9000/hook").is_ok());
    assert!(check_webhook_url("").is_err());
    assert!(check_webhook_url("ftp://x").is_err());
    assert!(check_webhook_url("https://").is_err());
    assert!(check_webhook_url("https://a b/c").is_err());
    assert!(check_webhook_url(&format!("https://x/{}", "a".repeat(2000))).is_err());
}

mod notice_texts {
    use super::super::notices::*;
    use super::super::{NoticeKind, NoticeService};
    use chrono::NaiveDate;

    fn service() -> NoticeService {
        NoticeService {
            id: 4,
            slug: "ledger".into(),
            name: "Ledger".into(),
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn due_items_say_when_and_are_keyed_by_their_due_date() {
        let today = d(2026, 12, 7);
        let soon = due(service(), 9, "Pen test", d(2026, 12, 10), today);
        assert_eq!(soon.kind, NoticeKind::DueSoon);
        assert_eq!(
            soon.subject,
            "Ledger: \"Pen test\" is due in 3 days, on 10 Dec 2026"
        );
        assert_eq!(soon.dedupe_key, "due_soon:9:2026-12-10");
        assert_eq!(soon.link, "/services/ledger#item-9");
        assert!(
            due(service(), 9, "x", today, today)
                .subject
                .ends_with("is due today")
        );
        let late = due(service(), 9, "Pen test", d(2026, 12, 1), today);
        assert_eq!(late.kind, NoticeKind::Overdue);
        assert!(late.subject.contains("is overdue (due 1 Dec 2026)"));
        // A new due date is a new fact.
        assert_ne!(
            late.dedupe_key,
            due(service(), 9, "Pen test", d(2026, 12, 2), today).dedupe_key
        );
    }

    #[test]
    fn a_slip_is_told_before_the_target_not_after() {
        let today = d(2026, 12, 7);
        assert_eq!(
            slips(Some(d(2027, 2, 1)), Some(d(2027, 1, 15)), today),
            Some((d(2027, 2, 1), d(2027, 1, 15)))
        );
        assert_eq!(
            slips(Some(d(2027, 1, 1)), Some(d(2027, 1, 15)), today),
            None
        );
        assert_eq!(
            slips(Some(d(2027, 2, 1)), Some(d(2026, 12, 1)), today),
            None
        );
        assert_eq!(slips(None, Some(d(2027, 1, 15)), today), None);
        let notice = forecast_slip(service(), d(2027, 2, 1), d(2027, 1, 15), today);
        assert!(
            notice.subject.contains("17 days after the target go-live"),
            "{}",
            notice.subject
        );
        assert!(
            notice.body.contains("(39 days from now)"),
            "{}",
            notice.body
        );
        assert_eq!(notice.dedupe_key, "forecast_slip:4:2027-01-15");
    }

    #[test]
    fn the_digest_groups_by_service_once_a_week() {
        let today = d(2026, 12, 7);
        assert_eq!(digest(&[], today), None);
        let lines = vec![
            DigestLine {
                service: "Ledger".into(),
                text: "a".into(),
                overdue: true,
            },
            DigestLine {
                service: "Ledger".into(),
                text: "b".into(),
                overdue: false,
            },
            DigestLine {
                service: "Payments".into(),
                text: "c".into(),
                overdue: false,
            },
        ];
        let notice = digest(&lines, today).unwrap();
        assert_eq!(notice.kind, NoticeKind::Digest);
        assert_eq!(notice.service, None);
        assert!(
            notice
                .subject
                .contains("3 things due or slipping, 1 overdue")
        );
        assert_eq!(notice.body, "Ledger\n  - a\n  - b\nPayments\n  - c\n");
        assert_eq!(notice.dedupe_key, "digest:2026-W50");
        assert_eq!(
            digest(&lines, d(2026, 12, 13)).unwrap().dedupe_key,
            "digest:2026-W50"
        );
        assert_eq!(
            digest(&lines, d(2026, 12, 14)).unwrap().dedupe_key,
            "digest:2026-W51"
        );
    }

    #[test]
    fn reviews_link_to_their_record() {
        let waiting = review_waiting(service(), 3, "Launch", "SRE", "lead@example.com");
        assert_eq!(waiting.link, "/services/ledger/reviews/3");
        assert!(waiting.body.contains("as the SRE approver"));
        let void = review_voided(service(), 3, "Launch", "the follow-up was due");
        assert_eq!(void.dedupe_key, "review_voided:3");
        assert!(void.body.starts_with("Void because the follow-up was due."));
        let assigned_note = assigned(service(), 9, "Pen test", "lead@example.com", 4);
        assert_eq!(assigned_note.dedupe_key, "assigned:9:4");
    }
}
