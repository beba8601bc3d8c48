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
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(Error::failed_with(
            format!("{name} is an Excel workbook, not a CSV file"),
            "open it in Excel and save the sheet as \"CSV UTF-8 (Comma delimited)\", then import that file",
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
