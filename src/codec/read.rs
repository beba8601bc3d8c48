//! Reading an incident file: in lsms's own form in one pass, else any
//! YAML through the general reader, naming every problem (each field's
//! own, a misspelt key, what the fields say together).

use super::node::Node;
use super::schema::{Extras, FieldPath, ReadCx, Stored};
use crate::model::incident::{Extra, Incident, KEYS, Problem, Vocab};
use serde_yaml::{Mapping, Value};

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
            let same = serde_yaml::from_str::<Mapping>(&raw)
                .is_ok_and(|m| m.len() == 1 && m.get(key) == Some(&x.value));
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
