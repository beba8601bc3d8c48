//! Spreadsheets (.xlsx) through rust_xlsxwriter: a title block (what, the
//! trust, the period, when made, the marking), then a header row that stays
//! in view with filters on it, then the rows. Dates are dates in the
//! store's zone, money is a number shown as pounds, and text is always
//! written as text, so a spreadsheet never evaluates it. Pure: builds the
//! file's bytes.

use chrono::{DateTime, Datelike, NaiveDateTime, Timelike};
use chrono_tz::Tz;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError};

/// One typed cell.
#[derive(Debug, Clone, PartialEq)]
pub enum XCell {
    Text(String),
    /// A count or other plain number.
    Number(f64),
    /// Pounds, shown `£#,##0.00`.
    Money(f64),
    /// A local date and time in the store's zone.
    Time(NaiveDateTime),
    Bool(bool),
    Empty,
}

/// What heads the sheet.
#[derive(Debug, Clone)]
pub struct Title {
    /// `Security incidents by category`
    pub what: String,
    pub trust: String,
    /// `2026/27 (1 April 2026 to 31 March 2027)`, or what the rows cover.
    pub period: String,
    /// When it was made, in the store's zone.
    pub made: String,
    /// `OFFICIAL` or `OFFICIAL-SENSITIVE`.
    pub marking: &'static str,
    /// A note under the title, in red: what a partial file leaves out.
    pub note: Option<String>,
}

/// The largest text a spreadsheet cell holds.
const CELL_MAX: usize = 32_767;

pub const MONEY_FORMAT: &str = "£#,##0.00";
pub const TIME_FORMAT: &str = "yyyy-mm-dd hh:mm";

/// An RFC 3339 time as the wall-clock time in `tz`, for a date cell.
pub fn local_time(rfc3339: &str, tz: Tz) -> Option<NaiveDateTime> {
    DateTime::parse_from_rfc3339(rfc3339).ok().map(|t| t.with_timezone(&tz).naive_local())
}

/// Pounds and pence (`"120.50"`) as a number of pounds.
pub fn pounds(text: &str) -> Option<f64> {
    crate::model::Money::parse(text).ok().map(|m| m.0 as f64 / 100.0)
}

fn excel_time(t: NaiveDateTime) -> Result<ExcelDateTime, XlsxError> {
    let year = u16::try_from(t.year()).map_err(|_| XlsxError::DateTimeRangeError(t.to_string()))?;
    ExcelDateTime::from_ymd(year, t.month() as u8, t.day() as u8)?.and_hms(
        t.hour() as u16,
        t.minute() as u8,
        t.second(),
    )
}

/// A rough width for a column, in characters: its widest cell, within limits.
fn width(header: &str, rows: &[Vec<XCell>], col: usize) -> f64 {
    let w = rows
        .iter()
        .take(2000)
        .filter_map(|r| r.get(col))
        .map(|c| match c {
            XCell::Text(t) => t.chars().count(),
            XCell::Number(n) => n.to_string().len(),
            XCell::Money(m) => format!("{m:.2}").len() + 3,
            XCell::Time(_) => 16,
            XCell::Bool(_) => 5,
            XCell::Empty => 0,
        })
        .chain(std::iter::once(header.chars().count()))
        .max()
        .unwrap_or(8);
    (w as f64 + 2.0).clamp(8.0, 60.0)
}

/// How many rows are looked at to size the columns before any is written.
const SAMPLE: usize = 500;

/// A sheet written a row at a time, in constant memory (rust_xlsxwriter
/// keeps only the current row), so an export of any size fits: the first
/// rows are held back only to size the columns.
pub struct Writer {
    /// Kept whole in memory (not constant), so that a note can still be
    /// written under the title when the rows are done (`finish_noted`).
    whole: bool,
    wb: Workbook,
    ws: Worksheet,
    headers: Vec<String>,
    held: Vec<Vec<XCell>>,
    /// The next row to write.
    next: u32,
    sized: bool,
    money: Format,
    time: Format,
}

/// The header's row: five lines of title above it, one blank (or a note).
const HEAD_ROW: u32 = 6;
/// Where a note goes: the line between the title and the header.
const NOTE_ROW: u32 = 5;

fn err(e: XlsxError) -> String {
    match e {
        XlsxError::MaxStringLengthExceeded => {
            format!(
                "a text is longer than a spreadsheet cell holds ({CELL_MAX} characters): use --format csv or json"
            )
        }
        e => e.to_string(),
    }
}

