//! Writers for rows of text: a table for people, TSV and CSV for pipes and
//! spreadsheets, JSON for programs. Pure: each writes to what it is given.

pub mod board;
pub mod xlsx;

use std::io::{self, Write};

/// The UTF-8 byte order mark: put at the head of a CSV file written with
/// `--output`, so that a spreadsheet reads `£` as `£` and not `Â£`.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A header and rows of cells, all text.
#[derive(Debug, Clone, Default)]
pub struct Rows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// A cell that a spreadsheet could run as a formula gets a leading `'`
/// (OWASP's advice for CSV injection): one whose first character after any
/// leading white space (space, tab, CR, LF, VT, FF, no-break and the other
/// Unicode spaces) is `= + - @` or their full-width forms `＝ ＋ － ＠`, or
/// that starts with a tab or CR. Spreadsheets trim such space before they
/// look for a formula.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    let first = cell.chars().find(|c| !(c.is_whitespace() || *c == '\u{FEFF}' || *c == '\u{200B}'));
    let formula = first.is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '＝' | '＋' | '－' | '＠'));
    if formula || cell.starts_with(['\t', '\r']) { format!("'{cell}").into() } else { cell.into() }
}

/// One TSV cell: tabs and line breaks become spaces, so a row is a line.
fn tsv_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.contains(['\t', '\n', '\r']) { cell.replace(['\t', '\n', '\r'], " ").into() } else { cell.into() }
}

/// One TSV line (no header): for `cut`, `sort`, `wc -l`.
pub fn tsv_row<S: AsRef<str>>(out: &mut dyn Write, cells: &[S]) -> io::Result<()> {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.write_all(b"\t")?;
        }
        out.write_all(tsv_cell(c.as_ref()).as_bytes())?;
    }
    out.write_all(b"\n")
}

/// One CSV line (RFC 4180), every cell neutralised.
pub fn csv_line<S: AsRef<str>>(cells: &[S]) -> String {
    let mut line = String::with_capacity(128);
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        let c = neutralise(c.as_ref());
        if c.contains([',', '"', '\n', '\r']) || c.starts_with(' ') || c.ends_with(' ') {
            line.push('"');
            line.push_str(&c.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(&c);
        }
    }
    line.push('\n');
    line
}

/// One JSON object, keyed by column, on one line.
pub fn json_object<S: AsRef<str>>(columns: &[String], cells: &[S]) -> String {
    let obj: serde_json::Map<String, serde_json::Value> = columns
        .iter()
        .zip(cells)
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.as_ref().to_string())))
        .collect();
    serde_json::to_string(&obj).unwrap_or_default()
}

/// A JSON array written one element at a time: `[`, then each element on
/// its own line, then `]`.
pub struct JsonArray {
    started: bool,
}

impl JsonArray {
    pub fn new() -> JsonArray {
        JsonArray { started: false }
    }
    pub fn item(&mut self, out: &mut dyn Write, json: &str) -> io::Result<()> {
        out.write_all(if self.started { b",\n  " } else { b"[\n  " })?;
        self.started = true;
        out.write_all(json.as_bytes())
    }
    pub fn end(self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(if self.started { b"\n]\n" } else { b"[]\n" })
    }
}

/// TSV without a header: one line per row.
pub fn tsv(out: &mut dyn Write, rows: &Rows) -> io::Result<()> {
    rows.rows.iter().try_for_each(|r| tsv_row(out, r))
}

/// CSV with a header, every cell neutralised.
pub fn csv(out: &mut dyn Write, rows: &Rows) -> io::Result<()> {
    out.write_all(csv_line(&rows.columns).as_bytes())?;
    rows.rows.iter().try_for_each(|r| out.write_all(csv_line(r).as_bytes()))
}

/// Is this cell a plain figure (`12`, `-3`, `+850.50`)? A spreadsheet reads
/// it as a number, never as a formula.
fn is_figure(cell: &str) -> bool {
    let d = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    let (w, f) = d.split_once('.').unwrap_or((d, "0"));
    !w.is_empty() && !f.is_empty() && w.bytes().chain(f.bytes()).all(|b| b.is_ascii_digit())
}

/// CSV of figures (a summary): as `csv`, but a signed number such as a
/// change of `-3` stays a number instead of getting a leading `'`.
pub fn csv_figures(out: &mut dyn Write, rows: &Rows) -> io::Result<()> {
    out.write_all(csv_line(&rows.columns).as_bytes())?;
    for r in &rows.rows {
        let line = csv_line(r);
        if r.iter().any(|c| c.starts_with(['+', '-']) && is_figure(c)) {
            // Rebuild the line with the figures left as they are.
            let cells: Vec<String> = r
                .iter()
                .map(|c| {
                    if is_figure(c) {
                        c.clone()
                    } else {
                        let one = csv_line(&[c]);
                        one.trim_end_matches('\n').to_string()
                    }
                })
                .collect();
            out.write_all(cells.join(",").as_bytes())?;
            out.write_all(b"\n")?;
        } else {
            out.write_all(line.as_bytes())?;
        }
    }
    Ok(())
}

