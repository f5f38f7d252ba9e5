//! One made-up document per shape that real readiness documents take (issue 14):
//! tables of checks, numbered task lists, comments and code, a risk register, a cost
//! table, cost sections with subtotals and totals, savings strategies.

use super::*;
use crate::model::{CostCategory, CostKind};
use chrono::NaiveDate;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
}

fn import(text: &str) -> ImportPreview {
    import_markdown(text, today()).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

const RISK_REGISTER: &str = "# Billing service

## Risk Register

### High Risks

### R1: Single region deployment

**Likelihood:** 2
**Impact:** 5
**Risk Level:** 10 (HIGH)
**Owner:** Platform team
**Status:** Open

**Mitigation:**
- Multi-AZ first
- Cross-region backups

**Contingency:**
- Restore in a second region from backups

### R2: Vendor lock-in

**Likelihood:** 3
**Impact:** 4
**Risk Score:** 15 (HIGH)
**Owner:** Architecture
**Status:** Mitigating

**Mitigation:**
- Keep the data layer behind an interface

### R3: Key person dependency

- **Likelihood**: 4
- **Impact**: 2
- **Risk Level**: 8 (CRITICAL)
- **Status**: Accepted

#### Mitigation
- Pair on every on-call change
- Write runbooks

#### Contingency
1. Call the vendor's support line
";

fn dump(p: &ImportPreview) -> String {
    format!(
        "{:#?}\n{:#?}\n{:#?}\n{:#?}",
        p.draft, p.recognised, p.skipped, p.discrepancies
    )
}

#[test]
fn risk_register_of_headings_with_bold_fields() {
    let p = import(RISK_REGISTER);
    let d = &p.draft;
    let risks: Vec<_> = d
        .risks
        .iter()
        .map(|r| {
            (
                r.title.as_str(),
                r.likelihood,
                r.impact,
                r.status,
                r.owner.as_str(),
            )
        })
        .collect();
    use crate::model::RiskStatus::*;
    assert_eq!(
        risks,
        [
            ("Single region deployment", 2, 5, Open, "Platform team"),
            ("Vendor lock-in", 3, 4, Mitigating, "Architecture"),
            ("Key person dependency", 4, 2, Accepted, ""),
        ],
        "{}",
        dump(&p)
    );
    assert_eq!(
        d.risks[0].mitigation,
        "Multi-AZ first\nCross-region backups\nContingency:\nRestore in a second region from backups"
    );
    assert_eq!(
        d.risks[2].mitigation,
        "Pair on every on-call change\nWrite runbooks\nContingency:\nCall the vendor's support line"
    );
    // The mitigation and contingency sub-headings belong to the risk: no checklist.
    assert!(d.sections.is_empty(), "{}", dump(&p));
    // 15 is not 3 × 4; 8 is 4 × 2 but "critical" is not its level. 10 (HIGH) agrees.
    let found: Vec<_> = p
        .discrepancies
        .iter()
        .map(|x| (x.line, x.kind, x.subject.as_str(), x.found.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (
                26,
                DiscrepancyKind::RiskScore,
                "Vendor lock-in",
                "3 × 4 = 12 (high)"
            ),
            (
                37,
                DiscrepancyKind::RiskScore,
                "Key person dependency",
                "4 × 2 = 8 (medium)"
            ),
        ]
    );
    assert_eq!(
        p.discrepancies[0].message(),
        "risk score 15 (HIGH) stated, 3 × 4 = 12 (high) from likelihood × impact; not used"
    );
    assert!(
        p.recognised
            .iter()
            .any(|r| r.line == 11 && r.summary.contains("agrees"))
    );
    // "High Risks" above R1 does not change R1's own 2 × 5.
    assert_eq!(p.skipped.len(), 1, "{:?}", p.skipped);
}

#[test]
fn a_risk_without_its_own_scores_takes_the_stated_level() {
    let p = import(
        "## Risks\n\n### Critical Risks\n\n#### RISK-007 — Data loss\n\n**Impact:** 5\n**Risk Level:** HIGH\n",
    );
    let r = &p.draft.risks[0];
    assert_eq!(
        (r.title.as_str(), r.likelihood, r.impact),
        ("Data loss", 4, 5)
    );
    assert!(p.discrepancies.is_empty());
}

const CHECK_TABLES: &str = "# Edge gateway

## Readiness checks

| Area | Check | Level | Scope | Status |
|------|-------|:-----:|-------|--------|
| Security | TLS on every listener | C | All endpoints | ✅ |
| Security | WAF in front of the API | B | Public APIs | [x] |
| Reliability | Multi-AZ deployment | C | All services | No |
| Reliability | Chaos game day | A | Tier 1 | In progress |
| Observability | SLOs defined | B | | Done |

## Launch list

| | Item | Owner | Done? |
|---|---|---|---|
| 🔴 | Rollback runbook | Ana | ✓ |
| 🟡 | Load test at 2x peak | Bo | ❌ |
| 🟢 | Status page | | Yes |
| 🔴 | | | |

## Contacts

| Name | Phone |
|------|-------|
| Ana | 555-0100 |
| Bo | 555-0101 |
";

#[test]
fn tables_of_checks_with_levels_and_status() {
    let p = import(CHECK_TABLES);
    let d = &p.draft;
    let sections: Vec<_> = d
        .sections
        .iter()
        .map(|s| (s.name.as_str(), s.items.len()))
        .collect();
    assert_eq!(
        sections,
        [
            ("Security", 2),
            ("Reliability", 2),
            ("Observability", 1),
            ("Launch list", 3)
        ],
        "{}",
        dump(&p)
    );
    use crate::model::{ItemStatus::*, Priority::*};
    let items: Vec<_> = d
        .sections
        .iter()
        .flat_map(|s| &s.items)
        .map(|i| (i.title.as_str(), i.priority, i.status))
        .collect();
    assert_eq!(
        items,
        [
            ("TLS on every listener", Critical, Done),
            ("WAF in front of the API", High, Done),
            ("Multi-AZ deployment", Critical, Todo),
            ("Chaos game day", Medium, InProgress),
            ("SLOs defined", High, Done),
            ("Rollback runbook", Critical, Done),
            ("Load test at 2x peak", Medium, Todo),
            ("Status page", Low, Done),
        ]
    );
    assert_eq!(d.sections[0].items[0].detail, "Scope: All endpoints");
    assert_eq!(d.sections[3].items[0].owner, "Ana");
    // The row without a check, and the contacts table, are listed as skipped.
    let skipped: Vec<_> = p
        .skipped
        .iter()
        .map(|s| (s.line, s.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [
            (20, "table row without a check, not imported"),
            (22, "heading with nothing importable under it"),
            (
                24,
                "table with no status, level or amount column, not imported (2 rows)"
            ),
        ],
        "{}",
        dump(&p)
    );
    assert!(
        p.skipped[2]
            .text
            .starts_with("lines 24–27: | Name | Phone |")
    );
}

#[test]
fn numbered_task_lists_are_items() {
    let p = import(
        "# Auth\n\n## Security review\n\n1. [ ] Threat model reviewed\n2. [x] Pen test booked\n3. Not a box\n   1. [x] Nested box\n\n- [ ] Plain box\n",
    );
    let items: Vec<_> = p
        .draft
        .sections
        .iter()
        .flat_map(|s| &s.items)
        .map(|i| (i.title.as_str(), i.status))
        .collect();
    use crate::model::ItemStatus::*;
    assert_eq!(
        items,
        [
            ("Threat model reviewed", Todo),
            ("Pen test booked", Done),
            ("Nested box", Done),
            ("Plain box", Todo),
        ],
        "{}",
        dump(&p)
    );
    assert_eq!(p.skipped.len(), 1);
    assert_eq!(p.skipped[0].line, 7);
}

#[test]
fn comments_code_and_front_matter_are_not_read() {
    let text = "---\ntitle: Not the name\nowner: nobody\n---\n\n# Worker\n\n## Checklist\n\n- [ ] Real item\n<!--\n- [ ] Hidden in a comment\n## Not a heading\n-->\n\n```sh\n# not a heading either\n- [ ] not an item\n```\n\n    - [ ] indented code\n\n- [x] Second real item <!-- note -->\n";
    let p = import(text);
    let d = &p.draft;
    assert_eq!(d.name, "Worker");
    let titles: Vec<_> = d
        .sections
        .iter()
        .flat_map(|s| &s.items)
        .map(|i| i.title.as_str())
        .collect();
    assert_eq!(titles, ["Real item", "Second real item"], "{}", dump(&p));
    assert_eq!(section_count(&p), 1);
    let skipped: Vec<_> = p
        .skipped
        .iter()
        .map(|s| (s.line, s.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [
            (1, "front matter (4 lines), not imported"),
            (11, "HTML comment (4 lines), not imported"),
            (16, "code block (2 lines), not imported"),
            (21, "code block (1 lines), not imported"),
        ]
    );
    // Line numbers count the front matter.
    assert_eq!(p.recognised[0].line, 6);
}

fn section_count(p: &ImportPreview) -> usize {
    p.draft.sections.len()
}

fn cost_lines(p: &ImportPreview) -> Vec<(&str, CostKind, i64, CostCategory)> {
    p.draft
        .cost_lines
        .iter()
        .map(|l| (l.name.as_str(), l.kind, l.monthly_cents, l.category))
        .collect()
}

fn discrepancies(p: &ImportPreview) -> Vec<(usize, String)> {
    p.discrepancies
        .iter()
        .map(|d| (d.line, d.message()))
        .collect()
}

const COST_TABLE: &str = "# Web shop

## Cost Estimate

| Service | Monthly Cost | Notes |
|---------|-------------:|-------|
| EKS control plane | $73.00 | one cluster |
| RDS PostgreSQL db.t4g.medium | $58.40 | Multi-AZ |
| NAT Gateway | $32.85 | |
| CloudWatch Logs | $12.40 | 25 GB |
| Secrets Manager | Free | first 30 days |
| Support plan | TBD | |
| **Total** | **$176.65** | |

### Summary

| Period | Total |
|--------|------:|
| Monthly | $176.65 |
| Annual | $2,200.00 |
";

#[test]
fn a_cost_table_gives_cost_lines_and_stated_totals() {
    let p = import(COST_TABLE);
    use CostCategory::*;
    use CostKind::Baseline;
    assert_eq!(
        cost_lines(&p),
        [
            ("EKS control plane", Baseline, 7300, Compute),
            ("RDS PostgreSQL db.t4g.medium", Baseline, 5840, Database),
            ("NAT Gateway", Baseline, 3285, Networking),
            ("CloudWatch Logs", Baseline, 1240, MonitoringLogging),
            ("Secrets Manager", Baseline, 0, SecurityCompliance),
        ],
        "{}",
        dump(&p)
    );
    // The total row and the monthly figure agree with the lines; the annual does not.
    assert_eq!(
        discrepancies(&p),
        [(20, "$2,200.00 stated, $2,119.80 summed".to_string())]
    );
    let totals: Vec<_> = p
        .recognised
        .iter()
        .filter(|r| r.kind == ImportKind::Total)
        .map(|r| {
            (
                r.line,
                r.summary.ends_with("agrees with the lines it covers"),
            )
        })
        .collect();
    assert_eq!(totals, [(13, true), (19, true), (20, false)]);
    let skipped: Vec<_> = p
        .skipped
        .iter()
        .map(|s| (s.line, s.reason.as_str()))
        .collect();
    assert_eq!(skipped, [(12, "table row without an amount, not imported")]);
}

const COST_SECTIONS: &str = "# Ledger API

## Cost Estimate

### Compute
- **App servers**: 2x c6g.large = $98/month
- **Bastion**: t4g.nano = $3.07/month
**Subtotal**: ~$101/month

### Database (RDS)
**Primary**: db.r6g.large Multi-AZ = $350.40/month
**Read replica**: $175.20/month
**Subtotal**: $500.00/month

### Security & Compliance
**Secrets**: Free
**WAF**: $11/month
**Subtotal**: $11/month

### Networking
- **ALB**: $22.50/month
- **Data transfer**: ~$9/month

**Total Estimated Monthly Cost**: $669.17/month

## Cost Optimization

### 1. Reserved Instances
Commit to one year for the database.
**Estimated Savings**: $105/month

### 2. Right-sizing
**Current**: $98/month
**Estimated Savings**: ~$30/month

**Optimized Monthly Cost**: $550.00/month
";

#[test]
fn cost_sections_with_subtotals_totals_and_savings() {
    let p = import(COST_SECTIONS);
    use CostCategory::*;
    use CostKind::{Baseline, Saving};
    assert_eq!(
        cost_lines(&p),
        [
            ("App servers", Baseline, 9800, Compute),
            ("Bastion", Baseline, 307, Compute),
            ("Primary", Baseline, 35040, Database),
            ("Read replica", Baseline, 17520, Database),
            ("Secrets", Baseline, 0, SecurityCompliance),
            ("WAF", Baseline, 1100, SecurityCompliance),
            ("ALB", Baseline, 2250, Networking),
            ("Data transfer", Baseline, 900, Networking),
            ("Reserved Instances", Saving, -10500, Compute),
            ("Right-sizing", Saving, -3000, Other),
        ],
        "{}",
        dump(&p)
    );
    let start = NaiveDate::from_ymd_opt(2026, 12, 1);
    assert!(
        p.draft
            .cost_lines
            .iter()
            .filter(|l| l.kind == Saving)
            .all(|l| l.start_month == start)
    );
    // "~$101" is within rounding of $101.07; the database subtotal and the optimised
    // figure are not what their lines give. The total agrees.
    assert_eq!(
        discrepancies(&p),
        [
            (13, "$500.00 stated, $525.60 summed".to_string()),
            (36, "$550.00 stated, $534.17 summed".to_string()),
        ],
        "{}",
        dump(&p)
    );
    let totals: Vec<_> = p
        .recognised
        .iter()
        .filter(|r| r.kind == ImportKind::Total)
        .map(|r| r.line)
        .collect();
    assert_eq!(totals, [8, 13, 18, 24, 36]);
    let baseline: i64 = p
        .draft
        .cost_lines
        .iter()
        .filter(|l| l.kind == Baseline)
        .map(|l| l.monthly_cents)
        .sum();
    assert_eq!(baseline, 66917);
    // The strategy's "Current" figure is context, not a line.
    assert!(
        p.skipped
            .iter()
            .any(|s| s.line == 33 && s.reason.contains("before or after"))
    );
    let sections: Vec<_> = p.draft.sections.iter().map(|s| s.name.as_str()).collect();
    assert!(sections.is_empty(), "{sections:?}");
}

#[test]
fn risk_tables_give_one_risk_per_row() {
    let p = import(
        "# S\n\n## Risks\n\n| Risk | Likelihood | Impact | Owner | Mitigation |\n|---|---|---|---|---|\n| Vendor lock-in | 3 | 4 | Ana | Abstractions |\n| Data loss | Low | 5 | | Backups |\n\n## Known limitations\n\n| Limitation | Severity |\n|---|---|\n| Single region | High |\n",
    );
    let risks: Vec<_> = p
        .draft
        .risks
        .iter()
        .map(|r| {
            (
                r.title.as_str(),
                r.likelihood,
                r.impact,
                r.owner.as_str(),
                r.mitigation.as_str(),
            )
        })
        .collect();
    assert_eq!(
        risks,
        [
            ("Vendor lock-in", 3, 4, "Ana", "Abstractions"),
            ("Data loss", 2, 5, "", "Backups"),
            ("Single region", 4, 4, "", ""),
        ],
        "{}",
        dump(&p)
    );
    assert!(p.draft.sections.is_empty());
}

const SAVINGS: &str = "# Search

## Monthly Costs
- **OpenSearch cluster**: 3x r6g.large = $360/month
- **Workers**: $140/month

## Cost Optimization Strategies

### Reserved Instances
Commit the cluster for a year.
- **Estimated Savings**: ~$110/month
- **Effort**: low

### Right-sizing
- **Current**: $140/month
- **After**: $100/month
- **Monthly savings**: $40/month

### Spot workers: -$25/month

**Total Savings**: $175/month
**Target Monthly Cost**: $325/month
";

#[test]
fn savings_take_their_strategy_names() {
    let p = import(SAVINGS);
    use CostCategory::*;
    use CostKind::{Baseline, Saving};
    assert_eq!(
        cost_lines(&p),
        [
            ("OpenSearch cluster", Baseline, 36000, Database),
            ("Workers", Baseline, 14000, Other),
            ("Reserved Instances", Saving, -11000, Compute),
            ("Right-sizing", Saving, -4000, Other),
        ],
        "{}",
        dump(&p)
    );
    // $110 + $40 is $150 of savings, not the $175 stated; $500 − $150 is the $350
    // target, not the stated $325. Neither is taken as a saving.
    assert_eq!(
        discrepancies(&p),
        [
            (21, "$175.00 stated, $150.00 summed".to_string()),
            (22, "$325.00 stated, $350.00 summed".to_string()),
        ],
        "{}",
        dump(&p)
    );
    let skipped: Vec<_> = p.skipped.iter().map(|s| s.line).collect();
    assert_eq!(skipped, [10, 12, 15, 16], "{:?}", p.skipped);
    assert!(p.draft.sections.is_empty());
}
