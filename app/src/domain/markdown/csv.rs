//! The items of a service as CSV (RFC 4180: CRLF line ends, fields with commas,
//! quotes or line breaks quoted, quotes doubled).

use crate::draft::ServiceDraft;

fn field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

pub fn items_csv(draft: &ServiceDraft) -> String {
    let mut out = String::from(
        "section,title,status,priority,owner,due_date,phase,evidence_url,na_reason\r\n",
    );
    for section in &draft.sections {
        for item in &section.items {
            let due = item.due_date.map(|d| d.to_string()).unwrap_or_default();
            let row = [
                section.name.as_str(),
                item.title.as_str(),
                item.status.as_str(),
                item.priority.as_str(),
                item.owner.as_str(),
                due.as_str(),
                item.phase.as_deref().unwrap_or(""),
                item.evidence_url.as_deref().unwrap_or(""),
                item.na_reason.as_deref().unwrap_or(""),
            ];
            let cells: Vec<String> = row.iter().map(|v| field(v)).collect();
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::{ItemDraft, SectionDraft};
    use crate::model::{ItemStatus, Priority};

    #[test]
    fn quotes_what_needs_quoting() {
        let draft = ServiceDraft {
            slug: "s".into(),
            name: "S".into(),
            description: String::new(),
            team: String::new(),
            target_go_live: None,
            phases: vec![],
            sections: vec![SectionDraft {
                name: "Backup, DR".into(),
                items: vec![ItemDraft {
                    title: "Say \"hello\"".into(),
                    detail: String::new(),
                    status: ItemStatus::NotApplicable,
                    priority: Priority::High,
                    owner: "Ana".into(),
                    due_date: chrono::NaiveDate::from_ymd_opt(2026, 5, 1),
                    evidence_url: None,
                    na_reason: Some("line one\nline two".into()),
                    phase: None,
                }],
            }],
            risks: vec![],
            cost_lines: vec![],
        };
        assert_eq!(
            items_csv(&draft),
            "section,title,status,priority,owner,due_date,phase,evidence_url,na_reason\r\n\
             \"Backup, DR\",\"Say \"\"hello\"\"\",not_applicable,high,Ana,2026-05-01,,,\"line one\nline two\"\r\n"
        );
    }
}
