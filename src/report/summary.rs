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

/// What a summary needs of one incident: its values on the dimensions
/// asked for, and its figures. Small, so a large store sums in little memory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// One list of values per dimension asked for (an asset list gives several).
    pub keys: Vec<Vec<String>>,
    pub closed: bool,
    pub estimated: u64,
    pub recovered: u64,
    pub sanctions: [u64; 4],
    pub physical_assault: bool,
    pub medical_factors: Option<Tri>,
    pub riddor_reportable: bool,
    pub days_to_close: Option<i64>,
}

pub fn facts(inc: &Incident, dims: &[String], tz: Tz) -> Facts {
    let mut sanctions = [0; 4];
    for s in &inc.sanctions {
        sanctions[SanctionClass::ALL.iter().position(|c| *c == s.class).unwrap_or(0)] += 1;
    }
    Facts {
        keys: dims.iter().map(|d| keys(inc, d, tz)).collect(),
        closed: inc.status == Status::Closed,
        estimated: inc.losses.as_ref().map_or(0, |l| l.estimated.0),
        recovered: inc.losses.as_ref().map_or(0, |l| l.recovered.0),
        sanctions,
        physical_assault: inc.category == "physical-assault",
        medical_factors: inc.medical_factors,
        riddor_reportable: inc
            .riddor
            .as_ref()
            .is_some_and(|r| matches!(r.status, RiddorStatus::Reportable | RiddorStatus::Reported)),
        days_to_close: inc.closed_at.map(|c| (c - inc.recorded_at).num_days()),
    }
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
    fn add(&mut self, f: &Facts) {
        self.incidents += 1;
        if f.closed {
            self.closed += 1;
        } else {
            self.open += 1;
        }
        self.estimated += f.estimated;
        self.recovered += f.recovered;
        for (t, n) in self.sanctions.iter_mut().zip(f.sanctions) {
            *t += n;
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
pub fn by_one(facts: &[Facts], dim: &str, k: &Known) -> Rows {
    let mut groups: BTreeMap<String, Totals> = BTreeMap::new();
    let mut all = Totals::default();
    for f in facts {
        all.add(f);
        for key in &f.keys[0] {
            groups.entry(key.clone()).or_default().add(f);
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
pub fn cross(facts: &[Facts], rows_dim: &str, cols_dim: &str, k: &Known) -> Rows {
    let mut counts: BTreeMap<(String, String), u64> = BTreeMap::new();
    for f in facts {
        for r in &f.keys[0] {
            for c in &f.keys[1] {
                *counts.entry((r.clone(), c.clone())).or_default() += 1;
            }
        }
    }
    let row_keys: Vec<String> = counts.keys().map(|(r, _)| r.clone()).collect();
    let col_keys: Vec<String> = counts.keys().map(|(_, c)| c.clone()).collect();
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
pub fn annual(facts: &[Facts]) -> Rows {
    let pa: Vec<&Facts> = facts.iter().filter(|f| f.physical_assault).collect();
    let mf = |t: Tri| pa.iter().filter(|f| f.medical_factors == Some(t)).count();
    let criminal: u64 = facts.iter().map(|f| f.sanctions[3]).sum();
    let other: u64 = facts.iter().map(|f| f.sanctions[..3].iter().sum::<u64>()).sum();
    let est: u64 = facts.iter().map(|f| f.estimated).sum();
    let rec: u64 = facts.iter().map(|f| f.recovered).sum();
    let riddor = facts.iter().filter(|f| f.riddor_reportable).count();
    let mut days: Vec<i64> = facts.iter().filter_map(|f| f.days_to_close).collect();
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
            row("incidents", facts.len().to_string()),
            row("physical_assaults", pa.len().to_string()),
            row("physical_assaults_with_medical_factors", mf(Tri::Yes).to_string()),
            row("physical_assaults_without_medical_factors", mf(Tri::No).to_string()),
            row(
                "physical_assaults_medical_factors_unknown",
                (pa.len() - mf(Tri::Yes) - mf(Tri::No)).to_string(),
            ),
            row("sanctions_criminal", criminal.to_string()),
            row("sanctions_civil_or_administrative", other.to_string()),
            row("losses_estimated", Money(est).to_string()),
            row("losses_recovered", Money(rec).to_string()),
            row("riddor_reportable", riddor.to_string()),
            row("closed", days.len().to_string()),
            row("median_days_to_close", median),
        ],
    }
}
