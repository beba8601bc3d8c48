//! An incident file: read (in lsms's own form in one pass, else any YAML
//! through the general reader, naming every problem: each field's own, a
//! misspelt key, what the fields say together), written in the design's
//! key order, and cached in the binary form. Each through the record's
//! declaration (`Stored`).

use super::binary::{Decoder, Encoder, VERSION};
use super::node::Node;
use super::schema::{Extras, FieldPath, ReadCx, Stored};
use super::yaml_write::flow_value;
use crate::model::incident::{Extra, Incident, KEYS, Problem, Vocab};
use serde_yaml::Value;
use std::fmt::Write;

impl Incident {
    /// Takes the text of each unknown top-level key from the file it was
    /// read from, where that text alone reads back as the same key and
    /// value: a rewrite then keeps it exactly as the person wrote it.
    pub fn keep_raw_extras(&mut self, text: &str) {
        if self.extra.is_empty() {
            return;
        }
        let blocks = crate::model::text::top_level_blocks(text);
        for x in &mut self.extra {
            let Some(key) = x.key.as_str() else { continue };
            let Some((_, range)) = blocks.iter().find(|(k, _)| *k == key) else { continue };
            let raw = &text[range.clone()];
            let raw = if raw.ends_with('\n') { raw.to_string() } else { format!("{raw}\n") };
            // Read as the whole file was: words kept as written.
            let same = super::load::load(&raw).is_ok_and(|d| {
                d.value.as_mapping().is_some_and(|m| m.len() == 1)
                    && d.node.get(key).map(Node::kept_value).as_ref() == Some(&x.value)
            });
            if same {
                x.raw = Some(raw);
            }
        }
    }

    /// Reads a parsed YAML document as an incident, naming every problem.
    pub fn from_value(v: &Value, vocab: &Vocab) -> Result<Incident, Vec<Problem>> {
        Incident::read(&Node::of(v), vocab)
    }

    /// Reads a file in lsms's own form in one pass (`codec::lex`): `None`
    /// for any other text, which [`Incident::read`] then reads, naming
    /// every problem. A record given is one that, written again, is the
    /// text byte for byte.
    pub fn lex(text: &str, vocab: &Vocab) -> Option<Incident> {
        let mut cx = ReadCx { vocab, problems: Vec::new() };
        let inc = Incident::lex_top(text, &mut cx)?;
        (cx.problems.is_empty() && !inc.history.is_empty() && inc.problems_together().is_empty())
            .then_some(inc)
    }

    /// Reads a parsed document as an incident, naming every problem: each
    /// field's own, a misspelt key, and what the fields say together.
    pub fn read(n: &Node<'_>, vocab: &Vocab) -> Result<Incident, Vec<Problem>> {
        if !matches!(n, Node::Map(_)) {
            return Err(vec![Problem {
                field: String::new(),
                message: "an incident file should be a mapping of keys to values".into(),
            }]);
        }
        let mut cx = ReadCx { vocab, problems: Vec::new() };
        let inc = Incident::read_fields(n, &FieldPath::TOP, &mut cx);
        let mut problems = cx.problems;
        unread_keys(n, "", &mut problems);
        for p in &mut problems {
            if p.field == "schema" && p.message.ends_with("is missing") {
                p.message = "`schema` is missing: the first line of an incident file is `schema: 1`".into();
            }
        }
        if n.get("history").is_none_or(Node::is_null) {
            problems.push(Problem {
                field: "history".into(),
                message: "`history` is missing: every incident keeps its case history".into(),
            });
        }
        // A key of one's own is kept; one a letter or two from a key the
        // tool reads is a typo that would silently lose the field.
        for x in <Vec<Extra> as Extras>::read(n, KEYS) {
            let Some(k) = x.key.as_str() else { continue };
            let near = KEYS.iter().find(|known| k.len() >= 4 && strsim::levenshtein(k, known) <= 2);
            if let Some(known) = near {
                problems.retain(|p| p.field != *known);
                problems.push(Problem {
                    field: k.to_string(),
                    message: format!(
                        "unknown key `{k}` (did you mean `{known}`?): a misspelt key is not read; correct it"
                    ),
                });
            }
        }
        match inc {
            Some(inc) if problems.is_empty() => {
                let together = inc.problems_together();
                if together.is_empty() { Ok(inc) } else { Err(together) }
            }
            _ if problems.is_empty() => {
                Err(vec![Problem { field: String::new(), message: "a required field is missing".into() }])
            }
            _ => Err(problems),
        }
    }
}

