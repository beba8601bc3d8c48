//! The one-pass reader's scalars. A file in lsms's own form is read field
//! by field (`Record::lex_top`, made by `record!`), each value from exactly
//! the text the writer gives it: a plain string only where the writer
//! writes one plain, a quote only with the escapes the writer makes, an
//! instant only as `push_rfc3339` spells it. So a file read whole is known
//! to be in lsms's form without being written again, and without a tree of
//! nodes in between. Anything else (a comment, a quote where none is
//! needed, a key of one's own, a value `read` refuses) gives `None`, and
//! the file is read the general way, which names every problem.

use crate::model::text::{can_be_literal, can_be_plain, plain_ends, yaml_printable};
use crate::model::time::Stamp;
use chrono::{FixedOffset, NaiveDate, NaiveTime, TimeZone};
use std::borrow::Cow;

/// A plain token and what follows: up to `,`, `]`, `}` or the end of the
/// line, less the space the writer puts before ` }`. (A plain string the
/// writer writes holds none of those and does not end in a space.)
pub fn token(s: &str) -> (&str, &str) {
    let b = s.as_bytes();
    let mut end = b.iter().position(|c| matches!(c, b',' | b']' | b'}' | b'\n')).unwrap_or(b.len());
    if end > 0 && b.get(end) == Some(&b'}') && b[end - 1] == b' ' {
        end -= 1;
    }
    (&s[..end], &s[end..])
}

/// A string as `text::scalar` writes it: plain where it can be, else
/// double-quoted. Its text and what follows.
pub fn string(s: &str) -> Option<(Cow<'_, str>, &str)> {
    if s.starts_with('"') {
        let (v, rest) = quoted(s)?;
        return (!can_be_plain(&v)).then_some((v, rest));
    }
    // ASCII, the common case, is checked as the token is found: one pass.
    let b = s.as_bytes();
    let mut end = 0;
    while let Some(&c) = b.get(end) {
        match PLAIN[usize::from(c)] {
            Plain::Char => {}
            Plain::End => break,
            Plain::Space if end > 0 && b[end - 1] == b':' => return None,
            Plain::Space => {}
            Plain::Other => {
                let (t, rest) = token(s);
                return can_be_plain(t).then_some((Cow::Borrowed(t), rest));
            }
            Plain::Bad => return None,
        }
        end += 1;
    }
    if b.get(end) == Some(&b'}') && end > 0 && b[end - 1] == b' ' {
        end -= 1;
    }
    let (t, rest) = s.split_at(end);
    plain_ends(t).then_some((Cow::Borrowed(t), rest))
}

/// A string key of a flow mapping, as `text::scalar` writes it, and what
/// follows (from its `: `).
/// (YAML readers read a key only up to 1024 bytes as written.)
pub fn key(s: &str) -> Option<(Cow<'_, str>, &str)> {
    let (k, rest) = if s.starts_with('"') {
        quoted(s).filter(|(v, _)| !can_be_plain(v))?
    } else {
        let (t, rest) = s.split_at(s.find(": ")?);
        (can_be_plain(t).then_some(Cow::Borrowed(t))?, rest)
    };
    (s.len() - rest.len() <= 1024).then_some((k, rest))
}

/// What a byte is to a plain token.
#[derive(Clone, Copy)]
enum Plain {
    /// A character a plain scalar may hold anywhere.
    Char,
    /// The end of the token: `,`, `]`, `}` or the line's end.
    End,
    /// A space: not after a `:`.
    Space,
    /// Not ASCII: the general check decides.
    Other,
    /// Never in a plain scalar lsms writes.
    Bad,
}

const PLAIN: [Plain; 256] = {
    let mut t = [Plain::Bad; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = match c as u8 {
            b',' | b']' | b'}' | b'\n' => Plain::End,
            b'[' | b'{' | b'?' | b'#' => Plain::Bad,
            b' ' => Plain::Space,
            0x80.. => Plain::Other,
            x if x.is_ascii_graphic() => Plain::Char,
            _ => Plain::Bad,
        };
        c += 1;
    }
    t
};

