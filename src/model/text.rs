//! Text as people give it and as YAML and terminals take it: which strings
//! are one line, which characters a YAML file may hold as they are, which
//! plain words a YAML reader (1.1, as PyYAML, or 1.2, as serde_yaml) would
//! take for something other than a string, and how a value is shown on a
//! terminal without its control characters acting. Pure.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Every character YAML or a terminal takes as the end of a line.
pub const LINE_BREAKS: &[char] = &['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}', '\u{0B}', '\u{0C}'];

/// Is `s` free of line breaks of every kind (LF, CR, NEL, LS, PS, VT, FF)?
/// (A byte scan first: the breaks beyond ASCII start with 0xC2 or 0xE2.)
pub fn is_one_line(s: &str) -> bool {
    !s.bytes().any(|b| matches!(b, b'\n' | b'\r' | 0x0B | 0x0C | 0xC2 | 0xE2)) || !s.contains(LINE_BREAKS)
}

/// Refuses a line break in a field that is one line by the schema.
pub fn one_line(what: &str, s: &str) -> Result<(), String> {
    if is_one_line(s) {
        return Ok(());
    }
    Err(format!(
        "{what} should be one line, but it holds a line break ({}); put longer text in a note or the description",
        s.chars().find(|c| LINE_BREAKS.contains(c)).map(describe).unwrap_or_default()
    ))
}

/// A character's name for messages: `U+2028 (line separator)`.
pub fn describe(c: char) -> String {
    let name = match c {
        '\n' => " (line feed)",
        '\r' => " (carriage return)",
        '\u{85}' => " (next line)",
        '\u{2028}' => " (line separator)",
        '\u{2029}' => " (paragraph separator)",
        '\u{0B}' => " (vertical tab)",
        '\u{0C}' => " (form feed)",
        '\t' => " (tab)",
        _ => "",
    };
    format!("U+{:04X}{name}", c as u32)
}

/// May this character stand in a YAML file as it is, for every reader?
/// YAML's printable set (1.1 and 1.2 alike) less what readers treat as a
/// line break or a byte order mark.
pub fn yaml_printable(c: char) -> bool {
    matches!(c,
        '\u{20}'..='\u{7E}'
        | '\u{A0}'..='\u{2027}'
        | '\u{202A}'..='\u{D7FF}'
        | '\u{E000}'..='\u{FEFE}'
        | '\u{FF00}'..='\u{FFFD}'
        | '\u{10000}'..='\u{10FFFF}')
}

/// Words that YAML 1.1 (PyYAML) or 1.2 (serde_yaml) reads as a boolean or
/// null when written plain, compared without case.
fn is_special_word(s: &str) -> bool {
    const WORDS: &[&str] = &["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"];
    WORDS.iter().any(|w| w.eq_ignore_ascii_case(s))
}

/// Would a YAML reader (1.1 or 1.2) read this plain scalar as anything but
/// the string it spells? Numbers (`12`, `1_000`, `0x1F`, `1e3`, `3:30`,
/// `.inf`), dates and times (`2026-12-01`, `2026-12-01 10:00:00`),
/// booleans (`yes`, `Off`), null (`~`), the merge key `<<` and `=`. A string
/// that starts with a digit, a sign or a dot is counted in unless it holds
/// a character no number or time can hold: wider than any one reader's
/// rules, never narrower.
pub fn plain_is_not_string(s: &str) -> bool {
    const NUMERIC: &str = "0123456789abcdefABCDEFxXoOinINtTzZ+-._: ";
    let Some(first) = s.chars().next() else { return true };
    let numeric_start = first.is_ascii_digit() || matches!(first, '+' | '-' | '.');
    numeric_start && s.chars().all(|c| NUMERIC.contains(c)) || matches!(s, "=" | "<<") || is_special_word(s)
}

/// Can `s` be written as a plain scalar, in block and in flow context, and
/// be read back as this very string by YAML 1.1 and 1.2 readers alike?
pub fn can_be_plain(s: &str) -> bool {
    plain_ends(s) && plain_chars(s)
}

/// [`can_be_plain`] for a string whose characters are already known to
/// pass [`plain_chars`]: its first and last characters, and what YAML
/// would read it as.
pub fn plain_ends(s: &str) -> bool {
    let Some(first) = s.chars().next() else { return false };
    let last = s.chars().next_back().unwrap_or(first);
    !first.is_whitespace()
        && !last.is_whitespace()
        && last != ':'
        && !"-?:,[]{}#&*!|>'\"%@`\\".contains(first)
        && !plain_is_not_string(s)
}

