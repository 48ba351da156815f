//! Instants as seconds since the Unix epoch (UTC), read from RFC 3339 text
//! (`2025-03-28T13:05:11Z`, `2023-01-02T03:04:05.123+02:00`, `2023-01-02`). The study only
//! parses report dates and subtracts them, which does not need a calendar library.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Seconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

const DAY: i64 = 86_400;

impl Timestamp {
    /// Parse RFC 3339 (a date alone is midnight UTC). `None` for anything else.
    pub fn parse(text: &str) -> Option<Timestamp> {
        let text = text.trim();
        let b = text.as_bytes();
        let num = |range: std::ops::Range<usize>| -> Option<i64> {
            let part = b.get(range)?;
            part.iter().all(u8::is_ascii_digit).then_some(())?;
            std::str::from_utf8(part).ok()?.parse().ok()
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return None;
        }
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return None;
        }
        let days = days_from_civil(year, month, day);
        if b.len() == 10 {
            return Some(Timestamp(days * DAY));
        }
        if !matches!(b.get(10), Some(b'T' | b't' | b' ')) || b.get(13) != Some(&b':') {
            return None;
        }
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if b.get(16) != Some(&b':') || hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        let mut rest = &text[19..];
        if let Some(frac) = rest.strip_prefix('.') {
            let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
            rest = &frac[digits..];
        }
        let offset = match rest {
            "Z" | "z" | "" => 0,
            _ => {
                let sign = match rest.as_bytes()[0] {
                    b'+' => 1,
                    b'-' => -1,
                    _ => return None,
                };
                let o = rest.as_bytes();
                if o.len() != 6 || o[3] != b':' {
                    return None;
                }
                let h: i64 = rest.get(1..3)?.parse().ok()?;
                let m: i64 = rest.get(4..6)?.parse().ok()?;
                sign * (h * 3600 + m * 60)
            }
        };
        Some(Timestamp(
            days * DAY + hour * 3600 + minute * 60 + second - offset,
        ))
    }

    /// The date, `YYYY-MM-DD` (UTC).
    pub fn date(self) -> String {
        let (y, m, d) = civil_from_days(self.0.div_euclid(DAY));
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// Days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Timestamp) -> f64 {
        (later.0 - self.0) as f64 / DAY as f64
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

impl Serialize for Timestamp {
    /// As RFC 3339 UTC text, the form it is read from.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let secs = self.0.rem_euclid(DAY);
        s.serialize_str(&format!(
            "{}T{:02}:{:02}:{:02}Z",
            self.date(),
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        ))
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Timestamp::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not an RFC 3339 time: {text:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::Timestamp;

    #[test]
    fn rfc3339_forms_parse_to_the_same_instant() {
        let t = Timestamp::parse("2025-03-28T13:05:11Z").unwrap();
        assert_eq!(t.0, 1_743_167_111);
        assert_eq!(Timestamp::parse("2025-03-28T15:05:11.5+02:00"), Some(t));
        assert_eq!(t.date(), "2025-03-28");
        assert_eq!(Timestamp::parse("1970-01-01"), Some(Timestamp(0)));
        assert_eq!(Timestamp::parse("2024-02-29").unwrap().date(), "2024-02-29");
        let day = Timestamp::parse("2024-03-01").unwrap();
        assert_eq!(Timestamp::parse("2024-02-28").unwrap().days_until(day), 2.0);
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            "\"2025-03-28T13:05:11Z\""
        );
    }

    #[test]
    fn malformed_times_are_refused_without_panic() {
        for bad in [
            "",
            "2025",
            "2025-13-01",
            "2025-03-28T25:00:00Z",
            "2025-03-28T13:05:11+2",
            "2025-03-28X13:05:11Z",
            "२०२५-03-28",
            "2025-03-28T13:05:11é",
        ] {
            assert_eq!(Timestamp::parse(bad), None, "{bad}");
        }
    }
}