/// A double-quoted scalar as `text::double_quoted` writes it: only the
/// escapes it makes, each only where it makes it.
fn quoted(s: &str) -> Option<(Cow<'_, str>, &str)> {
    let body = s.strip_prefix('"')?;
    let printable = |t: &str| t.chars().all(yaml_printable);
    let stop = body.find(['"', '\\'])?;
    if body.as_bytes()[stop] == b'"' {
        let inner = &body[..stop];
        return printable(inner).then_some((Cow::Borrowed(inner), &body[stop + 1..]));
    }
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    loop {
        let stop = rest.find(['"', '\\'])?;
        let (lit, at) = rest.split_at(stop);
        if !printable(lit) {
            return None;
        }
        out.push_str(lit);
        let Some(esc) = at.strip_prefix('\\') else {
            return Some((Cow::Owned(out), &at[1..]));
        };
        let (c, len) = match esc.as_bytes().first()? {
            b'"' => ('"', 1),
            b'\\' => ('\\', 1),
            b'n' => ('\n', 1),
            b't' => ('\t', 1),
            b'r' => ('\r', 1),
            b'u' => (hex(esc.get(1..5)?).filter(|c| u32::from(*c) <= 0xFFFF)?, 5),
            b'U' => (hex(esc.get(1..9)?).filter(|c| u32::from(*c) > 0xFFFF)?, 9),
            _ => return None,
        };
        // A code escape only for what may not stand as it is.
        if len > 1 && (yaml_printable(c) || matches!(c, '"' | '\\' | '\n' | '\t' | '\r')) {
            return None;
        }
        out.push(c);
        rest = &esc[len..];
    }
}

/// Upper-case hex digits, as the writer makes them, as a character.
fn hex(h: &str) -> Option<char> {
    if !h.bytes().all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b)) {
        return None;
    }
    char::from_u32(u32::from_str_radix(h, 16).ok()?)
}

/// After `key:` at the top of a file: a text as `yaml_write::literal`
/// writes it (a literal block where it can be one, else a scalar), with
/// its lines' ends.
pub fn literal_top(s: &str) -> Option<(Cow<'_, str>, &str)> {
    let Some(block) = s.strip_prefix(" |") else {
        let (v, rest) = string(s.strip_prefix(' ')?)?;
        return (!can_be_literal(&v)).then_some((v, rest.strip_prefix('\n')?));
    };
    // The trailing line ends the indicator keeps: none, one, or all.
    let (chomp, mut rest) = match block.as_bytes().first()? {
        b'-' => (0, &block[1..]),
        b'+' => (2, &block[1..]),
        _ => (1, block),
    };
    rest = rest.strip_prefix('\n')?;
    let mut out = String::with_capacity(128);
    let mut lines = 0;
    while !rest.is_empty() {
        let end = rest.find('\n')?;
        let line = &rest[..end];
        let content = if line.is_empty() {
            ""
        } else {
            // A blank line is written bare, never as its indentation.
            match line.strip_prefix("  ") {
                Some("") => return None,
                Some(c) => c,
                None => break,
            }
        };
        if lines > 0 {
            out.push('\n');
        }
        out.push_str(content);
        lines += 1;
        rest = &rest[end + 1..];
    }
    if lines == 0 {
        return None;
    }
    if chomp > 0 {
        out.push('\n');
    }
    let trailing = out.len() - out.trim_end_matches('\n').len();
    (trailing.min(2) == chomp && can_be_literal(&out)).then_some((Cow::Owned(out), rest))
}

/// Two digits at `i`.
fn two(b: &[u8], i: usize) -> Option<u32> {
    let (x, y) = (b[i].wrapping_sub(b'0'), b[i + 1].wrapping_sub(b'0'));
    (x < 10 && y < 10).then(|| u32::from(x) * 10 + u32::from(y))
}

/// `YYYY-MM-DD` at the start of `b`.
fn ymd(b: &[u8]) -> Option<NaiveDate> {
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = two(b, 0)? * 100 + two(b, 2)?;
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, two(b, 5)?, two(b, 8)?)
}

/// A date as the writer writes it: `2026-12-01`.
pub fn date(s: &str) -> Option<(NaiveDate, &str)> {
    Some((ymd(s.as_bytes())?, s.get(10..)?))
}

