//! A fast reader for the YAML that `lsms` itself writes: top-level
//! `key: value` lines, one-line flow mappings and sequences, literal
//! blocks, and block lists of flow mappings. It gives exactly what
//! serde_yaml gives, or `None` for anything outside that shape (comments,
//! single quotes, nesting, anchors…), and the caller then asks serde_yaml.
//! Reading a large store is dominated by parsing; this is what keeps it
//! near the time it takes merely to read the files.

use super::node::Node;
use serde_yaml::Value;
use std::borrow::Cow;

/// Where the first `: ` is (a byte scan: the generic substring search
/// costs more than the short lines it looks through).
fn colon_space(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    (0..b.len().saturating_sub(1)).find(|&i| b[i] == b':' && b[i + 1] == b' ')
}

/// Could a plain scalar be anything but a string? Then serde_yaml decides.
fn maybe_not_string(s: &str) -> bool {
    const WORDS: &[&str] = &["null", "Null", "NULL", "~", "true", "True", "TRUE", "false", "False", "FALSE"];
    if WORDS.contains(&s) {
        return true;
    }
    let b = s.as_bytes();
    // A sign inside a number only follows an exponent's `e`: `2026-12-01`
    // and `20261124-7QF3` are strings without asking serde_yaml.
    let inner_sign = (1..b.len()).any(|i| matches!(b[i], b'+' | b'-') && !matches!(b[i - 1], b'e' | b'E'));
    !inner_sign
        && s.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.'))
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.' | '_'))
}

fn plain(s: &str) -> Option<Node<'_>> {
    let s = s.trim_end_matches(' ');
    if s.is_empty() {
        return Some(Node::NULL);
    }
    if s.starts_with([
        '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', ' ',
        '\t',
    ]) && !(s.starts_with('-') && maybe_not_string(s))
    {
        return None;
    }
    if s.as_bytes().windows(2).any(|w| w == b" #") || s.contains('\t') {
        return None;
    }
    // A ':' inside a plain scalar is only safe before a letter or digit.
    let b = s.as_bytes();
    if b.iter().enumerate().any(|(i, c)| *c == b':' && !b.get(i + 1).is_some_and(u8::is_ascii_alphanumeric)) {
        return None;
    }
    if maybe_not_string(s) {
        // The forms lsms writes, resolved without asking serde_yaml.
        match s {
            "true" => return Some(Node::Scalar(Value::Bool(true))),
            "false" => return Some(Node::Scalar(Value::Bool(false))),
            "null" | "~" => return Some(Node::NULL),
            _ => {}
        }
        if s.len() < 19 && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0')) {
            return s.parse::<u64>().ok().map(|n| Node::Scalar(Value::from(n)));
        }
        let v: Value = serde_yaml::from_str(s).ok()?;
        return match v {
            Value::String(_) => Some(Node::Str(Cow::Borrowed(s))),
            Value::Null | Value::Bool(_) | Value::Number(_) => Some(Node::Scalar(v)),
            _ => None,
        };
    }
    Some(Node::Str(Cow::Borrowed(s)))
}

/// A double-quoted scalar at the start of `s`: its value and the rest.
fn quoted(s: &str) -> Option<(Node<'_>, &str)> {
    let bytes = s.as_bytes();
    let mut i = 1;
    let mut escaped = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                escaped = true;
                i += 2;
            }
            b'"' => {
                let text = if escaped {
                    Cow::Owned(serde_json::from_str::<String>(&s[..=i]).ok()?)
                } else {
                    // No escapes: JSON would refuse a control character.
                    let inner = &s[1..i];
                    if inner.bytes().any(|b| b < 0x20) {
                        return None;
                    }
                    Cow::Borrowed(inner)
                };
                return Some((Node::Str(text), &s[i + 1..]));
            }
            _ => i += 1,
        }
    }
    None
}

/// One scalar in flow context (up to `,`, `]` or `}`), and the rest.
fn flow_scalar(s: &str) -> Option<(Node<'_>, &str)> {
    let s = s.trim_start_matches(' ');
    if s.starts_with('"') {
        return quoted(s);
    }
    let end = s.find([',', ']', '}'])?;
    let raw = &s[..end];
    if raw.contains(['[', '{', '"']) {
        return None;
    }
    Some((plain(raw)?, &s[end..]))
}

/// `{ a: b, c: d }` on one line.
fn flow_map(s: &str) -> Option<Node<'_>> {
    let mut rest = s.strip_prefix('{')?.trim_start_matches(' ');
    let mut map: Vec<(Node<'_>, Node<'_>)> = Vec::with_capacity(8);
    if let Some(r) = rest.strip_prefix('}') {
        return r.trim().is_empty().then_some(Node::Map(map));
    }
    loop {
        let colon = colon_space(rest)?;
        let key = &rest[..colon];
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
            return None;
        }
        let (value, after) = flow_scalar(&rest[colon + 2..])?;
        if map.iter().any(|(k, _)| k.as_str() == Some(key)) {
            return None;
        }
        map.push((Node::Str(Cow::Borrowed(key)), value));
        let after = after.trim_start_matches(' ');
        if let Some(r) = after.strip_prefix(',') {
            rest = r.trim_start_matches(' ');
        } else if let Some(r) = after.strip_prefix('}') {
            return r.trim().is_empty().then_some(Node::Map(map));
        } else {
            return None;
        }
    }
}

