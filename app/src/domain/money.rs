//! Money is integer cents; this formats it the way the seeds write it.

/// `123456` → `"$1,234.56"`, `-4200` → `"-$42.00"`.
pub fn format_cents(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let dollars = abs / 100;
    let rest = abs % 100;
    let digits = dollars.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}${grouped}.{rest:02}")
}

/// Like [`format_cents`] with an explicit `+` for increases: `"+$15.00"`.
pub fn format_cents_change(cents: i64) -> String {
    if cents > 0 {
        format!("+{}", format_cents(cents))
    } else {
        format_cents(cents)
    }
}

/// Parses an amount typed by a person: `15`, `15.5`, `+15.00`, `-4.20`, `$1,216.00`,
/// `-$42`. At most two decimals; the result is in cents.
pub fn parse_cents(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let (negative, rest) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let rest = rest
        .trim_start()
        .strip_prefix('$')
        .unwrap_or(rest.trim_start());
    let cleaned: String = rest.chars().filter(|c| *c != ',').collect();
    let (whole, fraction) = match cleaned.split_once('.') {
        Some((w, f)) => (w, f),
        None => (cleaned.as_str(), ""),
    };
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty())
        || !digits_only(whole)
        || !digits_only(fraction)
        || fraction.len() > 2
    {
        return Err(format!(
            "{text:?} is not an amount in dollars and cents, such as 15.00 or -4.20"
        ));
    }
    let dollars: i64 = if whole.is_empty() {
        0
    } else {
        whole
            .parse()
            .map_err(|_| format!("{text:?} is too large"))?
    };
    let cents: i64 = format!("{fraction:0<2}").parse().unwrap_or(0);
    let total = dollars
        .checked_mul(100)
        .and_then(|d| d.checked_add(cents))
        .filter(|v| *v <= 100_000_000_000)
        .ok_or_else(|| format!("{text:?} is too large"))?;
    Ok(if negative { -total } else { total })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_people_type() {
        assert_eq!(parse_cents("15"), Ok(1500));
        assert_eq!(parse_cents("+15.00"), Ok(1500));
        assert_eq!(parse_cents("15.5"), Ok(1550));
        assert_eq!(parse_cents("-4.20"), Ok(-420));
        assert_eq!(parse_cents(" $1,216.00 "), Ok(121600));
        assert_eq!(parse_cents("-$42"), Ok(-4200));
        assert_eq!(parse_cents(".5"), Ok(50));
        assert_eq!(parse_cents("0"), Ok(0));
        for bad in [
            "",
            "abc",
            "1.234",
            "1.2.3",
            "--1",
            "$",
            "1e5",
            "12 34",
            "99999999999999999999",
        ] {
            assert!(parse_cents(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn formats_like_the_seeds() {
        assert_eq!(format_cents(121600), "$1,216.00");
        assert_eq!(format_cents(30883), "$308.83");
        assert_eq!(format_cents(0), "$0.00");
        assert_eq!(format_cents(5), "$0.05");
        assert_eq!(format_cents(454596), "$4,545.96");
        assert_eq!(format_cents(100_000_000), "$1,000,000.00");
        assert_eq!(format_cents(-4200), "-$42.00");
        assert_eq!(format_cents(i64::MIN), "-$92,233,720,368,547,758.08");
    }

    #[test]
    fn changes_carry_a_sign() {
        assert_eq!(format_cents_change(1500), "+$15.00");
        assert_eq!(format_cents_change(-1500), "-$15.00");
        assert_eq!(format_cents_change(0), "$0.00");
    }
}
