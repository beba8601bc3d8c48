//! The dimensions a summary counts by: each one's name on the command line
//! and in a header, its label for people, how it keys an incident, and the
//! values it lists even at zero. Declared here once; `summary` and the
//! board only ask a `Dimension`.

use super::{add_months, fy_label, fy_of, fy_quarter_label, month_of};
use crate::model::*;
use chrono_tz::Tz;

/// What a summary counts incidents by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dimension {
    Category,
    Site,
    Status,
    /// `2026-10`
    Month,
    /// The financial quarter: `2026/27 Q1`.
    Quarter,
    /// The financial year: `2026/27`.
    Fy,
    Year,
    Assignee,
    Outcome,
    ReporterParty,
    /// A list: an incident counts once in each of its assets' rows.
    Asset,
    /// A list: an incident counts once in each of its flags' rows.
    Flag,
}

/// The row of an incident with no value on an optional dimension.
pub const NONE: &str = "(none)";

/// What to list even when no incident has it, so a board sees the zeros.
#[derive(Debug, Clone, Default)]
pub struct Known {
    pub categories: Vec<String>,
    pub sites: Vec<String>,
    pub team: Vec<String>,
    /// The store's flags.
    pub flags: Vec<String>,
    /// The months of the period.
    pub months: Vec<(i32, u32)>,
}

impl Dimension {
    /// Every dimension, in the order `summary --help` names them.
    pub const ALL: [Dimension; 12] = [
        Dimension::Category,
        Dimension::Site,
        Dimension::Status,
        Dimension::Month,
        Dimension::Quarter,
        Dimension::Fy,
        Dimension::Year,
        Dimension::Assignee,
        Dimension::Outcome,
        Dimension::ReporterParty,
        Dimension::Asset,
        Dimension::Flag,
    ];

