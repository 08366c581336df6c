//! Calendar dates and date-times from front matter.
//!
//! Dates may be written as bare TOML dates (`2024-03-01`) or as strings
//! (`"2024-03-01"`). Both are checked for a real calendar day, so
//! `2024-02-30` is an error pointing at the value.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, e.g. 2024.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u32,
    /// Day of the month, 1 to 31.
    pub day: u32,
}

/// A date with an optional time of day, for events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DateTime {
    /// The day.
    pub date: Date,
    /// Hours and minutes, when given.
    pub time: Option<(u32, u32)>,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Date {
    /// Builds a date, checking that the day exists.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.splitn(3, '-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        let day_str = parts.next()?;
        if day_str.len() != 2 {
            return None;
        }
        Date::new(year, month, day_str.parse().ok()?)
    }

    /// Today's date in UTC, from the system clock.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days((secs / 86_400) as i64)
    }

    /// The date `days` after 1970-01-01 (Howard Hinnant's civil_from_days).
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Says why `text` is not a date, in an editor's words.
    pub fn explain_invalid(text: &str) -> String {
        let parts: Vec<Option<i64>> = text.split('-').map(|p| p.parse().ok()).collect();
        if let [Some(y), Some(m), Some(d)] = parts[..] {
            if !(1..=12).contains(&m) {
                return format!("\"{text}\" is not a date: there is no month {m}");
            }
            let days = (28..=31)
                .rev()
                .find(|n| Date::new(y as i32, m as u32, *n).is_some())
                .unwrap_or(31);
            if d < 1 || d > i64::from(days) {
                let month = MONTHS[(m - 1) as usize];
                return format!("\"{text}\" is not a date: {month} {y} has {days} days");
            }
        }
        format!("\"{text}\" is not a date: write it as YYYY-MM-DD, e.g. 2024-03-01")
    }

    /// Days since 1970-01-01 (negative before), for date arithmetic.
    pub fn days_since_epoch(&self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Long English form, e.g. "1 March 2024".
    pub fn display(&self) -> String {
        format!(
            "{} {} {}",
            self.day,
            MONTHS[(self.month - 1) as usize],
            self.year
        )
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl DateTime {
    /// Parses `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS]` (a space may replace the `T`).
    pub fn parse(s: &str) -> Option<DateTime> {
        let (date, time) = match s.split_once(['T', ' ']) {
            Some((d, t)) => (d, Some(t)),
            None => (s, None),
        };
        let date = Date::parse(date)?;
        let time = match time {
            None => None,
            Some(t) => {
                let mut parts = t.split(':');
                let h: u32 = parts.next()?.parse().ok()?;
                let m: u32 = parts.next()?.get(..2)?.parse().ok()?;
                (h < 24 && m < 60).then_some((h, m))?.into()
            }
        };
        Some(DateTime { date, time })
    }

    /// Long form, e.g. "10 March 2027, 09:30".
    pub fn display(&self) -> String {
        match self.time {
            Some((h, m)) => format!("{}, {h:02}:{m:02}", self.date.display()),
            None => self.date.display(),
        }
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.time {
            Some((h, m)) => write!(f, "{}T{h:02}:{m:02}", self.date),
            None => write!(f, "{}", self.date),
        }
    }
}

/// Reads a TOML date or string value as text, for the parsers above.
fn date_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match toml::Value::deserialize(d)? {
        toml::Value::Datetime(dt) => Ok(dt.to_string()),
        toml::Value::String(s) => Ok(s),
        other => Err(serde::de::Error::custom(format!(
            "expected a date like 2024-03-01, found {}",
            other.type_str()
        ))),
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = date_text(d)?;
        Date::parse(&text).ok_or_else(|| serde::de::Error::custom(Date::explain_invalid(&text)))
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<DateTime, D::Error> {
        let text = date_text(d)?;
        DateTime::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "\"{text}\" is not a valid date or time: write it as 2024-03-01 or 2024-03-01T09:30:00"
            ))
        })
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_checks_days() {
        assert_eq!(
            Date::parse("2024-02-29").map(|d| d.to_string()).as_deref(),
            Some("2024-02-29")
        );
        assert_eq!(Date::parse("2023-02-29"), None);
        assert_eq!(Date::parse("2024-13-01"), None);
        assert_eq!(Date::parse("2024-1-1"), None);
    }

    #[test]
    fn invalid_dates_are_explained() {
        assert_eq!(
            Date::explain_invalid("2024-02-30"),
            "\"2024-02-30\" is not a date: February 2024 has 29 days"
        );
        assert_eq!(
            Date::explain_invalid("2024-13-01"),
            "\"2024-13-01\" is not a date: there is no month 13"
        );
        assert_eq!(
            Date::explain_invalid("1 May"),
            "\"1 May\" is not a date: write it as YYYY-MM-DD, e.g. 2024-03-01"
        );
    }

    #[test]
    fn date_times() {
        let dt = DateTime::parse("2027-03-10T09:30:00").unwrap();
        assert_eq!(dt.to_string(), "2027-03-10T09:30");
        assert_eq!(dt.display(), "10 March 2027, 09:30");
        assert_eq!(DateTime::parse("2027-03-10T25:00"), None);
    }

    #[test]
    fn days_round_trip() {
        for days in [-800_000, -1, 0, 59, 60, 20_786, 100_000] {
            assert_eq!(Date::from_days(days).days_since_epoch(), days);
        }
    }

    #[test]
    fn days_since_epoch() {
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days(20_786).to_string(), "2026-11-29");
    }
}
