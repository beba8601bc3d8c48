//! Counts and totals by one dimension, or a cross-tab of two, and the
//! annual figures a board's security report asks for: typed figures in
//! rows keyed by a dimension's values or by a metric. Turning them into
//! text, CSV, JSON or a spreadsheet is `render::summary`'s work.

pub use super::dimension::{Dimension, Known};
pub use super::figure::{Change, Days, Figure};
use crate::model::*;
use chrono_tz::Tz;
use std::collections::BTreeMap;

/// Sanctions counted by their class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sanctions {
    procedural: u64,
    disciplinary: u64,
    civil: u64,
    criminal: u64,
}

impl Sanctions {
    fn slot(&mut self, class: SanctionClass) -> &mut u64 {
        match class {
            SanctionClass::Procedural => &mut self.procedural,
            SanctionClass::Disciplinary => &mut self.disciplinary,
            SanctionClass::Civil => &mut self.civil,
            SanctionClass::Criminal => &mut self.criminal,
        }
    }

    pub fn add(&mut self, class: SanctionClass, n: u64) {
        let s = self.slot(class);
        *s = s.saturating_add(n);
    }

    pub fn get(&self, class: SanctionClass) -> u64 {
        match class {
            SanctionClass::Procedural => self.procedural,
            SanctionClass::Disciplinary => self.disciplinary,
            SanctionClass::Civil => self.civil,
            SanctionClass::Criminal => self.criminal,
        }
    }

    /// Adds each class of `other` to this one's.
    pub fn add_all(&mut self, other: &Sanctions) {
        for c in SanctionClass::ALL {
            self.add(*c, other.get(*c));
        }
    }

    /// Of the classes `which` picks, how many in all.
    pub fn sum(&self, which: impl Fn(SanctionClass) -> bool) -> u64 {
        SanctionClass::ALL.iter().filter(|c| which(**c)).map(|c| self.get(*c)).fold(0, u64::saturating_add)
    }
}

/// What a summary needs of one incident: its values on the dimensions
/// asked for, and its figures. Small, so a large store sums in little memory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// One list of values per dimension asked for (an asset list gives several).
    pub keys: Vec<Vec<String>>,
    pub closed: bool,
    pub estimated: Money,
    pub recovered: Money,
    pub sanctions: Sanctions,
    pub physical_assault: bool,
    pub medical_factors: Option<Tri>,
    pub riddor_reportable: bool,
    pub days_to_close: Option<i64>,
}

pub fn facts(inc: &Incident, dims: &[Dimension], tz: Tz) -> Facts {
    facts_shifted(inc, dims, tz, 0)
}

/// As `facts`, with its times moved `shift` months on (for comparisons).
pub fn facts_shifted(inc: &Incident, dims: &[Dimension], tz: Tz, shift: i32) -> Facts {
    let mut sanctions = Sanctions::default();
    for s in &inc.sanctions {
        sanctions.add(s.class, 1);
    }
    Facts {
        keys: dims.iter().map(|d| d.keys(inc, tz, shift)).collect(),
        closed: inc.status == Status::Closed,
        estimated: inc.losses.as_ref().map_or(Money::ZERO, |l| l.estimated),
        recovered: inc.losses.as_ref().map_or(Money::ZERO, |l| l.recovered),
        sanctions,
        physical_assault: inc.category == "physical-assault",
        medical_factors: inc.medical_factors,
        riddor_reportable: inc
            .riddor
            .as_ref()
            .is_some_and(|r| matches!(r.status, RiddorStatus::Reportable | RiddorStatus::Reported)),
        days_to_close: inc.days_to_close(),
    }
}

fn plus(a: Money, b: Money) -> Money {
    Money(a.0.saturating_add(b.0))
}

/// The totals of a row of `by_one`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    pub incidents: u64,
    pub open: u64,
    pub closed: u64,
    pub estimated: Money,
    pub recovered: Money,
    pub sanctions: Sanctions,
}