/// `[a, b]` on one line.
fn flow_seq(s: &str) -> Option<Node<'_>> {
    let mut rest = s.strip_prefix('[')?.trim_start_matches(' ');
    let mut items = Vec::new();
    if let Some(r) = rest.strip_prefix(']') {
        return r.trim().is_empty().then_some(Node::Seq(items));
    }
    loop {
        let (v, after) = flow_scalar(rest)?;
        if v.is_null() {
            return None;
        }
        items.push(v);
        let after = after.trim_start_matches(' ');
        if let Some(r) = after.strip_prefix(',') {
            rest = r.trim_start_matches(' ');
        } else if let Some(r) = after.strip_prefix(']') {
            return r.trim().is_empty().then_some(Node::Seq(items));
        } else {
            return None;
        }
    }
}

fn value(s: &str) -> Option<Node<'_>> {
    match s.as_bytes().first() {
        Some(b'{') => flow_map(s),
        Some(b'[') => flow_seq(s),
        Some(b'"') => {
            let (v, rest) = quoted(s)?;
            rest.trim().is_empty().then_some(v)
        }
        _ => plain(s),
    }
}

/// Parses a whole file, or says it is not of the simple shape.
pub fn parse(text: &str) -> Option<Node<'_>> {
    if text.is_empty()
        || text.contains(['#', '\r', '\t'])
        || text.starts_with("---")
        || text.contains("\n---")
    {
        return None;
    }
    let lines: Vec<&str> = text.split('\n').collect();
    // A file ends with a newline: the last piece is empty.
    if lines.last().is_some_and(|l| !l.is_empty()) {
        return None;
    }
    let lines = &lines[..lines.len() - 1];
    let mut map: Vec<(Node<'_>, Node<'_>)> = Vec::with_capacity(32);
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        if line.is_empty() || line.starts_with(' ') || line.starts_with('-') {
            return None;
        }
        let (key, rest) = match colon_space(line) {
            Some(i) => (&line[..i], &line[i + 2..]),
            None => (line.strip_suffix(':')?, ""),
        };
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
            return None;
        }
        let v = if rest.is_empty() {
            // A block list of flow mappings or scalars, or null.
            let mut items = Vec::new();
            while i < lines.len() && lines[i].starts_with("  - ") {
                let item = &lines[i][4..];
                items.push(if item.starts_with('{') { flow_map(item)? } else { value(item)? });
                i += 1;
            }
            if i < lines.len() && lines[i].starts_with(' ') {
                return None;
            }
            if items.is_empty() { Node::NULL } else { Node::Seq(items) }
        } else if let Some(chomp) = rest.strip_prefix('|') {
            let mut body: Vec<&str> = Vec::new();
            while i < lines.len() && (lines[i].is_empty() || lines[i].starts_with("  ")) {
                let l = lines[i];
                if !l.is_empty() && l.trim().is_empty() {
                    return None;
                }
                if body.iter().all(|b: &&str| b.is_empty()) && l.starts_with("   ") {
                    return None;
                }
                body.push(l.get(2..).unwrap_or(""));
                i += 1;
            }
            let content_end = body.iter().rposition(|l| !l.is_empty()).map_or(0, |p| p + 1);
            if body[..content_end].first().is_some_and(|l| l.is_empty()) || content_end == 0 {
                return None;
            }
            let mut s = body[..content_end].join("\n");
            match chomp {
                "" => s.push('\n'),
                "-" => {}
                "+" => (0..=body.len() - content_end).for_each(|_| s.push('\n')),
                _ => return None,
            }
            Node::Str(Cow::Owned(s))
        } else {
            value(rest)?
        };
        if map.iter().any(|(k, _)| k.as_str() == Some(key)) {
            return None;
        }
        map.push((Node::Str(Cow::Borrowed(key)), v));
    }
    Some(Node::Map(map))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every input the fast reader accepts, it reads as serde_yaml does.
    fn agrees(text: &str) -> bool {
        let slow: Result<Value, _> = serde_yaml::from_str(text);
        match parse(text).map(|n| n.to_value()) {
            Some(fast) => {
                assert_eq!(
                    Ok(&fast),
                    slow.as_ref().map_err(|e| e.to_string()),
                    "fast and serde_yaml differ on:\n{text}"
                );
                true
            }
            None => false,
        }
    }

    const RECORD: &str = "schema: 1
