//! Reading a register file: the encodings Excel and old systems save in,
//! a bound on standard input, and refusing what is not a CSV at all.

use crate::error::{Error, Result};

/// The most `import --csv` reads (256 MiB), from a file or standard
/// input: far above any register (100,000 rows are about 30 MiB), and a
/// runaway pipe is refused rather than read into memory whole.
pub const MAX_CSV: u64 = 256 << 20;

/// The encodings `--encoding` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Encoding {
    #[value(name = "utf-8")]
    Utf8,
    #[value(name = "utf-16")]
    Utf16,
    #[value(name = "windows-1252")]
    Windows1252,
}

impl Encoding {
    fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16 => "UTF-16",
            Encoding::Windows1252 => "Windows-1252",
        }
    }
}

/// Characters 0x80–0x9F of Windows-1252 (0 where the code page has none).
const CP1252_HIGH: [u16; 32] = [
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,
    0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
    0x0153, 0, 0x017E, 0x0178,
];

/// Where byte `at` of the file is: its line (1-based) and its column, by
/// counting the separators before it on its line (a quoted comma can make
/// this one column off; the line is exact).
fn place(bytes: &[u8], at: usize, headers: &[String]) -> String {
    let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
    let start = bytes[..at].iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
    let col = bytes[start..at].iter().filter(|b| **b == b',').count();
    match headers.get(col) {
        Some(h) if line > 1 => format!("row {line}, column '{h}'"),
        _ => format!("row {line}, column {}", col + 1),
    }
}

fn header_guess(text: &str) -> Vec<String> {
    text.lines().next().unwrap_or("").split(',').map(|h| h.trim().trim_matches('"').to_string()).collect()
}

fn bad_byte(name: &str, enc: Encoding, bytes: &[u8], at: usize, header: &[String]) -> Error {
    Error::failed_with(
        format!(
            "{name}: byte 0x{:02X} at {} is not valid {}",
            bytes[at],
            place(bytes, at, header),
            enc.name()
        ),
        "save the file again as CSV UTF-8 from Excel, or name its encoding with --encoding \
         (utf-8, utf-16, windows-1252)",
    )
}

fn utf16(name: &str, bytes: &[u8], little: bool) -> Result<String> {
    if !bytes.len().is_multiple_of(2) {
        return Err(Error::failed_with(
            format!("{name}: an odd number of bytes ({}) cannot be UTF-16", bytes.len()),
            "the file is cut short or is not UTF-16; name its encoding with --encoding",
        ));
    }
    let units = bytes
        .chunks(2)
        .map(|c| if little { u16::from_le_bytes([c[0], c[1]]) } else { u16::from_be_bytes([c[0], c[1]]) });
    let mut out = String::with_capacity(bytes.len() / 2);
    for (i, ch) in char::decode_utf16(units).enumerate() {
        match ch {
            Ok(c) => out.push(c),
            Err(_) => {
                let line = out.matches('\n').count() + 1;
                return Err(Error::failed_with(
                    format!("{name}: an unpaired UTF-16 surrogate at row {line} (character {})", i + 1),
                    "save the file again from the program that wrote it",
                ));
            }
        }
    }
    Ok(out)
}

fn cp1252(name: &str, bytes: &[u8]) -> Result<String> {
    let mut out = String::with_capacity(bytes.len());
    for (i, &b) in bytes.iter().enumerate() {
        let c = match b {
            0x80..=0x9F => char::from_u32(CP1252_HIGH[(b - 0x80) as usize] as u32).filter(|c| *c != '\0'),
            _ => Some(b as char),
        };
        match c {
            Some(c) => out.push(c),
            None => {
                let head = header_guess(&String::from_utf8_lossy(bytes));
                return Err(bad_byte(name, Encoding::Windows1252, bytes, i, &head));
            }
        }
    }
    Ok(out)
}