impl Totals {
    fn add(&mut self, f: &Facts) {
        self.incidents += 1;
        if f.closed {
            self.closed += 1;
        } else {
            self.open += 1;
        }
        self.estimated = plus(self.estimated, f.estimated);
        self.recovered = plus(self.recovered, f.recovered);
        self.sanctions.add_all(&f.sanctions);
    }

    /// The figures in the order of [`Column::totals`].
    fn figures(&self) -> Vec<Figure> {
        Column::totals().iter().map(|c| self.figure(c)).collect()
    }

    fn figure(&self, column: &Column) -> Figure {
        match column {
            Column::Incidents => Figure::Count(self.incidents),
            Column::Open => Figure::Count(self.open),
            Column::Closed => Figure::Count(self.closed),
            Column::LossesEstimated => Figure::Money(self.estimated),
            Column::LossesRecovered => Figure::Money(self.recovered),
            Column::Sanctions(c) => Figure::Count(self.sanctions.get(*c)),
            Column::Across(_) | Column::Total | Column::Value => Figure::Count(0),
        }
    }
}

/// A figure of the annual report (and the old national return).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    Incidents,
    PhysicalAssaults,
    PhysicalAssaultsWithMedicalFactors,
    PhysicalAssaultsWithoutMedicalFactors,
    PhysicalAssaultsMedicalFactorsUnknown,
    SanctionsCriminal,
    SanctionsCivilOrAdministrative,
    LossesEstimated,
    LossesRecovered,
    RiddorReportable,
    Closed,
    MedianDaysToClose,
    /// Closed cases whose time to close cannot be known (a closing dated
    /// before the report): left out of the median, and counted here.
    DaysToCloseUnknown,
}

impl Metric {
    /// Every metric, in the report's order.
    pub const ALL: [Metric; 13] = [
        Metric::Incidents,
        Metric::PhysicalAssaults,
        Metric::PhysicalAssaultsWithMedicalFactors,
        Metric::PhysicalAssaultsWithoutMedicalFactors,
        Metric::PhysicalAssaultsMedicalFactorsUnknown,
        Metric::SanctionsCriminal,
        Metric::SanctionsCivilOrAdministrative,
        Metric::LossesEstimated,
        Metric::LossesRecovered,
        Metric::RiddorReportable,
        Metric::Closed,
        Metric::DaysToCloseUnknown,
        Metric::MedianDaysToClose,
    ];

    /// Its key in CSV and JSON: `physical_assaults`.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Incidents => "incidents",
            Metric::PhysicalAssaults => "physical_assaults",
            Metric::PhysicalAssaultsWithMedicalFactors => "physical_assaults_with_medical_factors",
            Metric::PhysicalAssaultsWithoutMedicalFactors => "physical_assaults_without_medical_factors",
            Metric::PhysicalAssaultsMedicalFactorsUnknown => "physical_assaults_medical_factors_unknown",
            Metric::SanctionsCriminal => "sanctions_criminal",
            Metric::SanctionsCivilOrAdministrative => "sanctions_civil_or_administrative",
            Metric::LossesEstimated => "losses_estimated",
            Metric::LossesRecovered => "losses_recovered",
            Metric::RiddorReportable => "riddor_reportable",
            Metric::Closed => "closed",
            Metric::MedianDaysToClose => "median_days_to_close",
            Metric::DaysToCloseUnknown => "days_to_close_unknown",
        }
    }

    /// In plain English, for people.
    pub fn label(self) -> &'static str {
        match self {
            Metric::Incidents => "Incidents",
            Metric::PhysicalAssaults => "Physical assaults",
            Metric::PhysicalAssaultsWithMedicalFactors => "Physical assaults with medical factors",
            Metric::PhysicalAssaultsWithoutMedicalFactors => "Physical assaults without medical factors",
            Metric::PhysicalAssaultsMedicalFactorsUnknown => {
                "Physical assaults, medical factors not yet known"
            }
            Metric::SanctionsCriminal => "Criminal sanctions",
            Metric::SanctionsCivilOrAdministrative => "Civil, disciplinary and procedural sanctions",
            Metric::LossesEstimated => "Losses estimated (£)",
            Metric::LossesRecovered => "Losses recovered (£)",
            Metric::RiddorReportable => "Reportable under RIDDOR",
            Metric::Closed => "Closed",
            Metric::MedianDaysToClose => "Median days to close",
            Metric::DaysToCloseUnknown => "Closed, time to close not known",
        }
    }

    /// Nought of its kind, for a period with no incidents.
    fn zero(self) -> Figure {
        match self {
            Metric::LossesEstimated | Metric::LossesRecovered => Figure::Money(Money::ZERO),
            Metric::MedianDaysToClose => Figure::Days(None),
            _ => Figure::Count(0),
        }
    }
}

