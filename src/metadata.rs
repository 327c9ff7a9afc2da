//! Turning text that `lift` rules captured into metadata values: dates into ISO 8601, wire
//! credits into agency short names. Pure functions; no dates library is needed for the few
//! shapes news templates print.

/// Parses a UTC offset as rule files write it: `Z`, `+08:00`, `-0500`. Returns minutes east.
pub fn parse_offset(text: &str) -> Option<i32> {
    let t = text.trim();
    if t == "Z" || t.eq_ignore_ascii_case("utc") {
        return Some(0);
    }
    let (sign, rest) = match t.as_bytes().first()? {
        b'+' => (1, &t[1..]),
        b'-' => (-1, &t[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..].parse().ok()?;
    (hours <= 14 && minutes < 60).then_some(sign * (hours * 60 + minutes))
}

fn format_offset(minutes: i32) -> String {
    if minutes == 0 {
        return "Z".to_string();
    }
    let sign = if minutes < 0 { '-' } else { '+' };
    format!("{sign}{:02}:{:02}", minutes.abs() / 60, minutes.abs() % 60)
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month_number(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| {
            *m == w || (w.len() >= 3 && m.starts_with(&w) && (w.len() == 3 || w == "sept"))
        })
        .map(|i| i as u32 + 1)
}

/// Parses a date as news templates print it (`Thursday, 03 January, 2019, 12:01pm`,
/// `January 3, 2019 9:12 PM`, `2019-01-03`) into ISO 8601, with `offset` (minutes east) when
/// the time is known. Returns `None` for anything it cannot read without guessing
/// (e.g. `01/03/2019`).
pub fn parse_date(text: &str, offset: Option<i32>) -> Option<String> {
    let t = text.trim();
    if let Some(iso) = parse_iso(t) {
        return Some(iso);
    }
    let lower = t.to_ascii_lowercase();
    let mut time: Option<(u32, u32)> = None;
    let mut words: Vec<&str> = Vec::new();
    let bytes = lower.as_bytes();
    // Pull the clock time out first: `12:01pm`, `9:12 PM`, `21:05`, `9:12 p.m.`.
    let mut rest = lower.as_str();
    if let Some(colon) = lower.find(':') {
        // The digits before the colon; counted in bytes, they are ASCII (a non-ASCII letter
        // right before them must not be cut in half).
        let start = colon
            - lower[..colon]
                .bytes()
                .rev()
                .take_while(u8::is_ascii_digit)
                .count();
        let h: u32 = lower[start..colon].parse().ok()?;
        let m_end = colon
            + 1
            + lower[colon + 1..]
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(lower.len() - colon - 1);
        let m: u32 = lower[colon + 1..m_end].parse().ok()?;
        let after = lower[m_end..].trim_start();
        let meridiem = if after.starts_with("pm") || after.starts_with("p.m.") {
            Some(true)
        } else if after.starts_with("am") || after.starts_with("a.m.") {
            Some(false)
        } else {
            None
        };
        let h = match meridiem {
            Some(_) if h == 0 || h > 12 => return None,
            Some(true) if h < 12 => h + 12,
            Some(false) if h == 12 => 0,
            _ => h,
        };
        if h > 23 || m > 59 || bytes.get(start.wrapping_sub(1)) == Some(&b'/') {
            return None;
        }
        time = Some((h, m));
        rest = &lower[..start];
    }
    words.extend(
        rest.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty()),
    );
    let month = words.iter().find_map(|w| month_number(w))?;
    let year: i32 = words
        .iter()
        .find(|w| w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()))?
        .parse()
        .ok()?;
    let day: u32 = words
        .iter()
        .filter(|w| (1..=2).contains(&w.len()) || ordinal(w).is_some())
        .find_map(|w| ordinal(w).or_else(|| w.parse().ok()))?;
    if !(1..=days_in_month(year, month)).contains(&day) {
        return None;
    }
    let date = format!("{year:04}-{month:02}-{day:02}");
    Some(match time {
        Some((h, m)) => format!(
            "{date}T{h:02}:{m:02}:00{}",
            offset.map(format_offset).unwrap_or_default()
        ),
        None => date,
    })
}

