//! Single lines as fields and amounts: `**Key**: value`, `Label: $12.50/month`,
//! `**Name**: 2x c6g.large = $98/month`, the labels of stated totals, and the status
//! words of items and risks.

use super::*;

/// `**Key**: value`, `**Key:** value`, `*Key*: value` or a plain `Key: value` with a
/// short key. Returns the key (emphasis removed), the value, and whether it was bold.
pub(super) fn field(text: &str) -> Option<(String, String, bool)> {
    let t = text.trim();
    for mark in ["**", "__", "*", "_"] {
        if let Some(rest) = t.strip_prefix(mark)
            && let Some(end) = rest.find(mark)
        {
            let key = rest[..end].trim();
            let after = rest[end + mark.len()..].trim_start();
            let (key, value) = if let Some(k) = key.strip_suffix(':') {
                (k.trim(), after)
            } else if let Some(v) = after.strip_prefix(':') {
                (key, v)
            } else {
                continue;
            };
            if key.is_empty() {
                return None;
            }
            return Some((plain(key), value.trim().to_string(), true));
        }
    }
    let (key, value) = t
        .split_once(": ")
        .or_else(|| t.strip_suffix(':').map(|k| (k, "")))?;
    let short = !key.is_empty()
        && key.split_whitespace().count() <= 4
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || " -/&'".contains(c));
    short.then(|| (key.trim().to_string(), value.trim().to_string(), false))
}

pub(super) struct Money {
    pub(super) label: String,
    pub(super) cents: i64,
    pub(super) rest: String,
    /// Written as approximate ("~$140", "approx. $140").
    pub(super) approx: bool,
    /// Written as a change ("+$70/month"): compared with the additions.
    pub(super) change: bool,
}

pub(super) fn approximate(text: &str) -> bool {
    let t = text.trim_start().to_lowercase();
    ["~", "≈", "approx", "about", "ca.", "around"]
        .iter()
        .any(|p| t.starts_with(p))
}

/// The amount a field's value ends in after `=`: "2x c6g.large = $98/month".
pub(super) fn amount_after_equals(value: &str) -> Option<(usize, i64)> {
    value
        .match_indices('=')
        .rev()
        .find_map(|(i, _)| leading_amount(&value[i + 1..]).map(|(c, _)| (i + 1, c)))
}

/// `Label: $12.50/month (Category)`: the last `:` (or " - ") followed by an amount.
pub(super) fn money_line(text: &str) -> Option<Money> {
    let p = plain(text);
    let mut best: Option<(usize, usize)> = None;
    for (idx, _) in p.match_indices(':') {
        if leading_amount(&p[idx + 1..]).is_some() {
            best = Some((idx, 1));
        }
    }
    if best.is_none() {
        for sep in [" - ", " – ", " — "] {
            if let Some(idx) = p.rfind(sep)
                && leading_amount(&p[idx + sep.len()..]).is_some()
            {
                best = Some((idx, sep.len()));
                break;
            }
        }
    }
    if best.is_none()
        && let Some(colon) = p.find(':')
        && let Some((eq, _)) = amount_after_equals(&p[colon + 1..])
    {
        let label = clean_heading(&p[..colon]);
        let after = &p[colon + 1 + eq..];
        let (cents, rest) = leading_amount(after)?;
        let what = p[colon + 1..colon + eq].trim_end_matches('=').trim();
        return (!label.is_empty()).then(|| Money {
            label,
            cents,
            rest: format!("{rest} {what}"),
            approx: approximate(after),
            change: after.trim_start().starts_with('+'),
        });
    }
    let (idx, len) = best?;
    let after = &p[idx + len..];
    let (cents, rest) = leading_amount(after)?;
    let label = clean_heading(&p[..idx]);
    (!label.is_empty()).then(|| Money {
        label,
        cents,
        rest: rest.to_string(),
        approx: approximate(after),
        change: after.trim_start().starts_with('+'),
    })
}

pub(super) fn is_total_label(label: &str) -> bool {
    let w = words(label);
    w.iter()
        .any(|x| matches!(x.as_str(), "total" | "subtotal" | "totals" | "sum"))
        || (!w.is_empty()
            && w.iter().all(|x| {
                matches!(
                    x.as_str(),
                    "monthly"
                        | "annual"
                        | "annually"
                        | "yearly"
                        | "cost"
                        | "costs"
                        | "now"
                        | "month"
                        | "year"
                        | "per"
                        | "estimated"
                        | "run"
                        | "rate"
                        | "new"
                        | "optimized"
                        | "optimised"
                        | "target"
                        | "projected"
                        | "final"
                        | "grand"
                        | "overall"
                        | "infrastructure"
                )
            }))
}

pub(super) fn status_word(text: &str) -> Option<ItemStatus> {
    let t = text.trim().to_lowercase().replace(['-', '_'], " ");
    match t.as_str() {
        "todo" | "to do" | "open" => Some(ItemStatus::Todo),
        "in progress" | "doing" | "started" => Some(ItemStatus::InProgress),
        "done" | "complete" | "completed" => Some(ItemStatus::Done),
        "n/a" | "na" | "not applicable" => Some(ItemStatus::NotApplicable),
        _ => None,
    }
}

/// A risk's status as documents write it: Open / New / Identified / Active → open;
/// Mitigating / In progress / Monitoring / Ongoing → mitigating; Accepted /
/// Tolerated → accepted; Closed / Resolved / Mitigated / Done → closed.
pub(super) fn risk_status(text: &str) -> Option<RiskStatus> {
    let w = words(text);
    match w.first()?.as_str() {
        "open" | "new" | "identified" | "active" => Some(RiskStatus::Open),
        "mitigating" | "monitoring" | "monitored" | "ongoing" | "reducing" => {
            Some(RiskStatus::Mitigating)
        }
        "in" if w.get(1).is_some_and(|x| x == "progress") => Some(RiskStatus::Mitigating),
        "accepted" | "accept" | "tolerated" => Some(RiskStatus::Accepted),
        "closed" | "resolved" | "mitigated" | "done" | "retired" => Some(RiskStatus::Closed),
        other => other.parse().ok(),
    }
}
