//! Writers for rows of text: a table for people, TSV and CSV for pipes and
//! spreadsheets, JSON for programs; and for `report`'s typed figures, the
//! summaries (`summary`), the board's page (`board`) and spreadsheets
//! (`xlsx`). Pure: each writes to what it is given. It may look down at
//! `report`'s types; `report` never looks up here.

pub mod board;
pub mod casefile;
pub mod summary;
pub mod xlsx;

use crate::report::Period;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The UTF-8 byte order mark: put at the head of a CSV file written with
/// `--output`, so that a spreadsheet reads `£` as `£` and not `Â£`.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Puts the period's name for files (`2026-27`, `2026-10`) where an
/// `--output` path says `{period}`: an output's name is output logic, for
/// every command that writes one.
pub fn name_for(file: Option<&Path>, period: Option<&Period>) -> Option<PathBuf> {
    let file = file?;
    match (file.to_str(), period) {
        (Some(s), Some(p)) if s.contains("{period}") => Some(PathBuf::from(s.replace("{period}", &p.slug()))),
        _ => Some(file.to_path_buf()),
    }
}

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

/// A JSON array of objects, one per row, keyed by column.
pub fn json(out: &mut dyn Write, rows: &Rows) -> io::Result<()> {
    let mut a = JsonArray::new();
    for r in &rows.rows {
        a.item(out, &json_object(&rows.columns, r))?;
    }
    a.end(out)
}

/// Is the cell of this row (all its cells) at this column an alert?
pub type Alert<'a> = &'a dyn Fn(&[String], usize) -> bool;

/// How a table is shown: how wide it may be, whether in colour, and which
/// cells are alerts (overdue), shown in red when colour is on.
#[derive(Default)]
pub struct Look<'a> {
    /// The terminal's width: long text columns are cut with `…` to fit.
    pub width: Option<u16>,
    pub color: bool,
    /// `alert(row, column)`: is this cell an alert?
    pub alert: Option<Alert<'a>>,
    /// The columns by name, most needed first: where even cut text does
    /// not fit, columns go from the end of this list. Columns not named
    /// go before any named. `None`: the first column (the id), then the
    /// columns of numbers (the key figures), then the rest left to right.
    pub keep: Option<&'a [&'a str]>,
}

/// The order in which columns are given up, last to go first: see
/// [`Look::keep`].
fn keep_order(header: &[String], numeric: &[bool], keep: Option<&[&str]>) -> Vec<usize> {
    let mut order: Vec<usize> = Vec::with_capacity(header.len());
    match keep {
        Some(names) => {
            for n in names {
                if let Some(i) = header.iter().position(|h| h == n).filter(|i| !order.contains(i)) {
                    order.push(i);
                }
            }
        }
        None => {
            order.extend((0..header.len()).take(1));
            order.extend((1..header.len()).filter(|i| numeric[*i]));
        }
    }
    let named = order.clone();
    order.extend((0..header.len()).filter(|i| !named.contains(i)));
    order
}

/// A cell that is a number (a count or an amount): right-aligned.
fn is_number(cell: &str) -> bool {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|b| *b == b'.').count() <= 1
        && digits.bytes().next().is_some_and(|b| b.is_ascii_digit())
}

/// A column never cut narrower than this (nor than its header).
const CUT_FLOOR: usize = 12;

/// `cell` cut to `width` display columns, ending in `…` when cut.
pub fn cut(cell: &str, width: usize) -> std::borrow::Cow<'_, str> {
    use unicode_width::UnicodeWidthChar;
    if unicode_width::UnicodeWidthStr::width(cell) <= width {
        return cell.into();
    }
    let mut used = 0;
    let mut out = String::new();
    for c in cell.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out.into()
}