/// What a row of a summary is of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// A value of the row dimension: `theft`, `2026-10`, `(none)`.
    Value(String),
    /// The totals of every row.
    Total,
    /// A figure of the annual report.
    Metric(Metric),
}

impl Key {
    /// As CSV and JSON name it.
    pub fn name(&self) -> &str {
        match self {
            Key::Value(v) => v,
            Key::Total => "total",
            Key::Metric(m) => m.name(),
        }
    }
}

/// A column of figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    Incidents,
    Open,
    Closed,
    LossesEstimated,
    LossesRecovered,
    Sanctions(SanctionClass),
    /// A value of a cross-tab's column dimension.
    Across(String),
    /// A cross-tab row's total.
    Total,
    /// The annual report's figure (its label beside it: `Metric::label`).
    Value,
}

impl Column {
    /// The columns of `by_one`, in order: incidents, open, closed, losses
    /// estimated and recovered, then sanctions of each class.
    pub fn totals() -> Vec<Column> {
        let mut v = vec![
            Column::Incidents,
            Column::Open,
            Column::Closed,
            Column::LossesEstimated,
            Column::LossesRecovered,
        ];
        v.extend(SanctionClass::ALL.iter().map(|c| Column::Sanctions(*c)));
        v
    }

    /// As CSV and JSON name it: `losses_estimated`, `sanctions_criminal`.
    pub fn name(&self) -> String {
        match self {
            Column::Incidents => "incidents".into(),
            Column::Open => "open".into(),
            Column::Closed => "closed".into(),
            Column::LossesEstimated => "losses_estimated".into(),
            Column::LossesRecovered => "losses_recovered".into(),
            Column::Sanctions(c) => format!("sanctions_{c}"),
            Column::Across(v) => v.clone(),
            Column::Total => "total".into(),
            Column::Value => "value".into(),
        }
    }

    /// In plain English, for a spreadsheet's header: `Losses estimated (£)`.
    pub fn label(&self) -> String {
        match self {
            Column::Incidents => "Incidents".into(),
            Column::Open => "Open".into(),
            Column::Closed => "Closed".into(),
            Column::LossesEstimated => "Losses estimated (£)".into(),
            Column::LossesRecovered => "Losses recovered (£)".into(),
            Column::Sanctions(c) => format!("{} sanctions", capital(c.as_str())),
            Column::Across(v) => capital(&v.replace('-', " ")),
            Column::Total => "Total".into(),
            Column::Value => "Value".into(),
        }
    }

    /// Nought in this column, in a row keyed `key`.
    fn zero(&self, key: &Key) -> Figure {
        match (self, key) {
            (Column::LossesEstimated | Column::LossesRecovered, _) => Figure::Money(Money::ZERO),
            (Column::Value, Key::Metric(m)) => m.zero(),
            _ => Figure::Count(0),
        }
    }
}