/// The file's text: a byte-order mark decides (UTF-8 or UTF-16), else the
/// named encoding, else UTF-8 where the bytes are valid UTF-8 and
/// Windows-1252 (what Excel saves as "CSV" on a UK PC) where they are
/// not. Returns the text and the encoding it was read as. A file that is
/// empty, or that is a spreadsheet or other binary file, is refused by name.
pub fn decode(name: &str, bytes: &[u8], named: Option<Encoding>) -> Result<(String, Encoding)> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::failed_with(
            format!("{name} is empty"),
            "export the register again: the file should start with a header row",
        ));
    }
    if is_workbook(bytes) {
        return Err(Error::failed_with(
            format!("{name} is an Excel workbook, not a CSV file"),
            "import it as it is (`lsms import --file BOOK.xlsx`), or save the sheet as \"CSV UTF-8 (Comma delimited)\"",
        ));
    }
    if bytes.starts_with(b"%PDF") {
        return Err(Error::failed_with(
            format!("{name} is a PDF, neither a CSV file nor an Excel workbook"),
            "export the register from the old system as CSV or .xlsx (a printed report cannot be read back)",
        ));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(name, rest, true).map(|t| (t, Encoding::Utf16));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(name, rest, false).map(|t| (t, Encoding::Utf16));
    }
    let (bytes, bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    let text = match (named, bom) {
        (Some(Encoding::Windows1252), false) => (cp1252(name, bytes)?, Encoding::Windows1252),
        (Some(Encoding::Utf16), false) => {
            return Err(Error::failed_with(
                format!("{name} has no UTF-16 byte-order mark"),
                "Excel's \"Unicode text\" starts with one; save the file again from Excel, or name another --encoding",
            ));
        }
        (named, _) => match std::str::from_utf8(bytes) {
            Ok(t) => (t.to_string(), Encoding::Utf8),
            Err(_) if named.is_none() && !bom => (cp1252(name, bytes)?, Encoding::Windows1252),
            Err(e) => {
                let head = header_guess(&String::from_utf8_lossy(bytes));
                return Err(bad_byte(name, Encoding::Utf8, bytes, e.valid_up_to(), &head));
            }
        },
    };
    if text.0.contains('\0') {
        return Err(Error::failed_with(
            format!("{name} is not a text file (it holds NUL bytes)"),
            "import a CSV file, saved from Excel as \"CSV UTF-8 (Comma delimited)\"",
        ));
    }
    Ok(text)
}

/// A zip (xlsx, ods) or an OLE compound file (xls): a workbook, read as one.
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// A register as rows of text cells: a CSV's decoded text, or a
/// worksheet's cells (dates and numbers as Excel typed them, written as
/// text the import reads back exactly).
pub enum Source {
    Csv(String),
    Sheet {
        range: calamine::Range<calamine::Data>,
        /// The worksheet row (1-based) of the header.
        header_row: usize,
        /// The sheet read, and every sheet of the workbook.
        sheet: String,
        sheets: Vec<String>,
    },
}

/// One row: its number as the file's user finds it (the CSV's line, the
/// sheet's row), and its cells or why it cannot be read.
pub type Row = (usize, std::result::Result<csv::StringRecord, String>);

impl Source {
    /// Reads the file's bytes: a workbook's sheet (`sheet`, else the
    /// first), or a CSV in its encoding. Returns the source and, for a
    /// CSV, the encoding it was read as.
    pub fn read(
        name: &str,
        bytes: Vec<u8>,
        encoding: Option<Encoding>,
        sheet: Option<&str>,
    ) -> Result<(Source, Option<Encoding>)> {
        if is_workbook(&bytes) {
            return Ok((sheet_of(name, bytes, sheet)?, None));
        }
        if let Some(s) = sheet {
            return Err(Error::failed_with(
                format!("--sheet {s}: {name} is not a workbook, so it has no sheets"),
                "leave --sheet out for a CSV file",
            ));
        }
        let (text, enc) = decode(name, &bytes, encoding)?;
        Ok((Source::Csv(text), Some(enc)))
    }

    /// The header row, each name trimmed (and a CSV's byte-order mark off).
    pub fn headers(&self, name: &str) -> Result<Vec<String>> {
        match self {
            Source::Csv(text) => Ok(csv::ReaderBuilder::new()
                .flexible(false)
                .from_reader(text.as_bytes())
                .headers()
                .map_err(|e| Error::failed(format!("{name}: cannot read the header row: {e}")))?
                .iter()
                .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
                .collect()),
            Source::Sheet { range, .. } => Ok(range
                .rows()
                .next()
                .unwrap_or_default()
                .iter()
                .map(|c| cell(c).trim().to_string())
                .collect()),
        }
    }

    /// Which sheet was read, where the workbook has others (for a
    /// message about a column not found).
    pub fn sheet_note(&self) -> Option<String> {
        match self {
            Source::Sheet { sheet, sheets, .. } if sheets.len() > 1 => Some(format!(
                "the sheet read is '{sheet}', the first; name the register's with --sheet (the sheets are: {})",
                sheets.join(", ")
            )),
            _ => None,
        }
    }