/// A JSON array of objects, one per row, keyed by column.
pub fn json(out: &mut dyn Write, rows: &Rows) -> io::Result<()> {
    let mut a = JsonArray::new();
    for r in &rows.rows {
        a.item(out, &json_object(&rows.columns, r))?;
    }
    a.end(out)
}

/// A table for a terminal `width` columns wide.
pub fn table(out: &mut dyn Write, rows: &Rows, width: Option<u16>, color: bool) -> io::Result<()> {
    use comfy_table::{Attribute, Cell, ContentArrangement, Table, presets};
    let mut t = Table::new();
    t.load_preset(presets::UTF8_HORIZONTAL_ONLY)
        .remove_style(comfy_table::TableComponent::HorizontalLines)
        .remove_style(comfy_table::TableComponent::MiddleIntersections)
        .remove_style(comfy_table::TableComponent::LeftBorderIntersections)
        .remove_style(comfy_table::TableComponent::RightBorderIntersections)
        .remove_style(comfy_table::TableComponent::TopBorder)
        .remove_style(comfy_table::TableComponent::BottomBorder)
        .remove_style(comfy_table::TableComponent::TopBorderIntersections)
        .remove_style(comfy_table::TableComponent::BottomBorderIntersections)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if let Some(w) = width {
        t.set_width(w);
    }
    if color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    let header = rows.columns.iter().map(|c| {
        let cell = Cell::new(c);
        if color { cell.add_attribute(Attribute::Bold) } else { cell }
    });
    t.set_header(header);
    for row in &rows.rows {
        t.add_row(row.iter().map(|c| crate::model::text::for_terminal(&tsv_cell(c), false).into_owned()));
    }
    // comfy-table pads every line to the table's width: trim the tail.
    t.lines().try_for_each(|line| writeln!(out, "{}", line.trim_end()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Rows {
        Rows {
            columns: vec!["id".into(), "summary".into()],
            rows: vec![
                vec!["A".into(), "=HYPERLINK(\"x\")".into()],
                vec!["B".into(), "tab\there, \"quoted\"\nnext".into()],
            ],
        }
    }

    #[test]
    fn csv_neutralises_formulas_and_quotes() {
        let mut out = Vec::new();
        csv(&mut out, &rows()).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("id,summary\n"));
        assert!(text.contains("A,\"'=HYPERLINK(\"\"x\"\")\""), "{text}");
        for cell in [
            "=1",
            "+1",
            "-1",
            "@x",
            "\tx",
            "\rx",
            " =1",
            "\n=1",
            "\u{0B}+1",
            "\u{0C}-1",
            "\u{A0}=1",
            "\u{3000}@x",
            "\u{2003}=1",
            "＝1",
            " ＋1",
            "－1",
            "＠x",
            "\u{FEFF}=1",
        ] {
            assert!(neutralise(cell).starts_with('\''), "{cell:?}");
        }
        for cell in ["x=1", "", "  ", "a@b", "2026-11-24", "£1,250"] {
            assert_eq!(neutralise(cell), cell, "{cell:?}");
        }
        assert_eq!(neutralise("2026-11-24"), "2026-11-24");
    }

    #[test]
    fn figures_stay_numbers_and_text_is_still_neutralised() {
        let rows = Rows {
            columns: vec!["k".into(), "n".into(), "c".into()],
            rows: vec![
                vec!["-x".into(), "-3".into(), "+12.50".into()],
                vec!["=1".into(), "4".into(), "0".into()],
            ],
        };
        let mut out = Vec::new();
        csv_figures(&mut out, &rows).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "k,n,c\n'-x,-3,+12.50\n'=1,4,0\n");
        assert!(!is_figure("-1+1") && !is_figure("-") && !is_figure("1.") && is_figure("-0.5"));
    }

    #[test]
    fn tsv_keeps_one_row_per_line() {
        let mut out = Vec::new();
        tsv(&mut out, &rows()).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 2);
        assert_eq!(text.lines().nth(1).unwrap().split('\t').count(), 2);
    }

    #[test]
    fn json_is_an_array_of_objects() {
        let mut out = Vec::new();
        json(&mut out, &rows()).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v[1]["id"], "B");
    }
}