/// `theft` as `Theft`.
fn capital(s: &str) -> String {
    let mut ch = s.chars();
    ch.next().map(|f| f.to_uppercase().chain(ch).collect()).unwrap_or_default()
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
    /// As a column's name ends: `incidents_previous`.
    pub fn column(self) -> &'static str {
        match self {
            Prior::Previous => "previous",
            Prior::LastYear => "last_year",
        }
    }

    /// As a column's label ends: `Incidents, previous period`.
    pub fn words(self) -> &'static str {
        match self {
            Prior::Previous => "previous period",
            Prior::LastYear => "same period a year earlier",
        }
    }
}

/// What a summary's rows are of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A row per value of one dimension, with the totals.
    By(Dimension),
    /// Counts of rows × columns.
    Cross(Dimension, Dimension),
    /// The annual report: a row per metric.
    Annual,
}

impl Shape {
    /// The column `--compare` compares: incidents for one dimension, the
    /// total of a cross-tab, the value of a report.
    fn headline(self) -> Column {
        match self {
            Shape::By(_) => Column::Incidents,
            Shape::Cross(..) => Column::Total,
            Shape::Annual => Column::Value,
        }
    }

    /// The name of the key column: `category`, `month\site`, `metric`.
    pub fn name(self) -> String {
        match self {
            Shape::By(d) => d.name().to_string(),
            Shape::Cross(r, c) => format!("{}\\{}", r.name(), c.name()),
            Shape::Annual => "metric".into(),
        }
    }

    /// The key column in plain English: `Category`, `Month by site`.
    pub fn label(self) -> String {
        match self {
            Shape::By(d) => d.label().to_string(),
            Shape::Cross(r, c) => format!("{} by {}", r.label(), c.label().to_lowercase()),
            Shape::Annual => "Metric".into(),
        }
    }
}

/// A row's figure in an earlier period, and how it has changed since.
#[derive(Debug, Clone, PartialEq)]
pub struct Earlier {
    pub prior: Prior,
    pub figure: Figure,
    /// `None` when either has no figure.
    pub change: Option<Change>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub key: Key,
    /// Lined up with the summary's `columns`.
    pub figures: Vec<Figure>,
    /// Lined up with the summary's `compared`.
    pub earlier: Vec<Earlier>,
}

/// A summary: typed figures in rows, the last of a `by_one` or `cross`
/// being the total.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub shape: Shape,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// The earlier periods set beside the headline figure, in order.
    pub compared: Vec<Prior>,
}

impl Summary {
    /// Where the headline figure (the one compared) is in `columns`.
    pub fn headline(&self) -> usize {
        let h = self.shape.headline();
        self.columns.iter().position(|c| *c == h).unwrap_or(0)
    }

    pub fn row(&self, key: &Key) -> Option<&Row> {
        self.rows.iter().find(|r| r.key == *key)
    }

    /// The figure of row `key` in `column`.
    pub fn figure(&self, key: &Key, column: &Column) -> Option<Figure> {
        let i = self.columns.iter().position(|c| c == column)?;
        self.row(key).and_then(|r| r.figures.get(i).copied())
    }

    /// The rows' values of the row dimension (all but the total).
    pub fn row_values(&self) -> Vec<&str> {
        self.rows
            .iter()
            .filter_map(|r| if let Key::Value(v) = &r.key { Some(v.as_str()) } else { None })
            .collect()
    }

    /// The values of a cross-tab's column dimension.
    pub fn across(&self) -> Vec<&str> {
        self.columns
            .iter()
            .filter_map(|c| if let Column::Across(v) = c { Some(v.as_str()) } else { None })
            .collect()
    }
}

fn row(key: Key, figures: Vec<Figure>) -> Row {
    Row { key, figures, earlier: Vec::new() }
}