    /// Its name on the command line and in a header: `reporter-party`.
    pub fn name(self) -> &'static str {
        match self {
            Dimension::Category => "category",
            Dimension::Site => "site",
            Dimension::Status => "status",
            Dimension::Month => "month",
            Dimension::Quarter => "quarter",
            Dimension::Fy => "fy",
            Dimension::Year => "year",
            Dimension::Assignee => "assignee",
            Dimension::Outcome => "outcome",
            Dimension::ReporterParty => "reporter-party",
            Dimension::Asset => "asset",
            Dimension::Flag => "flag",
        }
    }

    /// Its name for people, as a spreadsheet's header: `Financial year`.
    pub fn label(self) -> &'static str {
        match self {
            Dimension::Category => "Category",
            Dimension::Site => "Site",
            Dimension::Status => "Status",
            Dimension::Month => "Month",
            Dimension::Quarter => "Quarter",
            Dimension::Fy => "Financial year",
            Dimension::Year => "Year",
            Dimension::Assignee => "Assignee",
            Dimension::Outcome => "Outcome",
            Dimension::ReporterParty => "Reporter",
            Dimension::Asset => "Asset",
            Dimension::Flag => "Flag",
        }
    }

    /// Are its values words of a vocabulary (`physical-assault`,
    /// `awaiting-external`)? A spreadsheet shows them as people read them,
    /// with the word in a code column beside.
    pub fn worded(self) -> bool {
        matches!(
            self,
            Dimension::Category
                | Dimension::Status
                | Dimension::Outcome
                | Dimension::ReporterParty
                | Dimension::Asset
                | Dimension::Flag
        )
    }

    /// A value as people read it: `physical-assault` as `Physical assault`,
    /// `(none)` as `Not recorded`; a site, a name or a month as it is.
    pub fn value_label(self, v: &str) -> String {
        match self {
            _ if v == NONE => "Not recorded".into(),
            Dimension::Category => super::board::category_label(v),
            d if d.worded() => super::board::sentence(v),
            _ => v.to_string(),
        }
    }

    pub fn names() -> Vec<&'static str> {
        Dimension::ALL.iter().map(|d| d.name()).collect()
    }

    /// Reads a name as `--by` takes it (already trimmed and lower case).
    pub fn parse(s: &str) -> Result<Dimension, String> {
        Dimension::ALL
            .into_iter()
            .find(|d| d.name() == s)
            .ok_or_else(|| unknown_word("dimension", s, &Dimension::names()))
    }

    /// Are its values times, which sort as dates?
    pub fn is_time(self) -> bool {
        matches!(self, Dimension::Month | Dimension::Quarter | Dimension::Fy | Dimension::Year)
    }

    /// May an incident have no value on it (and so a `(none)` row)?
    pub fn is_optional(self) -> bool {
        matches!(
            self,
            Dimension::Site
                | Dimension::Assignee
                | Dimension::Outcome
                | Dimension::ReporterParty
                | Dimension::Asset
                | Dimension::Flag
        )
    }

    /// The value of a time dimension for a month.
    fn time_key(self, (y, m): (i32, u32)) -> String {
        match self {
            Dimension::Month => format!("{y:04}-{m:02}"),
            Dimension::Quarter => fy_quarter_label((y, m)),
            Dimension::Fy => fy_label(fy_of((y, m))),
            _ => y.to_string(),
        }
    }

    /// The values an incident has on this dimension (an asset or flag list
    /// gives several: the incident counts once in each of their rows).
    /// Times are moved `shift` months on, so that an earlier period's rows
    /// line up with the period it is compared with.
    pub fn keys(self, inc: &Incident, tz: Tz, shift: i32) -> Vec<String> {
        let or_none = |o: Option<String>| vec![o.unwrap_or_else(|| NONE.to_string())];
        match self {
            Dimension::Category => vec![inc.category.clone()],
            Dimension::Site => or_none(inc.site.clone()),
            Dimension::Status => vec![inc.status.to_string()],
            Dimension::Month | Dimension::Quarter | Dimension::Fy | Dimension::Year => {
                vec![self.time_key(add_months(month_of(&inc.occurred_at, tz), shift))]
            }
            Dimension::Assignee => or_none(inc.assignee.clone()),
            Dimension::Outcome => or_none(inc.outcome.map(|o| o.to_string())),
            Dimension::ReporterParty => or_none(inc.reporter.as_ref().map(|r| r.party.to_string())),
            Dimension::Asset if inc.assets.is_empty() => vec![NONE.to_string()],
            Dimension::Asset => inc.assets.iter().map(|a| a.to_string()).collect(),
            Dimension::Flag if inc.flags.is_empty() => vec![NONE.to_string()],
            Dimension::Flag => inc.flags.clone(),
        }
    }

    /// The values to show even at zero, in their natural order, so that a
    /// board's CSV keeps the same columns from month to month. An optional
    /// dimension always has its `(none)`.
    fn known(self, k: &Known) -> Vec<String> {
        fn all<W: Word>() -> Vec<String> {
            W::ALL.iter().map(|w| w.word().to_string()).collect()
        }
        let mut v = match self {
            Dimension::Category => k.categories.clone(),
            Dimension::Site => k.sites.clone(),
            Dimension::Status => all::<Status>(),
            Dimension::Month | Dimension::Quarter | Dimension::Fy | Dimension::Year => {
                let mut v: Vec<String> = k.months.iter().map(|&m| self.time_key(m)).collect();
                v.dedup();
                v
            }
            Dimension::Assignee => k.team.clone(),
            Dimension::Outcome => all::<Outcome>(),
            Dimension::ReporterParty => all::<Party>(),
            Dimension::Asset => all::<Asset>(),
            Dimension::Flag => k.flags.clone(),
        };
        if self.is_optional() {
            v.push(NONE.to_string());
        }
        v
    }

    /// Row (or column) order: the known values first, in their order; then
    /// the rest, sorted (times sort as dates), `(none)` last.
    pub fn ordered(self, k: &Known, seen: impl Iterator<Item = String>) -> Vec<String> {
        let mut out = self.known(k);
        let mut rest: Vec<String> = seen.filter(|s| !out.contains(s)).collect();
        rest.sort();
        rest.dedup();
        out.append(&mut rest);
        if self.is_time() {
            out.sort();
        }
        if let Some(p) = out.iter().position(|s| s == NONE) {
            let none = out.remove(p);
            out.push(none);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::draft::{Draft, NewRecord};
    use chrono::{DateTime, Utc};
    const LON: Tz = chrono_tz::Europe::London;

    fn incident(d: Draft) -> Incident {
        let vocab = Vocab::standard();
        let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-11-25T12:00:00Z").unwrap().to_utc();
        d.build(&NewRecord {
            vocab: &vocab,
            tz: LON,
            now,
            actor: "a",
            random: [0; 4],
            uuid: uuid::Uuid::nil(),
        })
        .unwrap()
    }

    #[test]
    fn every_dimension_reads_back_from_its_name() {
        for d in Dimension::ALL {
            assert_eq!(Dimension::parse(d.name()), Ok(d));
        }
        assert_eq!(
            Dimension::names().join(","),
            "category,site,status,month,quarter,fy,year,assignee,outcome,reporter-party,asset,flag"
        );
        let e = Dimension::parse("colour").unwrap_err();
        assert!(e.starts_with("unknown dimension 'colour'"), "{e}");
        assert_eq!((Dimension::Fy.label(), Dimension::ReporterParty.label()), ("Financial year", "Reporter"));
    }

    #[test]
    fn a_dimension_keys_an_incident() {
        let i = incident(Draft::of(&[
            ("category", "theft"),
            ("summary", "x"),
            // 00:30 BST on 1 April is still 31 March in UTC: April, 2026/27.
            ("occurred", "2026-04-01 00:30"),
            ("asset", "drugs"),
            ("asset", "property"),
        ]));
        let keys = |d: Dimension| d.keys(&i, LON, 0);
        assert_eq!(keys(Dimension::Category), ["theft"]);
        assert_eq!(keys(Dimension::Site), [NONE], "no site: the (none) row");
        assert_eq!(keys(Dimension::Status), ["reported"]);
        assert_eq!(keys(Dimension::Month), ["2026-04"]);
        assert_eq!(keys(Dimension::Quarter), ["2026/27 Q1"]);
        assert_eq!(keys(Dimension::Fy), ["2026/27"]);
        assert_eq!(keys(Dimension::Year), ["2026"]);
        assert_eq!(keys(Dimension::Asset), ["drugs", "property"], "a list gives a key per item");
        assert_eq!(keys(Dimension::Flag), [NONE]);
        assert_eq!(Dimension::Month.keys(&i, LON, 12), ["2027-04"], "shifted a year on");
        assert_eq!(Dimension::Fy.keys(&i, LON, -1), ["2025/26"]);
    }

    #[test]
    fn known_values_come_first_times_sort_as_dates_and_none_goes_last() {
        let k = Known {
            categories: vec!["theft".into(), "arson".into()],
            sites: vec!["B".into()],
            months: vec![(2026, 11), (2026, 12)],
            ..Known::default()
        };
        let seen = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>().into_iter();
        assert_eq!(Dimension::Category.ordered(&k, seen(&["zebra", "theft"])), ["theft", "arson", "zebra"]);
        assert_eq!(Dimension::Site.ordered(&k, seen(&[NONE, "A"])), ["B", "A", NONE]);
        assert_eq!(Dimension::Month.ordered(&k, seen(&["2026-10"])), ["2026-10", "2026-11", "2026-12"]);
        assert_eq!(Dimension::Quarter.ordered(&k, seen(&[])), ["2026/27 Q3"], "two months, one quarter");
        assert_eq!(Dimension::Status.ordered(&k, seen(&[])).len(), Status::ALL.len());
        assert!(!Dimension::Category.is_optional() && Dimension::Flag.is_optional());
    }
}