/// Text for a printed header or footer: `&` doubled (Excel reads `&` as a
/// code), cut to what the field holds.
fn page_text(s: &str) -> String {
    s.replace('&', "&&").chars().filter(|c| !c.is_control()).take(80).collect()
}

/// How the sheet prints, and what the file says of itself: landscape A4,
/// all the columns on one page's width, the header row on every page, the
/// marking at the top and bottom of every page with the trust, the title
/// and "Page N of M"; the file's properties name the trust and the marking.
fn print_setup(wb: &mut Workbook, ws: &mut Worksheet, title: &Title) -> Result<(), XlsxError> {
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(HEAD_ROW, HEAD_ROW)?;
    let m = page_text(title.marking);
    ws.set_header(format!("&L{}&C&\"-,Bold\"{m}&R{}", page_text(&title.trust), page_text(&title.what)));
    ws.set_footer(format!("&L{}&C&\"-,Bold\"{m}&RPage &P of &N", page_text(&title.period)));
    let props = DocProperties::new()
        .set_title(&title.what)
        .set_company(&title.trust)
        .set_category(title.marking)
        .set_keywords(title.marking)
        .set_comment(format!("{}. {} — made by lsms {}", title.marking, title.period, title.made))
        .set_custom_property("Classification", title.marking);
    wb.set_properties(&props);
    Ok(())
}

impl Writer {
    /// Starts a sheet named `sheet` with its title block and header row,
    /// kept whole in memory when `whole` (a `--partial` export, whose note
    /// is known only at the end), else in constant memory.
    pub fn open(sheet: &str, title: &Title, headers: &[String], whole: bool) -> Result<Writer, String> {
        let mut wb = Workbook::new();
        let mut ws =
            if whole { Worksheet::new() } else { wb.new_worksheet_with_constant_memory().map_err(err)? };
        ws.set_name(sheet).map_err(err)?;
        print_setup(&mut wb, &mut ws, title).map_err(err)?;
        let bold = Format::new().set_bold();
        let big = Format::new().set_bold().set_font_size(14);
        let marking = Format::new().set_bold().set_font_color("#B00020");
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_background_color("#DDE8F0");
        (|| {
            ws.write_string_with_format(0, 0, title.marking, &marking)?;
            ws.write_string_with_format(1, 0, &title.what, &big)?;
            ws.write_string_with_format(2, 0, &title.trust, &bold)?;
            ws.write_string(3, 0, format!("Period: {}", title.period))?;
            ws.write_string(4, 0, format!("Made: {}", title.made))?;
            if let Some(note) = &title.note {
                ws.write_string_with_format(NOTE_ROW, 0, note, &marking)?;
            }
            for (c, h) in headers.iter().enumerate() {
                ws.write_string_with_format(HEAD_ROW, c as u16, h, &header)?;
            }
            Ok(())
        })()
        .map_err(err)?;
        Ok(Writer {
            whole,
            wb,
            ws,
            headers: headers.to_vec(),
            held: Vec::new(),
            next: HEAD_ROW + 1,
            sized: false,
            money: Format::new().set_num_format(MONEY_FORMAT),
            time: Format::new().set_num_format(TIME_FORMAT),
        })
    }

    /// Adds a row under the last.
    pub fn row(&mut self, cells: Vec<XCell>) -> Result<(), String> {
        if self.sized {
            return self.write(&cells);
        }
        self.held.push(cells);
        if self.held.len() >= SAMPLE { self.size() } else { Ok(()) }
    }

    /// Sizes the columns from the rows held back, then writes them.
    fn size(&mut self) -> Result<(), String> {
        for (c, h) in self.headers.iter().enumerate() {
            self.ws.set_column_width(c as u16, width(h, &self.held, c)).map_err(err)?;
        }
        self.sized = true;
        for cells in std::mem::take(&mut self.held) {
            self.write(&cells)?;
        }
        Ok(())
    }