/// Keys lsms cannot keep as YAML reads them, anywhere in the file: a merge
/// key (`<<: {...}` or `<<: *anchor`), whose keys PyYAML merges into the
/// mapping and lsms would not see; and a key that is not text (`1: x`,
/// `[a, b]: c`), which no JSON or CSV can show. Each is named, never
/// dropped without a word.
fn unread_keys(n: &Node<'_>, at: &str, out: &mut Vec<Problem>) {
    match n {
        Node::Map(pairs) => {
            for (k, v) in pairs {
                let inner = match k {
                    Node::Str(s) if at.is_empty() => s.to_string(),
                    Node::Str(s) => format!("{at}.{s}"),
                    _ => at.to_string(),
                };
                let place = if at.is_empty() { "at the top".to_string() } else { format!("in `{at}`") };
                match k {
                    Node::Str(_) => {}
                    Node::Scalar(serde_yaml::Value::String(s), _) if s == "<<" => out.push(Problem {
                        field: at.to_string(),
                        message: format!(
                            "a YAML merge key (`<<`) {place}: lsms does not read keys merged from \
                             elsewhere (an anchor's or a mapping's), so they would be lost; write each \
                             key out in full in place of the `<<` line"
                        ),
                    }),
                    other => {
                        let shown = match other {
                            Node::Scalar(_, raw) if !raw.is_empty() => format!("`{raw}`"),
                            Node::Seq(_) => "a list".to_string(),
                            Node::Map(_) => "a mapping".to_string(),
                            _ => "an empty key".to_string(),
                        };
                        out.push(Problem {
                            field: at.to_string(),
                            message: format!(
                                "a key that is not text ({shown}, which YAML reads as {}) {place}: keys are \
                                 words like `location`; put the key in quotes or remove it",
                                other.reading()
                            ),
                        });
                    }
                }
                unread_keys(v, &inner, out);
            }
        }
        Node::Seq(items) => {
            for (i, v) in items.iter().enumerate() {
                unread_keys(v, &format!("{at}[{i}]"), out);
            }
        }
        _ => {}
    }
}

fn top_extra(out: &mut String, inc: &Incident, anchor: Option<&str>) {
    for x in &inc.extra {
        if x.after == anchor {
            match &x.raw {
                Some(raw) => out.push_str(raw),
                None => {
                    let _ = writeln!(out, "{}: {}", flow_value(&x.key), flow_value(&x.value));
                }
            }
        }
    }
}

impl Incident {
    /// The file's text: the fields in their declared order, each key of
    /// one's own after the key it followed.
    pub fn to_yaml(&self) -> String {
        let mut out = String::with_capacity(1024);
        self.write_yaml(&mut out);
        out
    }

    /// Whether `text` is exactly what lsms writes for this record (written
    /// into a buffer each reading thread keeps, so no allocation).
    pub fn is_written_as(&self, text: &str) -> bool {
        thread_local! {
            static BUF: std::cell::RefCell<String> = std::cell::RefCell::new(String::with_capacity(4096));
        }
        BUF.with_borrow_mut(|buf| {
            self.write_yaml(buf);
            *buf == text
        })
    }

    /// The file's text, into `out` (cleared first).
    pub fn write_yaml(&self, out: &mut String) {
        out.clear();
        top_extra(out, self, None);
        if self.extra.is_empty() {
            self.write_fields(out, &mut |_, _| {});
        } else {
            self.write_fields(out, &mut |key, out| top_extra(out, self, Some(key)));
        }
    }
}

/// The record's bytes.
#[cfg(test)]
pub fn encode(i: &Incident) -> Vec<u8> {
    let mut out = Vec::with_capacity(512);
    encode_into(i, &mut out);
    out
}

/// The record's bytes, after what `out` holds.
pub fn encode_into(i: &Incident, out: &mut Vec<u8>) {
    let mut w = Encoder(std::mem::take(out));
    w.0.push(VERSION);
    i.encode_fields(&mut w);
    *out = w.0;
}

/// The record again, or `None` if the bytes are not a whole record. Without
/// `history` the log is stepped over, not built, and the record comes back
/// with an empty history (for readers that never look at it: most of a
/// record's size is its history).
pub fn decode_with(b: &[u8], history: bool) -> Option<Incident> {
    let mut r = Decoder { b, at: 0 };
    if r.byte()? != VERSION {
        return None;
    }
    let i = Incident::decode_fields(&mut r, !history)?;
    (r.at == b.len()).then_some(i)
}