    /// The rows after the header, one at a time.
    pub fn rows(&self) -> Box<dyn Iterator<Item = Row> + '_> {
        match self {
            Source::Csv(text) => Box::new(
                csv::ReaderBuilder::new()
                    .flexible(false)
                    .from_reader(text.as_bytes())
                    .into_records()
                    .enumerate()
                    .map(|(n, r)| (n + 2, r.map_err(|e| e.to_string()))),
            ),
            Source::Sheet { range, header_row, .. } => {
                let width = range.width();
                Box::new(range.rows().enumerate().skip(1).filter_map(move |(n, cells)| {
                    // A row left blank (as sheets have between blocks) is no case.
                    if cells.iter().all(|c| matches!(c, calamine::Data::Empty)) {
                        return None;
                    }
                    let mut texts: Vec<String> = cells.iter().map(cell).collect();
                    texts.resize(width, String::new());
                    Some((header_row + n, Ok(csv::StringRecord::from(texts))))
                }))
            }
        }
    }
}

/// A workbook's sheet, by name or the first.
fn sheet_of(name: &str, bytes: Vec<u8>, sheet: Option<&str>) -> Result<Source> {
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).map_err(|e| {
        Error::failed_with(
            format!("{name} looks like a workbook but cannot be read as one: {e}"),
            "open it in Excel and save it again as .xlsx (Excel Workbook), or as \"CSV UTF-8 (Comma delimited)\"",
        )
    })?;
    let names = book.sheet_names();
    let chosen = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .or_else(|| names.iter().find(|n| n.trim().eq_ignore_ascii_case(s.trim()))),
        None => names.first(),
    };
    let Some(chosen) = chosen.cloned() else {
        return Err(Error::failed_with(
            match sheet {
                Some(s) => format!("{name} has no sheet '{s}'"),
                None => format!("{name} has no sheets"),
            },
            format!("its sheets are: {}", names.join(", ")),
        ));
    };
    let range = book
        .worksheet_range(&chosen)
        .map_err(|e| Error::failed(format!("{name}: sheet '{chosen}' cannot be read: {e}")))?;
    if range.is_empty() {
        return Err(Error::failed_with(
            format!("{name}: sheet '{chosen}' is empty"),
            if names.len() > 1 {
                format!(
                    "name the sheet that holds the register with --sheet (its sheets are: {})",
                    names.join(", ")
                )
            } else {
                "export the register again: the sheet should start with a header row".into()
            },
        ));
    }
    let header_row = range.start().map_or(1, |(r, _)| r as usize + 1);
    Ok(Source::Sheet { range, header_row, sheet: chosen, sheets: names })
}

/// A cell as text the import reads back as Excel typed it: a date as
/// `2025-02-03` or `2025-02-03 14:10:00`, a time of day as `14:10:00`, a
/// whole number without a point, a true or false as yes or no.
fn cell(c: &calamine::Data) -> String {
    use calamine::Data;
    match c {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "yes" } else { "no" }.into(),
        Data::DateTime(d) => {
            let (y, m, day, h, min, s, ms) = d.to_ymd_hms_milli();
            // To the nearest second: 14:10 is kept as 0.5902777…, which
            // may come back a millisecond short.
            let secs =
                (u32::from(h) * 3600 + u32::from(min) * 60 + u32::from(s) + u32::from(ms >= 500)).min(86_399);
            let time = format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
            if d.is_duration() || d.as_f64() < 1.0 {
                time
            } else if d.as_f64().fract() == 0.0 {
                format!("{y:04}-{m:02}-{day:02}")
            } else {
                format!("{y:04}-{m:02}-{day:02} {time}")
            }
        }
        Data::Error(e) => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_pound_and_quotes_are_read_as_written() {
        let (t, e) = decode("f", b"A\n\xA3100 \x93quoted\x94\n", None).unwrap();
        assert_eq!((t.as_str(), e), ("A\n£100 \u{201C}quoted\u{201D}\n", Encoding::Windows1252));
    }

    #[test]
    fn utf16_little_endian_with_its_mark_is_read() {
        let mut b = vec![0xFF, 0xFE];
        b.extend("A,B\n£1,é\n".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode("f", &b, None).unwrap().0, "A,B\n£1,é\n");
    }

    #[test]
    fn a_byte_invalid_in_the_named_encoding_is_named_by_row_and_column() {
        let e = decode("f.csv", b"Ref,What\nDX-1,caf\xE9\n", Some(Encoding::Utf8)).unwrap_err();
        let m = e.to_string();
        assert!(m.contains("row 2, column 'What'") && m.contains("0xE9"), "{m}");
        let e = decode("f.csv", b"Ref,What\nDX-1,a\x81\n", Some(Encoding::Windows1252)).unwrap_err();
        assert!(e.to_string().contains("row 2, column 'What'"), "{e}");
    }
}