/// Every character may stand in a plain scalar, and no `: ` ends a key
/// (`#` is refused anywhere, so ` #` never starts a comment). ASCII, the
/// common case, by bytes.
fn plain_chars(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_ascii() {
        return b.iter().enumerate().all(|(i, &c)| match c {
            b' ' => i == 0 || b[i - 1] != b':',
            b',' | b'[' | b']' | b'{' | b'}' | b'?' | b'#' => false,
            c => c.is_ascii_graphic(),
        });
    }
    let mut prev = '\0';
    for c in s.chars() {
        let ok = if c == ' ' {
            prev != ':'
        } else if c.is_ascii() {
            c.is_ascii_graphic() && !matches!(c, ',' | '[' | ']' | '{' | '}' | '?' | '#')
        } else {
            yaml_printable(c) && !c.is_whitespace()
        };
        if !ok {
            return false;
        }
        prev = c;
    }
    true
}

/// A YAML double-quoted scalar: `"` and `\` escaped, and every character
/// outside YAML's printable set as an escape every reader knows.
pub fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if yaml_printable(c) => out.push(c),
            c if (c as u32) <= 0xFFFF => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08X}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// A string as a one-line YAML scalar: plain where every reader reads it
/// back as the same string, else double-quoted.
pub fn scalar(s: &str) -> Cow<'_, str> {
    if can_be_plain(s) { Cow::Borrowed(s) } else { Cow::Owned(double_quoted(s)) }
}

/// Can `s` be written as a literal block (`|`) and read back exactly?
/// Lines may hold tabs; everything else must be printable, and the first
/// line may not start with a space (the block's indentation would move).
pub fn can_be_literal(s: &str) -> bool {
    s.contains('\n')
        && !s.starts_with([' ', '\t', '\n'])
        && s.chars().all(|c| c == '\n' || c == '\t' || yaml_printable(c))
        // A line of only spaces and tabs is read back, but not always as
        // written by every reader: quote instead.
        && s.split('\n').all(|l| l.is_empty() || !l.trim_matches([' ', '\t']).is_empty())
}

/// The top-level keys of a YAML mapping written in block style, each with
/// the byte range of its lines: from `key:` up to the next line that starts
/// another top-level key (indented lines, list items at the margin and
/// comment lines belong to the key above them). Keys in quotes or flow
/// style are not found. The one line scanner for top-level keys.
pub fn top_level_blocks(text: &str) -> Vec<(&str, std::ops::Range<usize>)> {
    let mut out: Vec<(&str, std::ops::Range<usize>)> = Vec::new();
    let mut off = 0;
    for line in text.split_inclusive('\n') {
        let starts_key = !line.starts_with([' ', '\t', '-', '#', '\n', '\r', '"', '\'', '{', '[', '?'])
            && !line.starts_with("---")
            && !line.starts_with("...");
        let key = starts_key
            .then(|| line.trim_end_matches(['\n', '\r']))
            .and_then(|l| l.find(": ").map(|i| &l[..i]).or_else(|| l.strip_suffix(':')))
            .filter(|k| !k.is_empty() && !k.contains([' ', '\t', '#']));
        match key {
            Some(k) => out.push((k, off..off + line.len())),
            None => {
                if let Some(last) = out.last_mut() {
                    last.1.end = off + line.len();
                }
            }
        }
        off += line.len();
    }
    out
}

/// The comments of a YAML text, each with its 1-based line: a `#` at the
/// start of a line or after white space, outside quotes.
pub fn comments(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        for (i, c) in line.char_indices() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if (c == '"' || c == '\'') && (prev.is_whitespace() || "[{,:".contains(prev)) => {
                    quote = Some(c)
                }
                None if c == '#' && prev.is_whitespace() => {
                    out.push((n + 1, &line[i..]));
                    break;
                }
                None => {}
            }
            prev = c;
        }
    }
    out
}

/// Bidirectional controls, which make a terminal show text in another
/// order than it is ("Trojan source").
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Would this character act on a terminal rather than show?
fn acts_on_terminal(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Text for a terminal: control characters (escape sequences among them),
/// bidirectional controls and line separators shown as `\u{1b}`, never
/// sent raw. `keep_newlines` leaves `\n` as a line break (multi-line
/// text shown as such).
pub fn for_terminal(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !s.chars().any(|c| acts_on_terminal(c) && !(keep_newlines && c == '\n')) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' if keep_newlines => out.push('\n'),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if acts_on_terminal(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The same text with every character that would act on a terminal
/// replaced by one of the same UTF-8 length (so byte offsets into it stay
/// right): for showing a file's lines under an error.
pub fn inert_same_length(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| acts_on_terminal(c) && c != '\n') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\n' => '\n',
                c if acts_on_terminal(c) => match c.len_utf8() {
                    1 => '?',
                    2 => '\u{BF}',
                    3 => '\u{FFFD}',
                    _ => '\u{1F5F5}',
                },
                c => c,
            })
            .collect(),
    )
}