    fn write(&mut self, row: &[XCell]) -> Result<(), String> {
        let (r, ws) = (self.next, &mut self.ws);
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                XCell::Text(t) if t.chars().count() > CELL_MAX => Err(XlsxError::MaxStringLengthExceeded),
                // Text is written as text: never parsed as a formula or a number.
                XCell::Text(t) => ws.write_string(r, c, t).map(|_| ()),
                XCell::Number(n) => ws.write_number(r, c, *n).map(|_| ()),
                XCell::Money(m) => ws.write_number_with_format(r, c, *m, &self.money).map(|_| ()),
                XCell::Time(t) => excel_time(*t)
                    .and_then(|t| ws.write_datetime_with_format(r, c, t, &self.time).map(|_| ())),
                XCell::Bool(b) => ws.write_boolean(r, c, *b).map(|_| ()),
                XCell::Empty => Ok(()),
            }
            .map_err(err)?;
        }
        self.next += 1;
        Ok(())
    }

    /// `finish`, with `note` (if any) under the title. The sheet must have
    /// been opened whole: a constant-memory sheet has written that row.
    pub fn finish_noted(mut self, note: Option<&str>) -> Result<Vec<u8>, String> {
        if let Some(note) = note {
            if !self.whole {
                return Err("a note under the title needs a sheet opened whole".into());
            }
            let red = Format::new().set_bold().set_font_color("#B00020");
            self.ws.write_string_with_format(NOTE_ROW, 0, note, &red).map_err(err)?;
        }
        self.finish()
    }

    /// The header row stays in view with filters on it; the file's bytes.
    pub fn finish(self) -> Result<Vec<u8>, String> {
        self.finish_with_total(None)
    }

    /// `finish`, with a total row in bold under the rows, a blank row
    /// between: outside the filter's range, so sorting the rows never
    /// moves it among them.
    pub fn finish_with_total(mut self, total: Option<&[XCell]>) -> Result<Vec<u8>, String> {
        if !self.sized {
            self.size()?;
        }
        let last = self.next - 1;
        if !self.headers.is_empty() {
            self.ws.autofilter(HEAD_ROW, 0, last, self.headers.len() as u16 - 1).map_err(err)?;
        }
        if let Some(total) = total {
            self.next += 1;
            let bold = Format::new().set_bold();
            self.money = self.money.clone().set_bold();
            self.time = self.time.clone().set_bold();
            let r = self.next;
            self.write(total)?;
            // Bold for the cells that have no format of their own.
            for (c, cell) in total.iter().enumerate() {
                let c = c as u16;
                let _ = match cell {
                    XCell::Text(t) => self.ws.write_string_with_format(r, c, t, &bold).map(|_| ()),
                    XCell::Number(n) => self.ws.write_number_with_format(r, c, *n, &bold).map(|_| ()),
                    XCell::Bool(b) => self.ws.write_boolean_with_format(r, c, *b, &bold).map(|_| ()),
                    _ => Ok(()),
                };
            }
        }
        self.ws.set_freeze_panes(HEAD_ROW + 1, 0).map_err(err)?;
        // What prints is what was written: without a print area LibreOffice
        // adds a blank page after a sheet fitted to the page's width.
        let cols = self.headers.len().max(1) as u16;
        self.ws.set_print_area(0, 0, self.next.max(HEAD_ROW + 1) - 1, cols - 1).map_err(err)?;
        self.wb.push_worksheet(self.ws);
        self.wb.save_to_buffer().map_err(err)
    }
}

/// One sheet named `sheet`, as the bytes of an .xlsx file, with its total
/// row (if any) kept apart from the rows: bold, outside the filter and sort
/// range.
pub fn workbook_with_total(
    sheet: &str,
    title: &Title,
    headers: &[String],
    rows: &[Vec<XCell>],
    total: Option<&[XCell]>,
) -> Result<Vec<u8>, String> {
    // Whole, not constant memory: a summary is small, and the bold total
    // is written over cells of its row.
    let mut w = Writer::open(sheet, title, headers, total.is_some())?;
    for r in rows {
        w.row(r.clone())?;
    }
    w.finish_with_total(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makes_a_workbook() {
        let title = Title {
            what: "x".into(),
            trust: "T".into(),
            period: "2026".into(),
            made: "now".into(),
            marking: "OFFICIAL",
            note: None,
        };
        let t = local_time("2026-07-01T10:00:00+01:00", chrono_tz::Europe::London).unwrap();
        let bytes = workbook_with_total(
            "Summary",
            &title,
            &["a".into(), "b".into()],
            &[vec![XCell::Time(t), XCell::Money(1.5)], vec![XCell::Text("=2".into()), XCell::Empty]],
            Some(&[XCell::Text("total".into()), XCell::Money(1.5)]),
        )
        .unwrap();
        assert_eq!(&bytes[..2], b"PK", "an xlsx file is a zip");
    }
}
