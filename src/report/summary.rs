//! Counts and totals by one dimension, or a cross-tab of two, and the
//! annual figures a board's security report asks for.

use super::{add_months, fy_label, fy_of, fy_quarter_label, month_of};
use crate::model::*;
use crate::render::Rows;
use chrono_tz::Tz;
use std::collections::BTreeMap;

pub const DIMS: &[&str] = &[
    "category",
    "site",
    "status",
    "month",
    "quarter",
    "fy",
    "year",
    "assignee",
    "outcome",
    "reporter-party",
    "asset",
    "flag",
];

/// Dimensions whose values are times, which sort as dates.
const TIME_DIMS: &[&str] = &["month", "quarter", "fy", "year"];

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

const NONE: &str = "(none)";

/// The value of a time dimension for a month.
fn time_key(dim: &str, (y, m): (i32, u32)) -> String {
    match dim {
        "month" => format!("{y:04}-{m:02}"),
        "quarter" => fy_quarter_label((y, m)),
        "fy" => fy_label(fy_of((y, m))),
        _ => y.to_string(),
    }
}

/// The values an incident has on a dimension (an asset or flag list gives
/// several: the incident counts once in each of their rows).
/// Times are moved `shift` months on, so that an earlier period's rows line
/// up with the period it is compared with.
fn keys(inc: &Incident, dim: &str, tz: Tz, shift: i32) -> Vec<String> {
    let or_none = |o: Option<String>| vec![o.unwrap_or_else(|| NONE.to_string())];
    match dim {
        "category" => vec![inc.category.clone()],
        "site" => or_none(inc.site.clone()),
        "status" => vec![inc.status.to_string()],
        "month" | "quarter" | "fy" | "year" => {
            vec![time_key(dim, add_months(month_of(&inc.occurred_at, tz), shift))]
        }
        "assignee" => or_none(inc.assignee.clone()),
        "outcome" => or_none(inc.outcome.map(|o| o.to_string())),
        "reporter-party" => or_none(inc.reporter.as_ref().map(|r| r.party.to_string())),
        "asset" if inc.assets.is_empty() => vec![NONE.to_string()],
        "asset" => inc.assets.iter().map(|a| a.to_string()).collect(),
        "flag" if inc.flags.is_empty() => vec![NONE.to_string()],
        "flag" => inc.flags.clone(),
        _ => vec![],
    }
}

