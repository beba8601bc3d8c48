//! Counts and totals by one dimension, or a cross-tab of two, and the
//! annual figures a board's security report asks for.

use super::month_of;
use crate::model::*;
use crate::render::Rows;
use chrono::Datelike;
use chrono_tz::Tz;
use std::collections::BTreeMap;

pub const DIMS: &[&str] =
    &["category", "site", "status", "month", "year", "assignee", "outcome", "reporter-party", "asset"];

/// What to list even when no incident has it, so a board sees the zeros.
#[derive(Debug, Clone, Default)]
pub struct Known {
    pub categories: Vec<String>,
    pub sites: Vec<String>,
    pub team: Vec<String>,
    /// The months of the period, `YYYY-MM`.
    pub months: Vec<String>,
}

const NONE: &str = "(none)";

/// The values an incident has on a dimension (an asset list gives several).
fn keys(inc: &Incident, dim: &str, tz: Tz) -> Vec<String> {
    let or_none = |o: Option<String>| vec![o.unwrap_or_else(|| NONE.to_string())];
    match dim {
        "category" => vec![inc.category.clone()],
        "site" => or_none(inc.site.clone()),
        "status" => vec![inc.status.to_string()],
        "month" => {
            let (y, m) = month_of(&inc.occurred_at, tz);
            vec![format!("{y:04}-{m:02}")]
        }
        "year" => vec![inc.occurred_at.with_timezone(&tz).year().to_string()],
        "assignee" => or_none(inc.assignee.clone()),
        "outcome" => or_none(inc.outcome.map(|o| o.to_string())),
        "reporter-party" => or_none(inc.reporter.as_ref().map(|r| r.party.to_string())),
        "asset" if inc.assets.is_empty() => vec![NONE.to_string()],
        "asset" => inc.assets.iter().map(|a| a.to_string()).collect(),
        _ => vec![],
    }
}

/// The values to show on a dimension even at zero, in their natural order,
/// so that a board's CSV keeps the same columns from month to month. An
/// optional field always has its `(none)`.
fn known(dim: &str, k: &Known) -> Vec<String> {
    let mut v = known_values(dim, k);
    if matches!(dim, "site" | "assignee" | "outcome" | "reporter-party" | "asset") {
        v.push(NONE.to_string());
    }
    v
}

