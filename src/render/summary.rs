//! A summary's typed figures written out: as rows of text (a table, TSV,
//! JSON), as CSV whose figures stay numbers, and as a spreadsheet's typed
//! cells. The figures become text here and nowhere earlier.

use super::Rows;
use super::xlsx::XCell;
use crate::report::dimension::Dimension;
use crate::report::summary::{Change, Column, Figure, Key, Shape, Summary};

/// The column names, as CSV and JSON have them: the key's (`category`,
/// `month\site`, `metric`), the annual report's `label`, the figures', and
/// for each comparison the earlier figure's and the change's
/// (`incidents_previous`, `incidents_change_vs_previous`).
pub fn header(s: &Summary) -> Vec<String> {
    let mut out = vec![s.shape.name()];
    if s.shape == Shape::Annual {
        out.push("label".into());
    }
    out.extend(s.columns.iter().map(|c| c.name()));
    let h = s.columns.get(s.headline()).map(|c| c.name()).unwrap_or_default();
    for p in &s.compared {
        out.push(format!("{h}_{}", p.column()));
        out.push(format!("{h}_change_vs_{}", p.column()));
    }
    out
}

/// The columns in plain English, for a spreadsheet's header row:
/// `Losses estimated (£)`, `Month by site`, `Incidents, previous period`.
pub fn labels(s: &Summary) -> Vec<String> {
    let mut out = vec![s.shape.label()];
    if let Some(d) = worded_rows(s) {
        out.push(format!("{} code", d.label()));
    }
    if s.shape == Shape::Annual {
        out.push("Figure".into());
    }
    let across = match s.shape {
        Shape::Cross(_, c) => Some(c),
        _ => None,
    };
    out.extend(s.columns.iter().map(|c| match (c, across) {
        (Column::Across(v), Some(d)) => d.value_label(v),
        (c, _) => c.label(),
    }));
    let h = s.columns.get(s.headline()).map(|c| c.label()).unwrap_or_default();
    for p in &s.compared {
        out.push(format!("{h}, {}", p.words()));
        out.push(format!("{h}: change on the {}", p.words()));
    }
    out
}

/// The rows' dimension, where its values are words: a spreadsheet shows
/// them as people read them, the word in a code column beside.
fn worded_rows(s: &Summary) -> Option<Dimension> {
    match s.shape {
        Shape::By(d) | Shape::Cross(d, _) if d.worded() => Some(d),
        _ => None,
    }
}

/// One cell of a summary, before it is written.
enum Cell<'a> {
    Text(&'a str),
    Figure(Figure),
    Change(Option<Change>),
}

/// Each row's cells, lined up with [`header`].
fn cells(s: &Summary) -> impl Iterator<Item = Vec<Cell<'_>>> {
    s.rows.iter().map(|r| {
        let mut out = vec![Cell::Text(r.key.name())];
        if let crate::report::summary::Key::Metric(m) = r.key {
            out.push(Cell::Text(m.label()));
        }
        out.extend(r.figures.iter().map(|f| Cell::Figure(*f)));
        for e in &r.earlier {
            out.push(Cell::Figure(e.figure));
            out.push(Cell::Change(e.change));
        }
        out
    })
}

impl Cell<'_> {
    fn text(&self) -> String {
        match self {
            Cell::Text(t) => t.to_string(),
            Cell::Figure(f) => f.to_string(),
            Cell::Change(c) => c.map(|c| c.to_string()).unwrap_or_default(),
        }
    }

    fn xlsx(&self) -> XCell {
        match self {
            Cell::Text(t) => XCell::Text(t.to_string()),
            Cell::Figure(Figure::Count(n)) => XCell::Number(*n as f64),
            Cell::Figure(Figure::Money(m)) => XCell::Money(m.0 as f64 / 100.0),
            Cell::Figure(Figure::Days(Some(d))) => XCell::Number(d.as_f64()),
            Cell::Figure(Figure::Days(None)) | Cell::Change(None) => XCell::Empty,
            Cell::Change(Some(c @ Change::Money(_))) => XCell::Money(c.as_f64()),
            Cell::Change(Some(c)) => XCell::Number(c.as_f64()),
        }
    }
}

/// The summary as rows of text: for a table, TSV, JSON.
pub fn rows(s: &Summary) -> Rows {
    Rows { columns: header(s), rows: cells(s).map(|r| r.iter().map(Cell::text).collect()).collect() }
}