fn ordinal(word: &str) -> Option<u32> {
    let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &word[digits.len()..];
    if matches!(suffix, "st" | "nd" | "rd" | "th") && (1..=2).contains(&digits.len()) {
        digits.parse().ok()
    } else {
        None
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn parse_iso(t: &str) -> Option<String> {
    let b = t.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' || !t.is_char_boundary(10) {
        return None;
    }
    let year: i32 = t[..4].parse().ok()?;
    let month: u32 = t[5..7].parse().ok()?;
    let day: u32 = t[8..10].parse().ok()?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(t.split_whitespace().next()?.to_string())
}

/// Wire agencies by the names credits use, and the short name newsclean reports.
const AGENCIES: [(&str, &str); 22] = [
    ("agence france-presse", "AFP"),
    ("agence france presse", "AFP"),
    ("afp", "AFP"),
    ("associated press", "AP"),
    ("the associated press", "AP"),
    ("ap", "AP"),
    ("thomson reuters", "Reuters"),
    ("reuters", "Reuters"),
    ("bloomberg", "Bloomberg"),
    ("deutsche presse-agentur", "dpa"),
    ("dpa", "dpa"),
    ("xinhua", "Xinhua"),
    ("press association", "PA"),
    ("pa media", "PA"),
    ("ansa", "ANSA"),
    ("efe", "EFE"),
    ("kyodo", "Kyodo"),
    ("yonhap", "Yonhap"),
    ("upi", "UPI"),
    ("united press international", "UPI"),
    ("tass", "TASS"),
    ("cnn wire", "CNN"),
];

/// Splits a credit such as `Reuters and Agence France-Presse` into agency short names; a name
/// that is no known agency is kept as written.
/// The current time as ISO 8601 UTC (`2026-12-07T13:05:09Z`), for Dolma's `added`.
pub fn now_iso8601() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    iso8601_utc(secs)
}

/// Seconds since the Unix epoch as ISO 8601 UTC (Howard Hinnant's `civil_from_days`).
fn iso8601_utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rest = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

pub fn normalize_credits(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let cleaned = text.trim().trim_end_matches('.');
    for part in cleaned
        .split([',', ';', '/', '&'])
        .flat_map(|p| p.split(" and "))
    {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let lower = part.to_lowercase();
        let name = AGENCIES
            .iter()
            .find(|(k, _)| *k == lower)
            .map_or_else(|| part.to_string(), |(_, v)| v.to_string());
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scmp_dates() {
        let hkt = parse_offset("+08:00");
        assert_eq!(
            parse_date("Thursday, 03 January, 2019, 12:01pm", hkt).as_deref(),
            Some("2019-01-03T12:01:00+08:00")
        );
        assert_eq!(
            parse_date("Thursday, 03 January, 2019, 9:12pm", hkt).as_deref(),
            Some("2019-01-03T21:12:00+08:00")
        );
        assert_eq!(
            parse_date("Thursday, 03 January, 2019, 12:30am", None).as_deref(),
            Some("2019-01-03T00:30:00")
        );
    }

    #[test]
    fn other_shapes() {
        assert_eq!(
            parse_date("January 3rd, 2019", None).as_deref(),
            Some("2019-01-03")
        );
        assert_eq!(
            parse_date("Sept. 30, 2020 9:05 PM", parse_offset("-04:00")).as_deref(),
            Some("2020-09-30T21:05:00-04:00")
        );
        assert_eq!(
            parse_date("2019-01-03T12:01:00Z", None).as_deref(),
            Some("2019-01-03T12:01:00Z")
        );
        assert_eq!(parse_date("01/03/2019", None), None);
        assert_eq!(parse_date("February 30, 2019", None), None);
        assert_eq!(parse_date("yesterday", None), None);
    }

    #[test]
    fn non_ascii_next_to_digits_does_not_panic() {
        // Regression (found by tests/reliability.rs): slicing inside a multi-byte character.
        assert_eq!(parse_date("é12:30 January 3 2019", None), None);
        assert_eq!(
            parse_date("January 3, 2019, é12:30", None).as_deref(),
            Some("2019-01-03T12:30:00")
        );
        assert_eq!(parse_date("2019-01-1é", None), None);
        assert_eq!(
            parse_date("2019-01-10é", None).as_deref(),
            Some("2019-01-10é")
        );
    }

    #[test]
    fn utc_timestamps() {
        assert_eq!(iso8601_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso8601_utc(1_796_649_909), "2026-12-07T13:25:09Z");
    }

    #[test]
    fn offsets() {
        assert_eq!(parse_offset("+08:00"), Some(480));
        assert_eq!(parse_offset("-0530"), Some(-330));
        assert_eq!(parse_offset("Z"), Some(0));
        assert_eq!(parse_offset("HKT"), None);
    }

    #[test]
    fn credits() {
        assert_eq!(normalize_credits("Agence France-Presse"), ["AFP"]);
        assert_eq!(
            normalize_credits("Reuters and The Associated Press."),
            ["Reuters", "AP"]
        );
        assert_eq!(normalize_credits("Jane Doe"), ["Jane Doe"]);
    }
}