fn known_values(dim: &str, k: &Known) -> Vec<String> {
    let all = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
    match dim {
        "outcome" => all(&Outcome::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
        "category" => k.categories.clone(),
        "site" => k.sites.clone(),
        "status" => all(&Status::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
        "month" => k.months.clone(),
        "assignee" => k.team.clone(),
        "reporter-party" => all(&Party::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
        "asset" => all(&Asset::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
        _ => Vec::new(),
    }
}

/// Row order: the known values first, in their order; then the rest, sorted
/// (months and years sort as dates), `(none)` last.
fn ordered(dim: &str, k: &Known, seen: impl Iterator<Item = String>) -> Vec<String> {
    let mut out = known(dim, k);
    let mut rest: Vec<String> = seen.filter(|s| !out.contains(s)).collect();
    rest.sort();
    rest.dedup();
    if matches!(dim, "month" | "year") {
        out.append(&mut rest);
        out.sort();
    } else {
        out.append(&mut rest);
    }
    if let Some(p) = out.iter().position(|s| s == NONE) {
        let none = out.remove(p);
        out.push(none);
    }
    out
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    pub incidents: u64,
    pub open: u64,
    pub closed: u64,
    pub estimated: u64,
    pub recovered: u64,
    pub sanctions: [u64; 4],
}

impl Totals {
    fn add(&mut self, inc: &Incident) {
        self.incidents += 1;
        if inc.status == Status::Closed {
            self.closed += 1;
        } else {
            self.open += 1;
        }
        if let Some(l) = &inc.losses {
            self.estimated += l.estimated.0;
            self.recovered += l.recovered.0;
        }
        for s in &inc.sanctions {
            self.sanctions[SanctionClass::ALL.iter().position(|c| *c == s.class).unwrap_or(0)] += 1;
        }
    }

    fn cells(&self) -> Vec<String> {
        let mut v = vec![
            self.incidents.to_string(),
            self.open.to_string(),
            self.closed.to_string(),
            Money(self.estimated).to_string(),
            Money(self.recovered).to_string(),
        ];
        v.extend(self.sanctions.iter().map(u64::to_string));
        v
    }
}

pub const TOTAL_COLUMNS: &[&str] = &[
    "incidents",
    "open",
    "closed",
    "losses_estimated",
    "losses_recovered",
    "sanctions_procedural",
    "sanctions_disciplinary",
    "sanctions_civil",
    "sanctions_criminal",
];

/// One row per value of `dim`, with the totals, and a `total` row.
pub fn by_one(incs: &[&Incident], dim: &str, tz: Tz, k: &Known) -> Rows {
    let mut groups: BTreeMap<String, Totals> = BTreeMap::new();
    let mut all = Totals::default();
    for inc in incs {
        all.add(inc);
        for key in keys(inc, dim, tz) {
            groups.entry(key).or_default().add(inc);
        }
    }
    let order = ordered(dim, k, groups.keys().cloned().collect::<Vec<_>>().into_iter());
    let mut columns = vec![dim.to_string()];
    columns.extend(TOTAL_COLUMNS.iter().map(|s| s.to_string()));
    let mut rows: Vec<Vec<String>> = order
        .into_iter()
        .map(|key| {
            let t = groups.remove(&key).unwrap_or_default();
            let mut row = vec![key];
            row.extend(t.cells());
            row
        })
        .collect();
    let mut total = vec!["total".to_string()];
    total.extend(all.cells());
    rows.push(total);
    Rows { columns, rows }
}

/// Counts of incidents by `rows` × `cols`, with totals both ways.
pub fn cross(incs: &[&Incident], rows_dim: &str, cols_dim: &str, tz: Tz, k: &Known) -> Rows {
    let mut counts: BTreeMap<(String, String), u64> = BTreeMap::new();
    let mut row_keys = Vec::new();
    let mut col_keys = Vec::new();
    for inc in incs {
        for r in keys(inc, rows_dim, tz) {
            for c in keys(inc, cols_dim, tz) {
                *counts.entry((r.clone(), c.clone())).or_default() += 1;
                row_keys.push(r.clone());
                col_keys.push(c);
            }
        }
    }
    let rows_order = ordered(rows_dim, k, row_keys.into_iter());
    let cols_order = ordered(cols_dim, k, col_keys.into_iter());
    let mut columns = vec![format!("{rows_dim}\\{cols_dim}")];
    columns.extend(cols_order.iter().cloned());
    columns.push("total".into());
    let get = |r: &str, c: &str| counts.get(&(r.to_string(), c.to_string())).copied().unwrap_or(0);
    let mut rows: Vec<Vec<String>> = rows_order
        .iter()
        .map(|r| {
            let mut row = vec![r.clone()];
            let cells: Vec<u64> = cols_order.iter().map(|c| get(r, c)).collect();
            row.extend(cells.iter().map(u64::to_string));
            row.push(cells.iter().sum::<u64>().to_string());
            row
        })
        .collect();
    let mut total = vec!["total".to_string()];
    let col_totals: Vec<u64> =
        cols_order.iter().map(|c| rows_order.iter().map(|r| get(r, c)).sum()).collect();
    total.extend(col_totals.iter().map(u64::to_string));
    total.push(col_totals.iter().sum::<u64>().to_string());
    rows.push(total);
    Rows { columns, rows }
}

/// The figures of a board's annual security report (and the old national
/// return): one metric a row.
pub fn annual(incs: &[&Incident]) -> Rows {
    let pa: Vec<&&Incident> = incs.iter().filter(|i| i.category == "physical-assault").collect();
    let mf = |t: Tri| pa.iter().filter(|i| i.medical_factors == Some(t)).count();
    let sanctions = |f: &dyn Fn(SanctionClass) -> bool| {
        incs.iter().flat_map(|i| i.sanctions.iter()).filter(|s| f(s.class)).count()
    };
    let (est, rec) = incs
        .iter()
        .filter_map(|i| i.losses.as_ref())
        .fold((0u64, 0u64), |(e, r), l| (e + l.estimated.0, r + l.recovered.0));
    let riddor = incs
        .iter()
        .filter(|i| {
            i.riddor
                .as_ref()
                .is_some_and(|r| matches!(r.status, RiddorStatus::Reportable | RiddorStatus::Reported))
        })
        .count();
    let mut days: Vec<i64> =
        incs.iter().filter_map(|i| i.closed_at.map(|c| (c - i.recorded_at).num_days())).collect();
    days.sort_unstable();
    let median = match days.len() {
        0 => String::new(),
        n if n % 2 == 1 => days[n / 2].to_string(),
        n => {
            let twice = days[n / 2 - 1] + days[n / 2];
            if twice % 2 == 0 { (twice / 2).to_string() } else { format!("{}.5", twice / 2) }
        }
    };
    let row = |m: &str, v: String| vec![m.to_string(), v];
    Rows {
        columns: vec!["metric".into(), "value".into()],
        rows: vec![
            row("incidents", incs.len().to_string()),
            row("physical_assaults", pa.len().to_string()),
            row("physical_assaults_with_medical_factors", mf(Tri::Yes).to_string()),
            row("physical_assaults_without_medical_factors", mf(Tri::No).to_string()),
            row(
                "physical_assaults_medical_factors_unknown",
                (pa.len() - mf(Tri::Yes) - mf(Tri::No)).to_string(),
            ),
            row("sanctions_criminal", sanctions(&|c| c == SanctionClass::Criminal).to_string()),
            row(
                "sanctions_civil_or_administrative",
                sanctions(&|c| c != SanctionClass::Criminal).to_string(),
            ),
            row("losses_estimated", Money(est).to_string()),
            row("losses_recovered", Money(rec).to_string()),
            row("riddor_reportable", riddor.to_string()),
            row("closed", days.len().to_string()),
            row("median_days_to_close", median),
        ],
    }
}
