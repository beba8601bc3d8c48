//! Writes an incident as YAML in the design's key order: LF endings, a
//! final newline, one line per history entry, so that `git diff` shows the
//! lines that changed and nothing else.

use serde_yaml::Value;
use std::fmt::Write;

/// A string as a one-line YAML scalar: plain where every reader reads it
/// back as the same string, else double-quoted.
pub fn scalar(s: &str) -> String {
    crate::model::text::scalar(s).into_owned()
}

/// A text that may run over lines: a literal block where it reads well,
/// else a quoted scalar.
pub fn literal(out: &mut String, key: &str, s: &str) {
    if !crate::model::text::can_be_literal(s) {
        let _ = writeln!(out, "{key}: {}", scalar(s));
        return;
    }
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    let chomp = match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    let _ = writeln!(out, "{key}: |{chomp}");
    for line in s.strip_suffix('\n').unwrap_or(s).split('\n') {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "  {line}");
        }
    }
}

/// The tag lsms gives, in memory only, a plain scalar of a key of one's
/// own that is kept as the characters written ([`as_written`]): it is
/// written back as those characters, so every YAML reader reads it as
/// it did before.
pub const AS_WRITTEN: &str = "!lsms-as-written";

/// A plain scalar kept as written (`010`, `1e3`, `yes`, `2026-01-01`):
/// YAML readers differ on what these are (PyYAML reads `010` as 8,
/// YAML 1.2 as 10; `1e3` as text, or 1000.0), so writing back either
/// reading would change the value for the other.
pub fn as_written(raw: &str) -> Value {
    Value::Tagged(Box::new(serde_yaml::value::TaggedValue {
        tag: serde_yaml::value::Tag::new(AS_WRITTEN),
        value: Value::String(raw.to_string()),
    }))
}

/// The characters of a value kept by [`as_written`].
pub fn written_text(v: &Value) -> Option<&str> {
    match v {
        Value::Tagged(t) if t.tag == AS_WRITTEN => t.value.as_str(),
        _ => None,
    }
}

/// Any YAML value in flow style, on one line: for keys the tool does not
/// know. Strings go through the same quoting as every other string.
pub fn flow_value(v: &Value) -> String {
    if let Some(raw) = written_text(v) {
        return raw.to_string();
    }
    match v {
        Value::String(s) => scalar(s),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Sequence(items) => {
            let items: Vec<String> = items.iter().map(flow_value).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Mapping(m) => {
            let pairs: Vec<String> =
                m.iter().map(|(k, v)| format!("{}: {}", flow_value(k), flow_value(v))).collect();
            if pairs.is_empty() { "{}".into() } else { format!("{{ {} }}", pairs.join(", ")) }
        }
        Value::Tagged(t) => format!("{} {}", t.tag, flow_value(&t.value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_where_safe_quoted_where_not() {
        assert_eq!(scalar("A&E reception"), "A&E reception");
        assert_eq!(
            scalar("2026-11-24T14:30:00+00:00"),
            "\"2026-11-24T14:30:00+00:00\"",
            "PyYAML would read a time"
        );
        assert_eq!(scalar("5 Boroughs Partnership NHS Trust"), "5 Boroughs Partnership NHS Trust");
        assert_eq!(scalar("Siân O'Neill"), "Siân O'Neill");
        for quoted in [
            "120.00",
            "no",
            "Yes",
            "null",
            "",
            " x",
            "a: b",
            "x #y",
            "- dash",
            "[x]",
            "a,b",
            "12",
            "1e3",
            "0x1F",
            "tab\there",
            "line\nbreak",
            "@home",
            "{x}",
        ] {
            let s = scalar(quoted);
            assert!(s.starts_with('"'), "{quoted:?} should be quoted, got {s}");
            let back: String = serde_yaml::from_str(&s).unwrap();
            assert_eq!(back, quoted);
        }
    }

    #[test]
    fn every_scalar_reads_back_as_the_same_string() {
        for s in [
            "plain",
            "2026-12-01",
            "20261124-7QF3",
            "Café ☕",
            "it's",
            "a:b",
            "100%",
            "x!",
            "~x",
            "ends with colon:",
            "-",
            "?",
            "0",
            ".5",
            "1_000",
            "3:30",
        ] {
            let text = format!("k: {}\n", scalar(s));
            let v: Value = serde_yaml::from_str(&text).unwrap();
            assert_eq!(v["k"].as_str(), Some(s), "{text}");
            let flow = format!("k: {{ a: {}, b: c }}\n", scalar(s));
            let v: Value = serde_yaml::from_str(&flow).unwrap();
            assert_eq!(v["k"]["a"].as_str(), Some(s), "{flow}");
        }
    }

    #[test]
    fn multi_line_text_is_a_literal_block_that_reads_back() {
        for s in ["one\ntwo\n", "one\ntwo", "one\n\ntwo\n\n", " leading\nspace", "tab\there\nx\n"] {
            let mut out = String::new();
            literal(&mut out, "description", s);
            let v: Value = serde_yaml::from_str(&out).unwrap();
            assert_eq!(v["description"].as_str(), Some(s), "{out}");
        }
    }
}
