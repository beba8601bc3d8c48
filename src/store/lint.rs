//! What `check` warns about in a hand-edited file: places where YAML reads
//! something other than what the person probably meant. Pure: text in,
//! warnings out. Files in lsms's own form never have any.

use crate::model::text::{comments, plain_is_not_string, top_level_blocks};

/// One warning: where (byte offset), what, and how to put it right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub offset: usize,
    pub message: String,
    pub help: String,
}

/// The top-level keys whose values are text.
const TEXT_KEYS: &[&str] = &[
    "summary",
    "location",
    "site",
    "assignee",
    "recorded_by",
    "category",
    "description",
    "weapon",
    "closure_note",
];

/// Where a line starts, by 1-based line number.
fn line_start(text: &str, line: usize) -> usize {
    text.split_inclusive('\n').take(line - 1).map(str::len).sum()
}

pub fn lint(text: &str) -> Vec<Warning> {
    let mut out = Vec::new();
    for (line, comment) in comments(text) {
        let start = line_start(text, line);
        let whole = text[start..].lines().next().unwrap_or("");
        let offset = start + whole.len() - comment.len();
        if whole.trim_start().starts_with('#') {
            out.push(Warning {
                offset,
                message: "a comment line: YAML does not read it, and a rewrite does not keep it in place"
                    .into(),
                help: "`lsms fmt` keeps it in the case history; or say it with `lsms note`".into(),
            });
        } else {
            let before = whole[..whole.len() - comment.len()].trim_end();
            out.push(Warning {
                offset,
                message: format!(
                    "` #` starts a comment, so the value ends before it: YAML reads `{before}` and drops `{comment}`"
                ),
                help: "if the `#` is part of the text, put the whole value in double quotes".into(),
            });
        }
    }
    for (key, range) in top_level_blocks(text) {
        if !TEXT_KEYS.contains(&key) {
            continue;
        }
        let line = text[range.clone()].lines().next().unwrap_or("");
        let Some(value) = line.split_once(": ").map(|(_, v)| v.trim()) else { continue };
        let value = match value.find(" #") {
            Some(i) => value[..i].trim_end(),
            None => value,
        };
        if value.starts_with(['"', '\'', '|', '>', '[', '{', '&', '*', '!']) {
            continue;
        }
        if value.is_empty() || value == "~" || value.eq_ignore_ascii_case("null") {
            out.push(Warning {
                offset: range.start,
                message: format!("`{key}` is empty: YAML reads it as no value at all"),
                help: format!("give it a value, or remove the `{key}:` line"),
            });
        } else if plain_is_not_string(value) {
            out.push(Warning {
                offset: range.start + key.len() + 2,
                message: format!(
                    "`{key}: {value}`: YAML readers may take `{value}` for a number, a date, true/false or null, not the text as written"
                ),
                help: format!("put it in double quotes: {key}: {}", crate::model::text::double_quoted(value)),
            });
        }
    }
    out.sort_by_key(|w| w.offset);
    out
}

/// The line of a leftover merge conflict marker, if the text has one.
pub fn conflict_marker(text: &str) -> Option<(usize, usize)> {
    let mut off = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let l = line.trim_end_matches(['\n', '\r']);
        if l.starts_with("<<<<<<<") || l.starts_with(">>>>>>>") || l == "=======" || l.starts_with("======= ")
        {
            return Some((n + 1, off));
        }
        off += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warns_where_yaml_reads_otherwise_than_meant() {
        let t = "# top note\nsummary: Bed 4 #2 taken\nlocation: 12\nsite: yes\nassignee: asmith\nharm: low\n";
        let w = lint(t);
        let lines: Vec<usize> = w.iter().map(|w| crate::error::line_col(t, w.offset).0).collect();
        assert_eq!(lines, [1, 2, 3, 4], "{w:#?}");
        assert!(w[1].message.contains("YAML reads `summary: Bed 4`"), "{}", w[1].message);
        assert!(w[2].help.contains("location: \"12\""), "{}", w[2].help);
        assert!(lint("summary: \"12\"\nlocation: Ward 4\n").is_empty());
    }

    #[test]
    fn finds_conflict_markers() {
        assert_eq!(conflict_marker("a: 1\n<<<<<<< ours\nb\n"), Some((2, 5)));
        assert_eq!(conflict_marker("a: \"<<<<<<<\"\n"), None);
    }
}