/// One row per value of `dim`, with the totals, and a `total` row.
pub fn by_one(facts: &[Facts], dim: Dimension, k: &Known) -> Summary {
    let mut groups: BTreeMap<String, Totals> = BTreeMap::new();
    let mut all = Totals::default();
    for f in facts {
        all.add(f);
        for key in f.keys.first().into_iter().flatten() {
            groups.entry(key.clone()).or_default().add(f);
        }
    }
    let order = dim.ordered(k, groups.keys().cloned().collect::<Vec<_>>().into_iter());
    let mut rows: Vec<Row> = order
        .into_iter()
        .map(|key| {
            let t = groups.remove(&key).unwrap_or_default();
            row(Key::Value(key), t.figures())
        })
        .collect();
    rows.push(row(Key::Total, all.figures()));
    Summary { shape: Shape::By(dim), columns: Column::totals(), rows, compared: Vec::new() }
}

/// Counts of incidents by `rows` × `cols`, with totals both ways.
pub fn cross(facts: &[Facts], rows_dim: Dimension, cols_dim: Dimension, k: &Known) -> Summary {
    let mut counts: BTreeMap<(String, String), u64> = BTreeMap::new();
    for f in facts {
        for r in f.keys.first().into_iter().flatten() {
            for c in f.keys.get(1).into_iter().flatten() {
                *counts.entry((r.clone(), c.clone())).or_default() += 1;
            }
        }
    }
    let row_keys: Vec<String> = counts.keys().map(|(r, _)| r.clone()).collect();
    let col_keys: Vec<String> = counts.keys().map(|(_, c)| c.clone()).collect();
    let rows_order = rows_dim.ordered(k, row_keys.into_iter());
    let cols_order = cols_dim.ordered(k, col_keys.into_iter());
    let mut columns: Vec<Column> = cols_order.iter().cloned().map(Column::Across).collect();
    columns.push(Column::Total);
    let get = |r: &str, c: &str| counts.get(&(r.to_string(), c.to_string())).copied().unwrap_or(0);
    let with_total = |cells: Vec<u64>| -> Vec<Figure> {
        let sum = cells.iter().fold(0, |a: u64, n| a.saturating_add(*n));
        cells.into_iter().chain([sum]).map(Figure::Count).collect()
    };
    let mut rows: Vec<Row> = rows_order
        .iter()
        .map(|r| row(Key::Value(r.clone()), with_total(cols_order.iter().map(|c| get(r, c)).collect())))
        .collect();
    let col_totals: Vec<u64> =
        cols_order.iter().map(|c| rows_order.iter().map(|r| get(r, c)).sum()).collect();
    rows.push(row(Key::Total, with_total(col_totals)));
    Summary { shape: Shape::Cross(rows_dim, cols_dim), columns, rows, compared: Vec::new() }
}

/// The figures of a board's annual security report (and the old national
/// return): one metric a row.
pub fn annual(facts: &[Facts]) -> Summary {
    let pa: Vec<&Facts> = facts.iter().filter(|f| f.physical_assault).collect();
    let mf = |t: Tri| pa.iter().filter(|f| f.medical_factors == Some(t)).count() as u64;
    let mut sanctions = Sanctions::default();
    for f in facts {
        sanctions.add_all(&f.sanctions);
    }
    let money = |pick: fn(&Facts) -> Money| facts.iter().map(pick).fold(Money::ZERO, plus);
    let days: Vec<i64> = facts.iter().filter_map(|f| f.days_to_close).collect();
    let closed = facts.iter().filter(|f| f.closed).count() as u64;
    let figure = |m: Metric| match m {
        Metric::Incidents => Figure::Count(facts.len() as u64),
        Metric::PhysicalAssaults => Figure::Count(pa.len() as u64),
        Metric::PhysicalAssaultsWithMedicalFactors => Figure::Count(mf(Tri::Yes)),
        Metric::PhysicalAssaultsWithoutMedicalFactors => Figure::Count(mf(Tri::No)),
        Metric::PhysicalAssaultsMedicalFactorsUnknown => {
            Figure::Count(pa.len() as u64 - mf(Tri::Yes) - mf(Tri::No))
        }
        Metric::SanctionsCriminal => Figure::Count(sanctions.get(SanctionClass::Criminal)),
        Metric::SanctionsCivilOrAdministrative => {
            Figure::Count(sanctions.sum(|c| c != SanctionClass::Criminal))
        }
        Metric::LossesEstimated => Figure::Money(money(|f| f.estimated)),
        Metric::LossesRecovered => Figure::Money(money(|f| f.recovered)),
        Metric::RiddorReportable => {
            Figure::Count(facts.iter().filter(|f| f.riddor_reportable).count() as u64)
        }
        Metric::Closed => Figure::Count(closed),
        Metric::MedianDaysToClose => Figure::Days(Days::median(&days)),
        Metric::DaysToCloseUnknown => Figure::Count(closed.saturating_sub(days.len() as u64)),
    };
    Summary {
        shape: Shape::Annual,
        columns: vec![Column::Value],
        rows: Metric::ALL.iter().map(|m| row(Key::Metric(*m), vec![figure(*m)])).collect(),
        compared: Vec::new(),
    }
}