/// An instant as `time::push_rfc3339` writes it: `2026-11-24T14:30:00+00:00`
/// (no leap second, and `+` for a zero offset).
pub fn stamp(s: &str) -> Option<(Stamp, &str)> {
    let b = s.as_bytes().get(..25)?;
    if b[10] != b'T' || b[13] != b':' || b[16] != b':' || b[22] != b':' {
        return None;
    }
    let day = ymd(b)?;
    let time = NaiveTime::from_hms_opt(two(b, 11)?, two(b, 14)?, two(b, 17)?)?;
    let minutes = two(b, 23).filter(|m| *m < 60)?;
    let off = i32::try_from(two(b, 20)? * 3600 + minutes * 60).ok()?;
    let off = match b[19] {
        b'+' => off,
        b'-' if off != 0 => -off,
        _ => return None,
    };
    let t = FixedOffset::east_opt(off)?.from_local_datetime(&day.and_time(time)).single()?;
    Some((t, s.get(25..)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::text::scalar;

    #[test]
    fn a_string_is_read_only_as_the_writer_writes_it() {
        for s in
            ["plain", "Ward 3", "a\"b", "tab\there", "\u{7F}", "😀", "yes", "", " x", "a: b", "\u{10FFFF}"]
        {
            let written = format!("{}, next", scalar(s));
            let (v, rest) = string(&written).unwrap_or_else(|| panic!("{written}"));
            assert_eq!((v.as_ref(), rest), (s, ", next"));
        }
        // The same strings, but not as the writer writes them.
        for other in ["\"plain\"", "\"\\u0041\"", "\"\\x41\"", "\"a\\u007f\"", "yes", "'x'", "\"\\/\""] {
            assert_eq!(string(other), None, "{other}");
        }
        assert_eq!(token("Ward 3 }"), ("Ward 3", " }"));
        // A key YAML readers would not read: over 1024 bytes as written.
        let long = format!("{}: x", "k".repeat(1025));
        assert_eq!(key(&long), None);
        assert_eq!(key(&long[1..]).map(|(k, _)| k.len()), Some(1024));
    }

    #[test]
    fn instants_and_dates_are_read_only_in_the_written_form() {
        let (t, rest) = stamp("2026-11-24T14:30:00+00:00\n").unwrap();
        assert_eq!((crate::model::time::rfc3339(&t).as_str(), rest), ("2026-11-24T14:30:00+00:00", "\n"));
        let (t, _) = stamp("2026-07-01T09:05:59+01:00").unwrap();
        assert_eq!(crate::model::time::rfc3339(&t), "2026-07-01T09:05:59+01:00");
        for other in [
            "2026-11-24T14:30:00-00:00",
            "2026-11-24T14:30:60+00:00",
            "2026-11-24 14:30:00+00:00",
            "2026-02-30T14:30:00+00:00",
            "2026-11-24T14:30:00Z",
            "2026-11-24T14:30+00:00",
            "2026-11-24T14:30:00+00:75",
            "2026-11-24T14:30:00+00:60",
        ] {
            assert_eq!(stamp(other), None, "{other}");
        }
        assert_eq!(date("2026-12-01, x"), NaiveDate::from_ymd_opt(2026, 12, 1).map(|d| (d, ", x")));
        assert_eq!(date("2026-12-1"), None);
    }

    #[test]
    fn a_literal_block_is_read_with_its_chomping() {
        for s in ["one\ntwo\n", "one\ntwo", "one\n\ntwo\n\n", "tab\there\nx\n"] {
            let mut out = String::new();
            crate::codec::yaml_write::literal(&mut out, "k", s);
            let text = format!("{out}next: 1\n");
            let (v, rest) = literal_top(&text[2..]).unwrap_or_else(|| panic!("{text}"));
            assert_eq!((v.as_ref(), rest), (s, "next: 1\n"));
        }
        // A blank line the clipping block would drop, a wrong indicator, and
        // a blank line written as its indentation.
        assert_eq!(literal_top(" |\n  a\n\nnext: 1\n"), None);
        assert_eq!(literal_top(" |\n  one\n  \n  two\n"), None);
        assert_eq!(literal_top(" |-\n  a\n"), None);
        assert_eq!(literal_top(" one line\n"), Some((Cow::Borrowed("one line"), "")));
        assert_eq!(literal_top(" \"a\\nb\"\n"), None, "a block where it can be one");
    }
}
