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

/// Whether a top-level key's value is text, as the record declares it.
fn is_text(key: &str) -> bool {
    use crate::model::Incident;
    use crate::model::schema::Record;
    Incident::KEYS.iter().zip(Incident::TEXT).any(|(k, text)| *k == key && *text)
}

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
        if !is_text(key) {
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

/// A warning as `check` shows it, without the rest of its file: the lines
/// a report of it shows (its line and one each side, with their place),
/// its message and help. The cache keeps these beside a file's record, so
/// a warm `check` shows each exactly as a read of the file does, without
/// reading the file; and a read of the file shows them from this same
/// form, so the two cannot differ. Nothing of the file beyond the lines
/// shown is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    /// How many line breaks stood before `lines` in the file.
    pub breaks: usize,
    pub lines: String,
    /// Where the warning is, in `lines`.
    pub offset: usize,
    pub message: String,
    pub help: String,
}

/// The lines of a file each side of a warning that its report shows
/// (context lines), as the handler that prints it counts them.
const CONTEXT: usize = 1;

impl Shown {
    pub fn of(text: &str, w: Warning) -> Shown {
        let offset = w.offset.min(text.len());
        // The lines shown: from the start of the line before the
        // warning's, to the end of the line after it ...
        let line_start = |at: usize| text[..at].rfind('\n').map_or(0, |i| i + 1);
        let mut start = line_start(offset);
        for _ in 0..CONTEXT {
            start = line_start(start.saturating_sub(1));
        }
        let mut end = offset;
        for _ in 0..=CONTEXT {
            end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
        }
        // ... and at least what the report itself reads of the text: the
        // span it underlines and the context it takes around it.
        let shown = crate::model::text::inert_same_length(text);
        let span = miette::SourceSpan::new(offset.into(), label_len(text, offset));
        if let Ok(c) = miette::SourceCode::read_span(shown.as_ref(), &span, CONTEXT, CONTEXT) {
            start = line_start(start.min(c.span().offset()));
            end = end.max(c.span().offset() + c.span().len()).max(offset + span.len()).min(text.len());
        }
        Shown {
            breaks: text.as_bytes()[..start].iter().filter(|b| **b == b'\n').count(),
            lines: text[start..end].to_string(),
            offset: offset - start,
            message: w.message,
            help: w.help,
        }
    }

    /// The text to show the warning in, and its place in it: the lines
    /// kept, after as many empty lines as stood before them, so its line,
    /// column and the lines around it are those of the file.
    pub fn text(&self) -> (String, usize) {
        let mut text = "\n".repeat(self.breaks);
        text.push_str(&self.lines);
        (text, self.breaks + self.offset)
    }

    /// A file's warnings, for its cache entry.
    pub fn encode(all: &[Shown], w: &mut crate::codec::binary::Encoder) {
        w.u64(all.len() as u64);
        for s in all {
            w.u64(s.breaks as u64);
            w.str(&s.lines);
            w.u64(s.offset as u64);
            w.str(&s.message);
            w.str(&s.help);
        }
    }

    /// A file's warnings from its cache entry; `None` if not whole.
    pub fn decode(r: &mut crate::codec::binary::Decoder<'_>) -> Option<Vec<Shown>> {
        let n = r.count()?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let breaks = usize::try_from(r.u64()?).ok()?;
            let lines = r.string()?;
            let offset = usize::try_from(r.u64()?).ok()?;
            if !lines.is_char_boundary(offset) || breaks as u64 > super::fsio::MAX_FILE {
                return None;
            }
            out.push(Shown { breaks, lines, offset, message: r.string()?, help: r.string()? });
        }
        Some(out)
    }
}

/// How much of the text a report underlines from `offset` (as
/// [`crate::error::Error::in_file`] does): to the end of its line.
fn label_len(text: &str, offset: usize) -> usize {
    let len = text[offset..].find('\n').unwrap_or(text.len() - offset).max(1);
    len.min(text.len().saturating_sub(offset)).max(usize::from(text.len() > offset))
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

    fn render(e: &crate::error::Error) -> String {
        use miette::{GraphicalReportHandler, GraphicalTheme, NarratableReportHandler};
        let mut out = String::new();
        GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
            .render_report(&mut out, e)
            .unwrap();
        GraphicalReportHandler::new_themed(GraphicalTheme::ascii()).render_report(&mut out, e).unwrap();
        NarratableReportHandler::new().render_report(&mut out, e).unwrap();
        out
    }

    #[test]
    fn a_warning_kept_without_its_file_is_shown_as_from_the_file() {
        let texts = [
            "# top note\nsummary: Bed 4 #2 taken\nlocation: 12\nsite: yes\nassignee: asmith\nharm: low\n",
            "schema: 1\n\n\nsummary: a\n# last, no line end",
            "a: 1\r\n# crlf\r\nb: 2\r\nc: 3\r\n",
            "a: 1\r# lone cr\rb: 2\nc: x # y\n\u{1b}[31mred: é ✓ 🦀\n\n",
            "",
            "\n",
            "x",
        ];
        for text in texts {
            let at: Vec<usize> = (0..=text.len()).filter(|i| text.is_char_boundary(*i)).collect();
            for offset in at {
                let w = Warning { offset, message: "m".into(), help: "h".into() };
                let whole =
                    crate::error::Error::warning_in_file("p.yaml", text, offset, "m".into(), "h".into());
                let kept = Shown::of(text, w);
                let (t, o) = kept.text();
                let shown = crate::error::Error::warning_in_file("p.yaml", &t, o, kept.message, kept.help);
                assert_eq!(render(&whole), render(&shown), "{text:?} at {offset}");
                assert!(
                    kept.lines.lines().count() <= 2 * CONTEXT + 2,
                    "{text:?} at {offset}: {:?}",
                    kept.lines
                );
            }
        }
    }

    #[test]
    fn kept_warnings_come_back_whole_or_not_at_all() {
        let t = "# top note\nsummary: Bed 4 #2 taken\nlocation: 12\n";
        let all: Vec<Shown> = lint(t).into_iter().map(|w| Shown::of(t, w)).collect();
        assert_eq!(all.len(), 3);
        let mut w = crate::codec::binary::Encoder(Vec::new());
        Shown::encode(&all, &mut w);
        let mut r = crate::codec::binary::Decoder { b: &w.0, at: 0 };
        assert_eq!(Shown::decode(&mut r), Some(all));
        assert_eq!(r.at, w.0.len());
        for cut in 0..w.0.len() {
            let mut r = crate::codec::binary::Decoder { b: &w.0[..cut], at: 0 };
            assert_eq!(Shown::decode(&mut r), None, "cut at {cut}");
        }
    }

    #[test]
    fn finds_conflict_markers() {
        assert_eq!(conflict_marker("a: 1\n<<<<<<< ours\nb\n"), Some((2, 5)));
        assert_eq!(conflict_marker("a: \"<<<<<<<\"\n"), None);
    }
}
