//! Incident ids: `YYYYMMDD-XXXX`, the recording date and four Crockford
//! base32 characters, so that clones never need a shared counter.

use chrono::NaiveDate;
use std::fmt;

/// Crockford's base32 alphabet: no I, L, O or U.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A well-formed incident id, always upper case. (The default, empty, is
/// only a placeholder while a record is built field by field.)
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Id(String);

/// What an id argument names: a whole id, or a four-character suffix to
/// look up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdQuery {
    Full(Id),
    Suffix(String),
}

fn is_suffix(s: &str) -> bool {
    s.len() == 4 && s.bytes().all(|b| ALPHABET.contains(&b))
}

/// A record's uuid: version 7, from the time it was recorded.
pub fn new_uuid(now: chrono::DateTime<chrono::Utc>) -> uuid::Uuid {
    let ts = uuid::Timestamp::from_unix(
        uuid::NoContext,
        now.timestamp().max(0) as u64,
        now.timestamp_subsec_nanos(),
    );
    uuid::Uuid::new_v7(ts)
}

impl Id {
    /// Makes the id for a recording date and four random values (0..32).
    pub fn new(date: NaiveDate, random: [u8; 4]) -> Id {
        let suffix: String = random.iter().map(|r| ALPHABET[(*r % 32) as usize] as char).collect();
        Id(format!("{}-{suffix}", date.format("%Y%m%d")))
    }

    /// Parses a whole id, case-insensitively.
    pub fn parse(s: &str) -> Result<Id, String> {
        let up = s.trim().to_ascii_uppercase();
        let num = |r: std::ops::Range<usize>| up.get(r).and_then(|d| d.parse::<u32>().ok());
        let ok = up.len() == 13
            && up.as_bytes()[8] == b'-'
            && up[..8].bytes().all(|b| b.is_ascii_digit())
            && num(0..4)
                .zip(num(4..6))
                .zip(num(6..8))
                .is_some_and(|((y, m), d)| NaiveDate::from_ymd_opt(y as i32, m, d).is_some())
            && is_suffix(&up[9..]);
        if ok {
            Ok(Id(up))
        } else {
            Err(format!(
                "'{s}' is not an incident id: an id looks like 20261124-7QF3 \
                 (date, dash, four characters from 0-9 and A-Z without I, L, O, U)"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The file's place in the store, relative to its root:
    /// `incidents/YYYY/MM/<id>.yaml`.
    pub fn rel_path(&self) -> String {
        format!("incidents/{}/{}/{}.yaml", &self.0[..4], &self.0[4..6], self.0)
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl IdQuery {
    /// Reads an id argument: a whole id or a unique four-character suffix.
    /// Anything else, and above all anything path-like, is refused here,
    /// before any path is built.
    pub fn parse(s: &str) -> Result<IdQuery, String> {
        let t = s.trim();
        if t.is_empty() {
            return Err(
                "an empty id: give an incident id like 20261124-7QF3, or its last four characters".into()
            );
        }
        let up = t.to_ascii_uppercase();
        if is_suffix(&up) {
            return Ok(IdQuery::Suffix(up));
        }
        Id::parse(t).map(IdQuery::Full)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makes_ids_from_date_and_randomness() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let id = Id::new(d, [7, 23, 15, 3]);
        assert_eq!(id.as_str(), "20261124-7QF3");
        assert_eq!(id.rel_path(), "incidents/2026/11/20261124-7QF3.yaml");
    }

    #[test]
    fn parses_case_insensitively() {
        assert_eq!(Id::parse("20261124-7qf3").unwrap().as_str(), "20261124-7QF3");
        assert_eq!(IdQuery::parse("7qf3").unwrap(), IdQuery::Suffix("7QF3".into()));
    }

    #[test]
    fn refuses_anything_path_like_or_malformed() {
        for bad in [
            "",
            " ",
            "../x",
            "a/b",
            "20261124-7QF",
            "20261124-7QFI",
            "20261324-7QF3",
            "20261124_7QF3",
            "..",
            "/etc/passwd",
            "20261124-7QF3.yaml",
            "7QFU",
        ] {
            assert!(IdQuery::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