/// One line of text broken at spaces into lines of at most `width`
/// display columns, each after the first indented by `hang` spaces (a
/// hanging indent). A break falls only on a space at or past the `hang`
/// column (so a label's padding is never a break); a word is split only
/// when it is longer than a line.
pub fn wrap(line: &str, width: usize, hang: usize) -> Vec<String> {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    let width = width.max(2);
    // At least a short word's room after the indent on a narrow terminal.
    let hang = hang.min(width.saturating_sub(12));
    if line.width() <= width {
        return vec![line.to_string()];
    }
    let mut out = Vec::new();
    let mut rest: Vec<char> = line.chars().collect();
    let mut lead = 0;
    while !rest.is_empty() {
        let (mut used, mut end, mut brk, mut seen_word) = (lead, rest.len(), None, false);
        for (k, c) in rest.iter().enumerate() {
            if *c == ' ' && seen_word && used >= hang {
                brk = Some(k);
            }
            let w = c.width().unwrap_or(0);
            if used + w > width {
                end = k;
                break;
            }
            used += w;
            seen_word |= *c != ' ';
        }
        let pad = " ".repeat(lead);
        if end == rest.len() {
            out.push(format!("{pad}{}", rest.iter().collect::<String>()));
            break;
        }
        let cut = match brk {
            _ if rest[end] == ' ' && seen_word => end,
            Some(b) => b,
            None => end.max(1),
        };
        out.push(format!("{pad}{}", rest[..cut].iter().collect::<String>().trim_end()));
        let skip = rest[cut..].iter().take_while(|c| **c == ' ').count();
        rest.drain(..cut + skip);
        lead = hang;
    }
    out
}

/// Cells this wide or narrower are never cut: ids, dates, statuses,
/// numbers.
const SHORT: usize = 16;

/// The width of each column so the table fits `width`. Free text (columns
/// whose cells hold spaces: summary, location, detail) gives way first,
/// widest first, then long single words (categories); neither below
/// [`CUT_FLOOR`] or its header, and words only when that makes the table
/// fit. Columns of short cells are never cut, so a terminal too narrow
/// even for those wraps as it must.
fn fit(columns: &[Measure], numeric: &[bool], width: Option<u16>) -> Vec<usize> {
    let mut widths: Vec<usize> = columns.iter().map(|m| m.widest).collect();
    let spaced: Vec<bool> = columns.iter().map(|m| m.spaced).collect();
    let Some(limit) = width.map(usize::from) else { return widths };
    if widths.len() == 1 {
        // One column left: its cells are cut to the line, whatever they hold.
        return vec![widths[0].min(limit.saturating_sub(2)).max(1)];
    }
    // One space before each column and two after it but the last, and a
    // rule under the header that reaches one past the last column.
    let total = |w: &[usize]| w.iter().sum::<usize>() + 3 * w.len().saturating_sub(1) + 2;
    let floors: Vec<usize> = columns
        .iter()
        .zip(&widths)
        .zip(numeric)
        .map(|((m, w), num)| if *num || *w <= SHORT { *w } else { m.header.max(CUT_FLOOR).min(*w) })
        .collect();
    let mut over = total(&widths).saturating_sub(limit);
    for text in [true, false] {
        // Long words (category names) are cut only when that makes the
        // table fit: cut in vain, they only lose what they say.
        let can_give: usize =
            (0..widths.len()).filter(|i| spaced[*i] == text).map(|i| widths[i] - floors[i]).sum();
        if !text && can_give < over {
            break;
        }
        while over > 0 {
            let widest = (0..widths.len())
                .filter(|i| spaced[*i] == text && widths[*i] > floors[*i])
                .max_by_key(|i| widths[*i]);
            let Some(i) = widest else { break };
            widths[i] -= 1;
            over -= 1;
        }
    }
    widths
}

