//! Properties of the reader on documents built from the shapes issue 14 names:
//! tables, numbered task lists, comments, code, front matter, risk registers and cost
//! sections, mixed with free text.

use super::*;
use crate::model::ItemStatus;
use chrono::NaiveDate;
use proptest::prelude::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
}

fn title() -> impl Strategy<Value = String> {
    "[A-Z][a-z]{1,8}( [a-z]{1,8}){0,3}"
}

fn amount() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\$[0-9]{1,5}(\\.[0-9]{2})?",
        "~\\$[0-9]{1,4}",
        Just("Free".to_string()),
        "\\$[0-9]{1,3},[0-9]{3}\\.[0-9]{2}",
    ]
}

fn level_cell() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "C", "B", "A", "🔴", "🟡", "🟢", "High", "P1", "Must", "",
    ])
}

fn status_cell() -> impl Strategy<Value = (&'static str, ItemStatus)> {
    prop::sample::select(vec![
        ("✅", ItemStatus::Done),
        ("✓", ItemStatus::Done),
        ("[x]", ItemStatus::Done),
        ("Done", ItemStatus::Done),
        ("Yes", ItemStatus::Done),
        ("No", ItemStatus::Todo),
        ("❌", ItemStatus::Todo),
        ("", ItemStatus::Todo),
        ("In progress", ItemStatus::InProgress),
    ])
}

fn check_row() -> impl Strategy<Value = (String, &'static str, (&'static str, ItemStatus))> {
    (title(), level_cell(), status_cell())
}

fn check_table(rows: &[(String, &str, (&str, ItemStatus))]) -> String {
    let mut t = String::from("| Check | Level | Status |\n|---|:-:|---|\n");
    for (title, level, (status, _)) in rows {
        t.push_str(&format!("| {title} | {level} | {status} |\n"));
    }
    t
}

fn block() -> impl Strategy<Value = String> {
    prop_oneof![
        (title(), prop::collection::vec(check_row(), 1..6))
            .prop_map(|(h, rows)| format!("## {h}\n\n{}", check_table(&rows))),
        (title(), prop::collection::vec((title(), amount()), 1..5), amount()).prop_map(
            |(h, rows, total)| {
                let mut t = format!("## {h} costs\n\n| Service | Monthly Cost | Notes |\n|---|---:|---|\n");
                for (name, a) in rows {
                    t.push_str(&format!("| {name} | {a} | x |\n"));
                }
                t.push_str(&format!("| **Total** | {total} | |\n"));
                t
            }
        ),
        prop::collection::vec((any::<bool>(), title()), 1..5).prop_map(|tasks| {
            tasks
                .iter()
                .enumerate()
                .map(|(n, (done, t))| format!("{}. [{}] {t}\n", n + 1, if *done { 'x' } else { ' ' }))
                .collect()
        }),
        title().prop_map(|t| format!("<!--\n- [ ] {t}\n## {t}\n-->\n")),
        title().prop_map(|t| format!("```sh\n# {t}\n- [x] {t}\n```\n")),
        (1u8..30, title(), 0i16..7, 0i16..7, 0u8..30, title()).prop_map(|(n, t, l, i, s, m)| {
            format!(
                "### R{n}: {t}\n\n**Likelihood:** {l}\n**Impact:** {i}\n**Risk Level:** {s} (HIGH)\n**Status:** Open\n\n**Mitigation:**\n- {m}\n"
            )
        }),
        (
            prop::sample::select(vec!["Compute", "Database (RDS)", "Networking", "Storage & Backup", "Reserved Instances"]),
            prop::collection::vec((title(), amount()), 1..4),
            amount(),
        )
            .prop_map(|(h, lines, sub)| {
                let mut t = format!("### {h}\n");
                for (name, a) in lines {
                    t.push_str(&format!("- **{name}**: 2x m6g.large = {a}/month\n"));
                }
                t.push_str(&format!("**Subtotal**: {sub}/month\n"));
                t
            }),
        "(#{1,3} )?[A-Za-z:|\\-\\[\\] *`>]{0,30}",
        "\\PC{0,30}",
    ]
}

fn document() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        prop::collection::vec(block(), 0..10),
        prop::sample::select(vec![
            "## Cost Estimate\n",
            "## Risks\n",
            "## Checklist\n",
            "",
        ]),
    )
        .prop_map(|(front, blocks, lead)| {
            let mut t = String::new();
            if front {
                t.push_str("---\ntitle: x\n---\n");
            }
            t.push_str("# Service\n\n");
            t.push_str(lead);
            for b in blocks {
                t.push('\n');
                t.push_str(&b);
            }
            t
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn documents_of_every_shape_import_valid_drafts_that_round_trip(text in document()) {
        if let Ok(p) = import_markdown(&text, today()) {
            prop_assert!(p.draft.validated().is_ok(), "{:?}", p.draft.validated());
            let exported = export_markdown(&p.draft);
            let again = import_markdown(&exported, today());
            prop_assert!(again.is_ok(), "{again:?}\n{exported}");
            let again = again.unwrap();
            prop_assert_eq!(structure(&again.draft), structure(&p.draft), "{}\n----\n{}", text, exported);
            // What the export states about its own costs agrees with its lines.
            prop_assert!(again.discrepancies.is_empty(), "{:?}\n{}", again.discrepancies, exported);
        }
    }

    #[test]
    fn a_check_table_gives_one_item_per_row(rows in prop::collection::vec(check_row(), 1..12)) {
        let text = format!("# S\n\n## Checks\n\n{}", check_table(&rows));
        let p = import_markdown(&text, today()).unwrap();
        let items: Vec<_> = p.draft.sections.iter().flat_map(|s| &s.items).collect();
        prop_assert_eq!(items.len(), rows.len());
        for (item, (title, _, (_, status))) in items.iter().zip(&rows) {
            prop_assert_eq!(&item.title, title);
            prop_assert_eq!(item.status, *status);
        }
    }

    #[test]
    fn numbered_task_lists_keep_every_box(tasks in prop::collection::vec((any::<bool>(), title()), 1..20)) {
        let list: String = tasks
            .iter()
            .enumerate()
            .map(|(n, (done, t))| format!("{}. [{}] {t}\n", n + 1, if *done { 'x' } else { ' ' }))
            .collect();
        let text = format!("# S\n\n## Security\n\n{list}\n<!--\n1. [ ] hidden\n-->\n");
        let p = import_markdown(&text, today()).unwrap();
        let items: Vec<_> = p.draft.sections.iter().flat_map(|s| &s.items).collect();
        prop_assert_eq!(items.len(), tasks.len());
        let done = tasks.iter().filter(|t| t.0).count();
        prop_assert_eq!(items.iter().filter(|i| i.status == ItemStatus::Done).count(), done);
    }
}