/// `now` with, beside each row's headline figure, the same row's figure in
/// `before` and the change. A row only `before` has is added with zeros,
/// before the total.
pub fn compare(mut now: Summary, before: &Summary, prior: Prior) -> Summary {
    let fig = now.headline();
    let zeros = |key: &Key, compared: &[Prior]| -> Row {
        let figures: Vec<Figure> = now.columns.iter().map(|c| c.zero(key)).collect();
        let zero = figures.get(fig).copied().unwrap_or(Figure::Count(0));
        let earlier = compared
            .iter()
            .map(|p| Earlier { prior: *p, figure: zero, change: Change::between(zero, zero) })
            .collect();
        Row { key: key.clone(), figures, earlier }
    };
    let missing: Vec<Row> = before
        .rows
        .iter()
        .filter(|r| now.row(&r.key).is_none())
        .map(|r| zeros(&r.key, &now.compared))
        .collect();
    for r in missing {
        let at = now.rows.len().saturating_sub(1);
        now.rows.insert(at, r);
    }
    let then = before.headline();
    for row in &mut now.rows {
        let figure = row.figures.get(fig).copied().unwrap_or(Figure::Count(0));
        let earlier = match before.row(&row.key).and_then(|r| r.figures.get(then)) {
            Some(f) => *f,
            None => figure.zero_like(),
        };
        row.earlier.push(Earlier { prior, figure: earlier, change: Change::between(figure, earlier) });
    }
    now.compared.push(prior);
    now
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(key: &str, closed: bool, classes: &[SanctionClass]) -> Facts {
        let mut sanctions = Sanctions::default();
        for c in classes {
            sanctions.add(*c, 1);
        }
        Facts { keys: vec![vec![key.to_string()]], closed, sanctions, ..Facts::default() }
    }

    #[test]
    fn sanctions_are_counted_by_their_class() {
        use SanctionClass::*;
        let facts = [fact("theft", true, &[Criminal, Civil]), fact("theft", false, &[Criminal, Procedural])];
        let a = annual(&facts);
        let get = |m| a.figure(&Key::Metric(m), &Column::Value);
        assert_eq!(get(Metric::SanctionsCriminal), Some(Figure::Count(2)));
        assert_eq!(get(Metric::SanctionsCivilOrAdministrative), Some(Figure::Count(2)));
        let k = Known { categories: vec!["theft".into()], ..Known::default() };
        let s = by_one(&facts, Dimension::Category, &k);
        let total = |c| s.figure(&Key::Total, &Column::Sanctions(c)).and_then(Figure::count);
        assert_eq!(
            [Procedural, Disciplinary, Civil, Criminal].map(total),
            [Some(1), Some(0), Some(1), Some(2)]
        );
        assert_eq!(
            s.columns.iter().map(Column::name).skip(5).collect::<Vec<_>>(),
            ["sanctions_procedural", "sanctions_disciplinary", "sanctions_civil", "sanctions_criminal"]
        );
        assert_eq!(s.figure(&Key::Value("theft".into()), &Column::Open), Some(Figure::Count(1)));
    }

    #[test]
    fn columns_in_plain_english() {
        assert_eq!(Column::LossesEstimated.label(), "Losses estimated (£)");
        assert_eq!(Column::Sanctions(SanctionClass::Criminal).label(), "Criminal sanctions");
        assert_eq!(Column::Across("Hollins Park".into()).label(), "Hollins Park");
        assert_eq!(Column::Across("non-physical-assault".into()).label(), "Non physical assault");
        assert_eq!(Shape::Cross(Dimension::Month, Dimension::Site).label(), "Month by site");
        assert_eq!(Shape::Cross(Dimension::Month, Dimension::Site).name(), "month\\site");
        assert_eq!(Shape::By(Dimension::ReporterParty).label(), "Reporter");
        assert_eq!(Metric::MedianDaysToClose.label(), "Median days to close");
    }

    #[test]
    fn comparing_lines_up_rows_by_their_key() {
        let k = Known::default();
        let three: Vec<Facts> = (0..3).map(|_| fact("theft", false, &[])).collect();
        let now = by_one(&three, Dimension::Category, &k);
        let mut before = vec![fact("theft", false, &[])];
        before.extend([fact("harassment", false, &[]), fact("harassment", false, &[])]);
        let c = compare(now, &by_one(&before, Dimension::Category, &k), Prior::LastYear);
        let view: Vec<(String, String, String, String)> = c
            .rows
            .iter()
            .map(|r| {
                let e = &r.earlier[0];
                let change = e.change.map(|c| c.to_string()).unwrap_or_default();
                (r.key.name().to_string(), r.figures[c.headline()].to_string(), e.figure.to_string(), change)
            })
            .collect();
        let want = [("theft", "3", "1", "+2"), ("harassment", "0", "2", "-2"), ("total", "3", "3", "0")];
        assert_eq!(view, want.map(|(a, b, c, d)| (a.into(), b.into(), c.into(), d.into())));
        assert_eq!(c.compared, [Prior::LastYear]);
        let harassment = c.row(&Key::Value("harassment".into())).unwrap();
        assert_eq!(harassment.figures[3], Figure::Money(Money::ZERO), "a row only before had is all zeros");
    }

    #[test]
    fn a_cross_tab_compares_its_totals_whatever_columns_each_side_has() {
        let k = Known::default();
        let two = |a: &str, b: &str| Facts { keys: vec![vec![a.into()], vec![b.into()]], ..Facts::default() };
        let now = cross(&[two("theft", "A"), two("theft", "B")], Dimension::Category, Dimension::Site, &k);
        assert_eq!(now.across(), ["A", "B", "(none)"]);
        let before = cross(&[two("theft", "A")], Dimension::Category, Dimension::Site, &k);
        let c = compare(now, &before, Prior::Previous);
        let theft = c.row(&Key::Value("theft".into())).unwrap();
        assert_eq!(theft.figures.last(), Some(&Figure::Count(2)));
        assert_eq!(
            (theft.earlier[0].figure, theft.earlier[0].change),
            (Figure::Count(1), Some(Change::Count(1)))
        );
    }

    #[test]
    fn the_annual_report_gives_a_median_between_two_days() {
        let f = |d| Facts { days_to_close: Some(d), physical_assault: true, ..Facts::default() };
        let a = annual(&[f(2), f(3)]);
        let median = a.figure(&Key::Metric(Metric::MedianDaysToClose), &Column::Value).unwrap();
        assert_eq!(median.to_string(), "2.5");
        let none = annual(&[]);
        assert_eq!(
            none.figure(&Key::Metric(Metric::MedianDaysToClose), &Column::Value),
            Some(Figure::Days(None))
        );
        assert_eq!(
            a.figure(&Key::Metric(Metric::PhysicalAssaultsMedicalFactorsUnknown), &Column::Value),
            Some(Figure::Count(2))
        );
    }
}