thread_local! {
    /// The most columns a table of this run left out to fit the width.
    static HIDDEN: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many columns the tables written so far left out to fit the width
/// (the most of any one), so the run can say how to get them back.
pub fn hidden_columns() -> usize {
    HIDDEN.with(std::cell::Cell::get)
}

/// A table for a terminal: a header, a rule, then one line per row.
pub fn table(out: &mut dyn Write, rows: &Rows, width: Option<u16>, color: bool) -> io::Result<()> {
    table_look(out, rows, &Look { width, color, alert: None, keep: None })
}

/// A column as the fit sees it: its header's width, its widest cell or
/// header, its widest cell, and whether any cell holds a space (free text).
#[derive(Clone, Copy)]
struct Measure {
    header: usize,
    widest: usize,
    natural: usize,
    spaced: bool,
}

/// Free text cut narrower than this is hard to read: a less needed
/// column goes first.
const READABLE: usize = 24;

/// The columns shown and their widths: text cut as [`fit`] cuts it, and
/// where the table is still wider than `width`, whole columns given up in
/// the order of [`keep_order`] (the id and key figures last), so that a
/// row is one line of the terminal.
fn choose(
    cells: &[Vec<String>],
    header: &[String],
    numeric: &[bool],
    look: &Look<'_>,
) -> (Vec<usize>, Vec<usize>) {
    use unicode_width::UnicodeWidthStr;
    // Each column measured once, however many times the fit is tried.
    let mut measures: Vec<Measure> = header
        .iter()
        .map(|h| Measure { header: h.width(), widest: h.width(), natural: 0, spaced: false })
        .collect();
    for row in cells {
        for (m, c) in measures.iter_mut().zip(row) {
            let w = c.width();
            m.widest = m.widest.max(w);
            m.natural = m.natural.max(w);
            m.spaced |= c.contains(' ');
        }
    }
    let mut shown: Vec<usize> = (0..header.len()).collect();
    let order = keep_order(header, numeric, look.keep);
    loop {
        let sub: Vec<Measure> = shown.iter().map(|i| measures[*i]).collect();
        let nums: Vec<bool> = shown.iter().map(|i| numeric[*i]).collect();
        let widths = fit(&sub, &nums, look.width);
        let wide = widths.iter().sum::<usize>() + 3 * widths.len().saturating_sub(1) + 2;
        let fits = look.width.is_none_or(|w| wide <= usize::from(w));
        let Some(last) = order.iter().rev().copied().find(|i| shown.contains(i)) else {
            return (shown, widths);
        };
        // Free text more needed than the last column, cut below what a
        // reader can take in: that column goes rather than the text.
        let rank = |i: usize| order.iter().position(|o| *o == i).unwrap_or(usize::MAX);
        let squeezed = shown.iter().zip(&widths).any(|(i, w)| {
            let m = measures[*i];
            m.spaced && *w < m.natural.min(READABLE) && rank(*i) < rank(last)
        });
        if (fits && !squeezed) || shown.len() == 1 {
            return (shown, widths);
        }
        shown.retain(|i| *i != last);
    }
}

/// A table with its look: numbers right-aligned, text cut to fit the
/// width, alerts in red when colour is on. One space before each column,
/// three between them, a rule under the header; no trailing spaces.
pub fn table_look(out: &mut dyn Write, rows: &Rows, look: &Look<'_>) -> io::Result<()> {
    use unicode_width::UnicodeWidthStr;
    const BOLD: &str = "\x1b[1m";
    const RED: &str = "\x1b[38;5;9m";
    const RESET: &str = "\x1b[0m";
    // Control characters (escape sequences among them) are shown, never
    // sent raw: a hand-edited file cannot drive the terminal.
    let cells: Vec<Vec<String>> = rows
        .rows
        .iter()
        .map(|r| {
            r.iter().map(|c| crate::model::text::for_terminal(&tsv_cell(c), false).into_owned()).collect()
        })
        .collect();
    let numeric: Vec<bool> = (0..rows.columns.len())
        .map(|i| {
            let mut filled = cells.iter().filter_map(|r| r.get(i)).filter(|c| !c.is_empty()).peekable();
            filled.peek().is_some() && filled.all(|c| is_number(c))
        })
        .collect();
    let (shown, widths) = choose(&cells, &rows.columns, &numeric, look);
    let left_out = rows.columns.len().saturating_sub(shown.len());
    HIDDEN.with(|h| h.set(h.get().max(left_out)));
    let line = |out: &mut dyn Write, row: &[String], style: &dyn Fn(usize) -> Option<&'static str>| {
        let mut text = String::new();
        for (n, (i, w)) in shown.iter().copied().zip(&widths).enumerate() {
            let cell = cut(row.get(i).map_or("", String::as_str), *w);
            let pad = " ".repeat(w - cell.width());
            let last = n + 1 == widths.len();
            let (before, after) = match (numeric[i], last) {
                (true, _) => (pad.as_str(), ""),
                (false, true) => ("", ""),
                (false, false) => ("", pad.as_str()),
            };
            text.push_str(if n == 0 { " " } else { "   " });
            match style(i).filter(|_| look.color) {
                Some(on) => text.push_str(&format!("{on}{before}{cell}{after}{RESET}")),
                None => text.push_str(&format!("{before}{cell}{after}")),
            }
        }
        writeln!(out, "{}", text.trim_end())
    };
    line(out, &rows.columns, &|_| Some(BOLD))?;
    let rule = widths.iter().sum::<usize>() + 3 * widths.len().saturating_sub(1) + 2;
    writeln!(out, "{}", "═".repeat(rule))?;
    for (raw, row) in rows.rows.iter().zip(&cells) {
        line(out, row, &|i| look.alert.filter(|alert| alert(raw, i)).map(|_| RED))?;
    }
    Ok(())
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
    fn an_output_is_named_for_its_period() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T12:00:00Z").unwrap().to_utc();
        let p = Period::parse("2026/27-Q1", chrono_tz::Europe::London, now).unwrap();
        let named = |f: &str, p: Option<&Period>| name_for(Some(Path::new(f)), p).unwrap();
        assert_eq!(named("board-{period}.html", Some(&p)), PathBuf::from("board-2026-27-Q1.html"));
        assert_eq!(named("board-{period}.html", None), PathBuf::from("board-{period}.html"));
        assert_eq!(named("plain.csv", Some(&p)), PathBuf::from("plain.csv"));
        assert_eq!(name_for(None, Some(&p)), None, "no --output: stdout");
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
    fn cut_keeps_to_the_width_in_display_columns() {
        assert_eq!(cut("Window smashed", 8), "Window …");
        assert_eq!(cut("short", 8), "short");
        assert_eq!(cut("🚨🚨🚨🚨", 5), "🚨🚨…");
        assert!(is_number("1272.20") && is_number("0") && is_number("-3"));
        assert!(!is_number("2026-11-24") && !is_number("") && !is_number("1.2.3") && !is_number("."));
    }

    #[test]
    fn wrap_breaks_at_spaces_with_a_hanging_indent() {
        let line = "Summary         Window smashed at the RIDDOR office from outside";
        let lines = wrap(line, 30, 16);
        assert_eq!(
            lines,
            [
                "Summary         Window smashed",
                "                at the RIDDOR",
                "                office from",
                "                outside"
            ]
        );
        assert!(lines.iter().all(|l| l.chars().count() <= 30));
        // A word longer than the line is the only one split.
        let lines = wrap("  https://example.org/a/very/long/path", 20, 2);
        assert!(lines.iter().all(|l| unicode_width::UnicodeWidthStr::width(l.as_str()) <= 20), "{lines:?}");
        assert_eq!(lines.concat().replace(' ', ""), "https://example.org/a/very/long/path");
        assert_eq!(wrap("short", 20, 4), ["short"]);
    }

    #[test]
    fn a_narrow_table_gives_up_columns_from_the_end_of_its_keep_list() {
        let rows = Rows {
            columns: vec!["id".into(), "site".into(), "total".into(), "summary".into()],
            rows: vec![vec![
                "20261124-7QF3".into(),
                "Royal Infirmary".into(),
                "12".into(),
                "A long summary of what happened on the ward".into(),
            ]],
        };
        let mut out = Vec::new();
        table_look(&mut out, &rows, &Look { width: Some(40), ..Look::default() }).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.lines().all(|l| unicode_width::UnicodeWidthStr::width(l) <= 40), "{text}");
        assert!(text.contains("20261124-7QF3") && text.contains("12"), "id and figures kept: {text}");
        let mut out = Vec::new();
        let keep: &[&str] = &["id", "summary"];
        table_look(&mut out, &rows, &Look { width: Some(40), keep: Some(keep), ..Look::default() }).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("A long") && !text.contains("Royal"), "{text}");
    }

    #[test]
    fn json_is_an_array_of_objects() {
        let mut out = Vec::new();
        json(&mut out, &rows()).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v[1]["id"], "B");
    }
}