id: 20261124-7QF3
uuid: 019ab5c1-7a3e-7c41-9a8e-3f0d2b6c9e10
status: closed
category: physical-assault
summary: \"Visitor struck a nurse: A&E, reception\"
occurred_at: 2026-11-24T14:30:00+00:00
recorded_by: jfowlis
reporter: { name: J. Bloggs, party: staff }
site: Hollins Park
description: |
  What happened, in the reporter's words.

  Second paragraph.
assets: [people, property]
people:
  - { role: victim, party: staff, name: A. Nurse }
  - { role: alleged-offender, party: visitor }
medical_factors: \"no\"
police: { informed: true, crime_ref: MP/26/0012345 }
losses: { estimated: \"120.00\", recovered: \"0.00\" }
sanctions:
  - { class: civil, kind: warning-letter, date: 2026-12-01, review_on: 2027-06-01 }
closure_note: |-
  Done.
history:
  - { at: 2026-11-24T15:10:41+00:00, by: jfowlis, action: reported }
  - { at: 2026-11-25T10:00:00+00:00, by: asmith, action: note, detail: \"Spoke to the witness, who said \\\"no\\\"\" }
";

    #[test]
    fn reads_what_lsms_writes_exactly_as_serde_yaml_does() {
        assert!(agrees(RECORD), "the canonical record is read fast");
    }

    #[test]
    fn scalars_resolve_as_serde_yaml_resolves_them() {
        for v in [
            "1",
            "-5",
            "0x1F",
            "1e3",
            "1.5",
            ".inf",
            "true",
            "False",
            "null",
            "~",
            "",
            "2026-12-01",
            "20261124-7QF3",
            "1e-3",
            "0",
            "007",
            "123456789012345678",
            "1234567890123456789012",
            "1-2",
            "-1-2",
            "0x-1",
            "1_000",
            "+3",
            "0o17",
            "abc",
            "-x",
            "12:30",
        ] {
            let text = format!("k: {v}\nf: {{ a: {v}, b: x }}\n");
            let _ = agrees(&text);
        }
    }

    #[test]
    fn anything_else_is_left_to_serde_yaml() {
        for text in [
            "a: 1 # comment\n",
            "a: 'single'\n",
            "a:\n  b: nested\n",
            "a: [1, [2]]\n",
            "a: { b: { c: 1 } }\n",
            "a: |\n    deeper first line\n",
            "a: 1\na: 2\n",
            "a: x: y\n",
            "no final newline: x",
            "--- \na: 1\n",
            "a: \"unclosed\n",
            "a: |\n  x\n  \n",
        ] {
            assert!(!agrees(text), "{text:?} should be left to serde_yaml");
        }
    }

    #[test]
    fn every_mutation_of_a_record_is_read_alike_or_left_alone() {
        // Delete, duplicate or cut each line and each character position of
        // a real record: the fast reader never disagrees with serde_yaml.
        let lines: Vec<&str> = RECORD.lines().collect();
        for i in 0..lines.len() {
            let mut v = lines.clone();
            v.remove(i);
            let _ = agrees(&(v.join("\n") + "\n"));
            let mut v = lines.clone();
            v.insert(i, lines[i]);
            let _ = agrees(&(v.join("\n") + "\n"));
        }
        for cut in (0..RECORD.len()).step_by(7) {
            if RECORD.is_char_boundary(cut) {
                let _ = agrees(&RECORD[..cut]);
                let _ = agrees(&format!("{}\n", &RECORD[..cut]));
            }
        }
    }

    #[test]
    fn every_file_of_the_sample_store_is_read_fast_and_alike() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/store/incidents");
        let mut n = 0;
        for y in std::fs::read_dir(root).unwrap() {
            for m in std::fs::read_dir(y.unwrap().path()).unwrap() {
                for f in std::fs::read_dir(m.unwrap().path()).unwrap() {
                    let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
                    assert!(agrees(&text), "not read fast:\n{text}");
                    n += 1;
                }
            }
        }
        assert!(n >= 20);
    }

    #[test]
    fn random_edits_never_make_the_readers_disagree() {
        // A small deterministic generator: insert, replace or delete bytes
        // drawn from YAML's syntax characters at pseudo-random places.
        // LSMS_FUZZ_ROUNDS and LSMS_FUZZ_SEED run it longer, by hand.
        let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<u64>().ok());
        let rounds = env("LSMS_FUZZ_ROUNDS").unwrap_or(20000);
        let mut seed: u64 = env("LSMS_FUZZ_SEED").unwrap_or(0x2545_F491_4F6C_DD1D) | 1;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let alphabet: Vec<char> = " :-,{}[]\"'|>\n#&*!%@`?x1.T+".chars().collect();
        for _ in 0..rounds {
            let mut text: Vec<char> = RECORD.chars().collect();
            for _ in 0..(1 + next() % 3) {
                let at = (next() as usize) % text.len();
                let c = alphabet[(next() as usize) % alphabet.len()];
                match next() % 3 {
                    0 => text.insert(at, c),
                    1 => text[at] = c,
                    _ => {
                        text.remove(at);
                    }
                }
            }
            let _ = agrees(&text.into_iter().collect::<String>());
        }
    }
}