/// A name folded for matching: lower case, the accents of Latin letters
/// taken off (é → e, ŵ → w, ß → ss, æ → ae), apostrophes dropped (O'Brien,
/// O’Brien and OBrien are one name) and runs of white space made one space. A small table rather
/// than full Unicode decomposition: the names a trust records are in Latin
/// script, and letters outside the table are kept as they are (lower case).
pub fn fold_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.trim().chars().flat_map(char::to_lowercase) {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        match fold_letter(c) {
            Some(plain) => out.push_str(plain),
            None => out.push(c),
        }
    }
    out
}

/// What `fold_name` makes of one lower-case character: the plain letters of
/// an accented Latin one (é → e, ß → ss), nothing for an apostrophe or a
/// combining accent; `None` where it is kept as it is.
pub fn fold_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        'þ' => "th",
        '\'' | '\u{2019}' | '\u{2018}' | '`' => "",
        // A combining accent (a name typed decomposed) is dropped.
        '\u{300}'..='\u{36F}' => "",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_case_accents_and_spacing() {
        assert_eq!(fold_name("  Zoë   O\u{2019}Brien "), "zoe obrien");
        assert_eq!(fold_name("SIÔN ŵyn"), "sion wyn");
        assert_eq!(fold_name("Renée"), fold_name("renee"));
        assert_eq!(fold_name("Rene\u{301}e"), "renee");
        assert_eq!(fold_name("Straße"), "strasse");
        assert_eq!(fold_name("Łukasz Żółć"), "lukasz zolc");
        assert_ne!(fold_name("Jo Smith"), fold_name("Jon Smith"));
    }

    #[test]
    fn every_kind_of_line_break_is_refused_in_a_one_line_field() {
        for s in ["a\nb", "a\rb", "a\u{85}b", "a\u{2028}b", "a\u{2029}b"] {
            assert!(one_line("the summary", s).is_err(), "{s:?}");
        }
        assert!(one_line("the summary", "Café ☕ — Siân's, 100%").is_ok());
    }

    #[test]
    fn words_a_reader_would_take_for_something_else_are_quoted() {
        for s in [
            "2026-12-01",
            "2026-12-01 10:00:00",
            "2026-12-01T10:00:00Z",
            "0x1F",
            "1e3",
            "+.inf",
            "12",
            "1_000",
            "3:30",
            "0b101",
            ".5",
            "-1",
            "+1",
            "yes",
            "No",
            "ON",
            "y",
            "~",
            "null",
            "=",
            "<<",
            "x?y",
            "a,b",
            "",
            " x",
            "x ",
            "a: b",
            "x #y",
            "tab\tx",
            "a\u{2028}b",
            "a\u{85}b",
            "bom\u{FEFF}",
            "del\u{7F}",
            "#x",
            "@x",
        ] {
            assert!(!can_be_plain(s), "{s:?} should be quoted");
            let q = double_quoted(s);
            let back: String = serde_yaml::from_str(&q).unwrap();
            assert_eq!(back, s, "{q}");
        }
        for s in [
            "A&E reception",
            "Siân O'Neill",
            "Café ☕",
            "20261124-7QF3x",
            "5 Boroughs",
            "it's",
            "100%",
            "x!",
            "a:b",
        ] {
            assert!(can_be_plain(s), "{s:?} can stay plain");
        }
    }

    #[test]
    fn finds_top_level_keys_and_their_lines() {
        let t = "a: 1\nlinks:\n  datix: X\n# note\npeople:\n- x\nb:\n";
        let keys: Vec<(&str, &str)> = top_level_blocks(t).into_iter().map(|(k, r)| (k, &t[r])).collect();
        assert_eq!(
            keys,
            [
                ("a", "a: 1\n"),
                ("links", "links:\n  datix: X\n# note\n"),
                ("people", "people:\n- x\n"),
                ("b", "b:\n")
            ]
        );
    }

    #[test]
    fn finds_comments_but_not_hashes_in_values() {
        assert_eq!(comments("# top\nschema: 1\n"), [(1, "# top")]);
        assert_eq!(comments("a: 1\nharm: low  # was moderate\n"), [(2, "# was moderate")]);
        assert!(comments("summary: \"bed #4\"\nlocation: ward#4\n").is_empty());
        assert!(comments("summary: 'a # b'\nname: O'Neill # x\n").len() == 1);
    }

    #[test]
    fn terminal_text_shows_controls_escaped() {
        assert_eq!(for_terminal("red\u{1b}[31m", false), "red\\u{1b}[31m");
        assert_eq!(for_terminal("a\nb", true), "a\nb");
        assert_eq!(for_terminal("a\nb", false), "a\\nb");
        assert_eq!(for_terminal("\u{202E}abc", false), "\\u{202e}abc");
        assert!(matches!(for_terminal("plain é", false), Cow::Borrowed(_)));
        let s = "a\u{1b}b\u{9b}c\u{202e}d";
        assert_eq!(inert_same_length(s).len(), s.len());
        assert!(!inert_same_length(s).chars().any(acts_on_terminal));
    }
}