/// The values to show on a dimension even at zero, in their natural order,
/// so that a board's CSV keeps the same columns from month to month. An
/// optional field always has its `(none)`.
fn known(dim: &str, k: &Known) -> Vec<String> {
    let mut v = known_values(dim, k);
    if matches!(dim, "site" | "assignee" | "outcome" | "reporter-party" | "asset" | "flag") {
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
        "month" | "quarter" | "fy" | "year" => {
            let mut v: Vec<String> = k.months.iter().map(|&m| time_key(dim, m)).collect();
            v.dedup();
            v
        }
        "assignee" => k.team.clone(),
        "reporter-party" => all(&Party::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
        "asset" => all(&Asset::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
        "flag" => k.flags.clone(),
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
    if TIME_DIMS.contains(&dim) {
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
    facts_shifted(inc, dims, tz, 0)
}

/// As `facts`, with its times moved `shift` months on (for comparisons).
pub fn facts_shifted(inc: &Incident, dims: &[String], tz: Tz, shift: i32) -> Facts {
    let mut sanctions = [0; 4];
    for s in &inc.sanctions {
        sanctions[SanctionClass::ALL.iter().position(|c| *c == s.class).unwrap_or(0)] += 1;
    }
    Facts {
        keys: dims.iter().map(|d| keys(inc, d, tz, shift)).collect(),
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
    let row = |m: &str, v: String| vec![m.to_string(), metric_label(m).to_string(), v];
    Rows {
        columns: vec!["metric".into(), "label".into(), "value".into()],
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

/// The annual report's metrics in plain English, for people.
pub fn metric_label(metric: &str) -> &'static str {
    match metric {
        "incidents" => "Incidents",
        "physical_assaults" => "Physical assaults",
        "physical_assaults_with_medical_factors" => "Physical assaults with medical factors",
        "physical_assaults_without_medical_factors" => "Physical assaults without medical factors",
        "physical_assaults_medical_factors_unknown" => "Physical assaults, medical factors not yet known",
        "sanctions_criminal" => "Criminal sanctions",
        "sanctions_civil_or_administrative" => "Civil, disciplinary and procedural sanctions",
        "losses_estimated" => "Losses estimated (£)",
        "losses_recovered" => "Losses recovered (£)",
        "riddor_reportable" => "Reportable under RIDDOR",
        "closed" => "Closed",
        "median_days_to_close" => "Median days to close",
        _ => "",
    }
}

/// A summary's column in plain English, for a spreadsheet's header:
/// `losses_estimated` is `Losses estimated (£)`, `category\\site` is
/// `Category by site`.
pub fn column_label(column: &str) -> String {
    let base = |c: &str| -> String {
        match c {
            "fy" => "Financial year".into(),
            "reporter-party" => "Reporter".into(),
            "metric" => "Metric".into(),
            "label" => "Figure".into(),
            "value" => "Value".into(),
            "incidents" => "Incidents".into(),
            "open" => "Open".into(),
            "closed" => "Closed".into(),
            "total" => "Total".into(),
            "losses_estimated" => "Losses estimated (£)".into(),
            "losses_recovered" => "Losses recovered (£)".into(),
            c if c.starts_with("sanctions_") => {
                let class = &c["sanctions_".len()..];
                let mut ch = class.chars();
                let first: String = ch.next().map(|f| f.to_uppercase().collect()).unwrap_or_default();
                format!("{first}{} sanctions", ch.as_str())
            }
            c => {
                let mut ch = c.chars();
                let first: String = ch.next().map(|f| f.to_uppercase().collect()).unwrap_or_default();
                format!("{first}{}", ch.as_str().replace('-', " "))
            }
        }
    };
    if let Some((r, c)) = column.split_once('\\') {
        return format!("{} by {}", base(r), base(c).to_lowercase());
    }
    for (prior, words) in [("previous", "previous period"), ("last_year", "same period a year earlier")] {
        if let Some(fig) = column.strip_suffix(&format!("_change_vs_{prior}")) {
            return format!("{}: change on the {words}", base(fig));
        }
        if let Some(fig) = column.strip_suffix(&format!("_{prior}")) {
            return format!("{}, {words}", base(fig));
        }
    }
    base(column)
}

/// Which earlier period a summary is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prior {
    /// The period of the same length just before.
    Previous,
    /// The same period a year earlier.
    LastYear,
}

impl Prior {
    pub fn column(self) -> &'static str {
        match self {
            Prior::Previous => "previous",
            Prior::LastYear => "last_year",
        }
    }
}

/// Which column of a summary's rows is its headline figure, compared by
/// `--compare`: incidents for one dimension, the total of a cross-tab, the
/// value of a report.
pub fn figure_column(rows: &Rows) -> usize {
    match rows.columns.iter().position(|c| c == "value" || c == "incidents") {
        Some(i) => i,
        None => rows.columns.len().saturating_sub(1),
    }
}

/// A decimal figure as hundredths, with how many places it was written to.
fn hundredths(s: &str) -> Option<(i128, usize)> {
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty() || frac.len() > 2 || !whole.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let w: i128 = whole.parse().ok()?;
    let f: i128 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().ok()? };
    Some((w * 100 + f, frac.len()))
}

/// `now - before`, signed, to the places the figures have: `+3`, `-12.50`,
/// `0`. Empty when either is not a figure (a median of nothing).
pub fn change(now: &str, before: &str) -> String {
    let (Some((a, pa)), Some((b, pb))) = (hundredths(now), hundredths(before)) else {
        return String::new();
    };
    let d = a - b;
    let places = pa.max(pb);
    let sign = if d > 0 {
        "+"
    } else if d < 0 {
        "-"
    } else {
        ""
    };
    let m = d.unsigned_abs();
    match places {
        0 => format!("{sign}{}", m / 100),
        1 => format!("{sign}{}.{}", m / 100, m % 100 / 10),
        _ => format!("{sign}{}.{:02}", m / 100, m % 100),
    }
}

/// `now`'s rows with, beside each row's headline figure, the same row's
/// figure in `before` and the change. A row only `before` has is added with
/// `blank`'s cells (zeros), before the total.
pub fn compare(now: &Rows, before: &Rows, prior: Prior, blank: &[String]) -> Rows {
    let fig = figure_column(now);
    let name = &now.columns[fig];
    let mut columns = now.columns.clone();
    columns.push(format!("{name}_{}", prior.column()));
    columns.push(format!("{name}_change_vs_{}", prior.column()));
    let mut rows = now.rows.clone();
    for r in &before.rows {
        if !rows.iter().any(|n| n[0] == r[0]) {
            let mut z = vec![r[0].clone()];
            z.extend(blank.iter().skip(1).cloned());
            if now.columns.first().is_some_and(|c| c == "metric") {
                z = r.clone();
                z[fig] = String::new();
            }
            let at = rows.len().saturating_sub(1);
            rows.insert(at, z);
        }
    }
    for row in &mut rows {
        let earlier = before.rows.iter().find(|r| r[0] == row[0]).map_or("0", |r| r[fig].as_str());
        let earlier = if earlier.is_empty() { "" } else { earlier };
        let c = change(&row[fig], earlier);
        row.push(earlier.to_string());
        row.push(c);
    }
    Rows { columns, rows }
}

/// A zero row of `by_one` or `cross` (the shape of their total row).
pub fn zero_row(rows: &Rows) -> Vec<String> {
    rows.rows
        .last()
        .map(|t| {
            t.iter().map(|c| if c.contains('.') { "0.00".to_string() } else { "0".to_string() }).collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_is_signed_and_kept_to_its_places() {
        assert_eq!(change("5", "3"), "+2");
        assert_eq!(change("3", "5"), "-2");
        assert_eq!(change("3", "3"), "0");
        assert_eq!(change("120.50", "20"), "+100.50");
        assert_eq!(change("0.00", "12.05"), "-12.05");
        assert_eq!(change("8.5", "10"), "-1.5");
        assert_eq!(change("", "10"), "");
    }

    #[test]
    fn columns_in_plain_english() {
        assert_eq!(column_label("losses_estimated"), "Losses estimated (£)");
        assert_eq!(column_label("sanctions_criminal"), "Criminal sanctions");
        assert_eq!(column_label("incidents_last_year"), "Incidents, same period a year earlier");
        assert_eq!(column_label("value_change_vs_previous"), "Value: change on the previous period");
        assert_eq!(column_label("month\\site"), "Month by site");
        assert_eq!(column_label("reporter-party"), "Reporter");
        assert_eq!(column_label("Hollins Park"), "Hollins Park");
    }

    #[test]
    fn comparing_lines_up_rows_by_their_key() {
        let rows = |v: &[(&str, &str)]| Rows {
            columns: vec!["category".into(), "incidents".into()],
            rows: v.iter().map(|(a, b)| vec![a.to_string(), b.to_string()]).collect(),
        };
        let now = rows(&[("theft", "3"), ("total", "3")]);
        let before = rows(&[("theft", "1"), ("harassment", "2"), ("total", "3")]);
        let c = compare(&now, &before, Prior::LastYear, &zero_row(&now));
        assert_eq!(
            c.columns,
            ["category", "incidents", "incidents_last_year", "incidents_change_vs_last_year"]
        );
        assert_eq!(c.rows[0], ["theft", "3", "1", "+2"]);
        assert_eq!(c.rows[1], ["harassment", "0", "2", "-2"]);
        assert_eq!(c.rows[2], ["total", "3", "3", "0"]);
    }
}