/// CSV with a header. Text (names of categories, sites, labels) is
/// neutralised as in every CSV; figures are written as they are, so a
/// change of `-3` stays a number instead of getting a leading `'`.
pub fn csv(out: &mut dyn std::io::Write, s: &Summary) -> std::io::Result<()> {
    out.write_all(super::csv_line(&header(s)).as_bytes())?;
    for row in cells(s) {
        let line: Vec<String> = row
            .iter()
            .map(|c| match c {
                Cell::Text(t) => super::csv_line(&[t]).trim_end_matches('\n').to_string(),
                figure => figure.text(),
            })
            .collect();
        out.write_all(line.join(",").as_bytes())?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// The summary's cells typed for a spreadsheet: counts and days as
/// numbers, money (and a change in money) in pounds, names as text.
#[cfg(test)]
pub fn xlsx_rows(s: &Summary) -> Vec<Vec<XCell>> {
    cells(s).map(|r| r.iter().map(Cell::xlsx).collect()).collect()
}

/// The spreadsheet's rows and, apart, its total row (which a sheet keeps
/// outside the range its filter sorts).
pub fn xlsx_split(s: &Summary) -> (Vec<Vec<XCell>>, Option<Vec<XCell>>) {
    let mut rows = Vec::new();
    let mut total = None;
    let rows_dim = match s.shape {
        Shape::By(d) | Shape::Cross(d, _) => Some(d),
        Shape::Annual => None,
    };
    let code = worded_rows(s).is_some();
    for (r, cells) in s.rows.iter().zip(cells(s)) {
        let mut x: Vec<XCell> = cells.iter().map(Cell::xlsx).collect();
        // The row's value as people read it, its word beside where it is one.
        if let (Some(d), Some(first)) = (rows_dim, x.first_mut()) {
            let (label, word) = match &r.key {
                Key::Value(v) => (d.value_label(v), XCell::Text(v.clone())),
                _ => ("Total".to_string(), XCell::Empty),
            };
            *first = XCell::Text(label);
            if code {
                x.insert(1, word);
            }
        }
        if matches!(r.key, Key::Total) { total = Some(x) } else { rows.push(x) }
    }
    (rows, total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Money;
    use crate::report::summary::{Column, Dimension, Facts, Known, Metric, Prior, annual, by_one, compare};

    fn facts(key: &str, pence: u64) -> Facts {
        Facts { keys: vec![vec![key.into()]], estimated: Money(pence), ..Facts::default() }
    }

    fn summary() -> Summary {
        let k = Known::default();
        let now = by_one(&[facts("-x", 1250), facts("=1", 0)], Dimension::Category, &k);
        let before = by_one(
            &[facts("-x", 0), facts("-x", 0), facts("-x", 0), facts("-x", 0)],
            Dimension::Category,
            &k,
        );
        compare(now, &before, Prior::Previous)
    }

    #[test]
    fn figures_stay_numbers_and_text_is_still_neutralised() {
        let mut out = Vec::new();
        csv(&mut out, &summary()).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "category,incidents,open,closed,losses_estimated,losses_recovered,sanctions_procedural,\
             sanctions_disciplinary,sanctions_civil,sanctions_criminal,incidents_previous,incidents_change_vs_previous"
        );
        assert_eq!(lines[1], "'-x,1,1,0,12.50,0.00,0,0,0,0,4,-3");
        assert_eq!(lines[2], "'=1,1,1,0,0.00,0.00,0,0,0,0,0,+1");
        assert_eq!(lines[3], "total,2,2,0,12.50,0.00,0,0,0,0,4,-2");
        assert_eq!(rows(&summary()).rows[1][11], "+1", "the same text for a table or JSON");
    }

    #[test]
    fn a_spreadsheet_gets_numbers_money_and_text() {
        let s = summary();
        let x = xlsx_rows(&s);
        assert_eq!(x[0][0], XCell::Text("-x".into()), "a key stays text, however it reads");
        assert_eq!((x[0][1].clone(), x[0][4].clone()), (XCell::Number(1.0), XCell::Money(12.5)));
        assert_eq!(x[0][11], XCell::Number(-3.0));
        assert_eq!(labels(&s)[..2], ["Category", "Category code"]);
        assert_eq!(labels(&s)[5], "Losses estimated (£)");
        // The spreadsheet's rows: the word beside its label, exactly as given.
        let (sheet, total) = xlsx_split(&s);
        assert_eq!(sheet[0][1], XCell::Text("-x".into()));
        assert_eq!(sheet[0][2..], x[0][1..]);
        assert_eq!(total.unwrap()[..2], [XCell::Text("Total".into()), XCell::Empty]);
        assert_eq!(
            labels(&s)[11..],
            ["Incidents, previous period", "Incidents: change on the previous period"]
        );
        let a = compare(annual(&[facts("x", 100)]), &annual(&[]), Prior::LastYear);
        let losses = a.rows.iter().position(|r| r.key.name() == "losses_estimated").unwrap();
        let x = xlsx_rows(&a);
        assert_eq!(x[losses][1], XCell::Text(Metric::LossesEstimated.label().into()));
        assert_eq!(x[losses][2..], [XCell::Money(1.0), XCell::Money(0.0), XCell::Money(1.0)]);
        let median = x.last().unwrap();
        assert_eq!(median[2..], [XCell::Empty, XCell::Empty, XCell::Empty], "no median, no change");
        assert_eq!(header(&a)[..3], ["metric", "label", "value"]);
        assert_eq!(labels(&a)[..3], ["Metric", "Figure", "Value"]);
        assert_eq!(a.columns, [Column::Value]);
    }
}
