//! The record's fields are declared once (`record!` in `model::incident`);
//! this is what a declaration turns into. Each field names its key, its
//! slot (required, optional, a list, a default, a log) and its codec (how a
//! value of its kind is read with every problem named, written, cached and
//! exported). From that one list come the struct, the key order of the
//! file, the reader, the writer, the cache codec and the export columns.
//!
//! Here are the traits: `Codec` (one kind of value), `Record` (a mapping
//! of declared fields) and `Extras` (keys of one's own). Beside them:
//! `slots` (how a field is present: required, optional, a list…),
//! `kinds` (the codecs of every kind of value), `input` (a value as a
//! person types it, for `report`, `update` and `import`) and `declare`
//! (the `record!` macro that turns a declaration into all of it).

mod declare;
mod input;
mod kinds;
mod slots;

pub use input::*;
pub use kinds::*;
pub use slots::*;

use super::binary::{R, W};
use super::cell::{Cell, join};
use super::lex;
use super::node::Node;
use super::yaml_write::{flow_value, literal, scalar};
use crate::model::enums::{Tri, Word};
use crate::model::id::Id;
use crate::model::incident::{Problem, Vocab};
use crate::model::money::Money;
use crate::model::time::{Stamp, parse_stored, parse_stored_date, rfc3339};
use chrono::NaiveDate;
use serde_json::{Value as Json, json};
use serde_yaml::{Mapping, Value};
use std::borrow::Cow;
use std::fmt;
use uuid::Uuid;

/// Where a field is, for a problem's name (`people[1].party`): built only
/// when something is wrong.
#[derive(Clone, Copy)]
pub struct At<'p> {
    pub parent: Option<&'p At<'p>>,
    pub key: &'p str,
    pub index: Option<usize>,
}

impl<'p> At<'p> {
    pub const TOP: At<'static> = At { parent: None, key: "", index: None };

    pub fn key(&'p self, key: &'p str) -> At<'p> {
        At { parent: (!self.key.is_empty()).then_some(self), key, index: None }
    }

    pub fn item(&self, i: usize) -> At<'p> {
        At { index: Some(i), ..*self }
    }
}

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = self.parent {
            write!(f, "{p}.")?;
        }
        f.write_str(self.key)?;
        if let Some(i) = self.index {
            write!(f, "[{i}]")?;
        }
        Ok(())
    }
}

/// What reading a record needs beside the text: the store's words, and a
/// place for every problem found.
pub struct Cx<'v> {
    pub vocab: &'v Vocab,
    pub problems: Vec<Problem>,
}

impl Cx<'_> {
    pub fn bad(&mut self, at: &At<'_>, message: impl Into<String>) {
        self.problems.push(Problem { field: at.to_string(), message: message.into() });
    }
}

/// Which export columns: the ones anybody may see, or the personal ones
/// (names and free text) that `--include-personal` adds after them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    Public,
    Personal,
}

/// One kind of value: how it is read (naming what is wrong), written,
/// cached and exported.
pub trait Codec {
    type T: PartialEq;
    /// A list of these is written one item a line (records) rather than
    /// as a flow list on the key's line.
    const BLOCK: bool = false;
    /// Its values are text (so `check` warns where YAML would read a
    /// hand-written one as a number, a date or a boolean).
    const TEXT: bool = false;
    /// What the cache's fingerprint takes from this kind: the declarations
    /// of the records its values hold, the words its numbers stand for.
    fn declarations(_: &mut Vec<&'static str>) {}
    /// Reads a present, non-null value.
    fn read(n: &Node<'_>, at: &At<'_>, cx: &mut Cx<'_>) -> Option<Self::T>;
    /// The value in flow style: after `key: ` or inside `{ }`.
    fn flow(v: &Self::T, out: &mut String);
    /// `key: value` at the top of the file.
    fn top(key: &str, v: &Self::T, out: &mut String) {
        out.push_str(key);
        out.push_str(": ");
        Self::flow(v, out);
        out.push('\n');
    }
    /// Reads, from the start of `s`, a value written exactly as `flow`
    /// writes it, and gives what follows it (`codec::lex`). `None` for
    /// anything else, or a value `read` refuses: the file is then read the
    /// general way, which names every problem.
    fn lex<'s>(s: &'s str, cx: &mut Cx<'_>) -> Option<(Self::T, &'s str)>;
    /// After `key:` at the top of a file: a value written exactly as `top`
    /// writes it, with its line end.
    fn lex_top<'s>(s: &'s str, cx: &mut Cx<'_>) -> Option<(Self::T, &'s str)> {
        let (v, rest) = Self::lex(s.strip_prefix(' ')?, cx)?;
        Some((v, rest.strip_prefix('\n')?))
    }
    fn encode(v: &Self::T, w: &mut W);
    fn decode(r: &mut R<'_>) -> Option<Self::T>;
    /// The value of an absent `Dflt` field (`None`: it may not be absent).
    fn default() -> Option<Self::T> {
        None
    }
    /// Whether a value is blank text, which a required field may not hold.
    fn is_blank(_: &Self::T) -> bool {
        false
    }
    /// Whether a defaulted value goes unwritten.
    fn is_empty(_: &Self::T) -> bool {
        false
    }
    /// The export cell of a scalar.
    fn cell(v: &Self::T) -> Cell<'_>;
    /// The export columns of a field of this kind (a record has several).
    fn columns(key: &str, pass: Pass, personal: bool, out: &mut Vec<String>) {
        if (pass == Pass::Personal) == personal {
            out.push(key.to_string());
        }
    }
    fn cells<'a>(v: Option<&'a Self::T>, pass: Pass, personal: bool, out: &mut Vec<Cell<'a>>) {
        if (pass == Pass::Personal) == personal {
            out.push(v.map_or(Cell::Null, Self::cell));
        }
    }
    /// A list of these in the export: one `;`-joined column.
    fn list_columns(key: &str, pass: Pass, personal: bool, out: &mut Vec<String>) {
        Self::columns(key, pass, personal, out)
    }
    fn list_cells<'a>(vs: &'a [Self::T], pass: Pass, personal: bool, out: &mut Vec<Cell<'a>>) {
        if (pass == Pass::Personal) == personal {
            out.push(Cell::Text(Cow::Owned(join(vs.iter().map(|v| Self::cell(v).as_csv().into_owned())))));
        }
    }
    /// The value in a JSON export (records: an object of what may be shown).
    fn json(v: &Self::T, _with_personal: bool) -> Json {
        Self::cell(v).to_json()
    }
    /// A field of this kind in a JSON export row.
    fn json_field(key: &str, v: Option<&Self::T>, personal: bool, with_personal: bool, out: &mut JsonRow) {
        if !personal || with_personal {
            out.insert(key.to_string(), v.map_or(Json::Null, |v| Self::json(v, with_personal)));
        }
    }

    // What follows is how a person gives a value (`input`) and how it is
    // shown back (history entries, `show`, `--grep`).

    /// A value as a person types it (trimmed, dates day first, `£1,250.50`):
    /// the one way `report`, `update`, `--from` documents and `import` set
    /// a field of this kind.
    fn input(_: &str, _: &InputCx<'_>) -> Result<Self::T, String> {
        Err("this is not set from text".into())
    }
    /// Sets `v` from typed text; a kind that is a collection (references)
    /// adds to it instead.
    fn input_into(v: &mut Self::T, s: &str, cx: &InputCx<'_>) -> Result<(), String> {
        *v = Self::input(s, cx)?;
        Ok(())
    }
    /// The value as a history entry and `show` give it.
    fn shown(v: &Self::T) -> String {
        Self::cell(v).as_csv().into_owned()
    }
    /// How the items of a list of these are joined when shown.
    const SEP: &'static str = ", ";
    /// Whether a list may hold the same item twice (two victims, both staff).
    const REPEATS: bool = false;
    /// A record's value to fill in before its first field is given.
    fn blank() -> Option<Self::T> {
        None
    }
    /// Whether `--grep`'s lower-case `needle` is in the value.
    fn search(v: &Self::T, needle: &str) -> bool {
        Self::TEXT && Self::shown(v).to_lowercase().contains(needle)
    }
    /// A value of this kind as a person would type it (tests: every
    /// declared input, given its example, must store something).
    #[cfg(test)]
    fn example() -> String {
        String::new()
    }
    /// An example for a field of a record held in this field (tests).
    #[cfg(test)]
    fn nested_example(_path: &str) -> Option<String> {
        None
    }
    /// A record's own fields, under `prefix` (`reporter.`).
    fn declared(_prefix: &str, _out: &mut Vec<Declared>) {}
    /// An input to a field of a record held in this field (`None`: no such field).
    fn nested_input(
        _: &mut Self::T,
        _path: &str,
        _op: Op<'_>,
        _cx: &InputCx<'_>,
    ) -> Option<Result<(), String>> {
        None
    }
    /// A field of a record held in this field, shown (`None`: no such field).
    fn nested_shown(_: &Self::T, _path: &str) -> Option<Option<String>> {
        None
    }
}

pub type JsonRow = serde_json::Map<String, Json>;

/// Whether two strings are the same, in a constant (a field's marks).
pub const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// A record: a mapping of declared fields, plus keys of one's own.
pub trait Record: Sized + Clone + PartialEq + Default {
    const KEYS: &'static [&'static str];
    /// Which of [`Record::KEYS`] hold text.
    const TEXT: &'static [bool];
    /// The declaration as written in `record!`: the cache's fingerprint.
    const DECLARATION: &'static str;
    /// This record's declaration, then those of the records it holds.
    fn declarations(out: &mut Vec<&'static str>);
    fn read_fields(n: &Node<'_>, at: &At<'_>, cx: &mut Cx<'_>) -> Option<Self>;
    /// The fields of a flow mapping in lsms's own form, from after its
    /// `{ `; gives what follows the last (`codec::lex`).
    fn lex_flow<'s>(s: &'s str, cx: &mut Cx<'_>) -> Option<(Self, &'s str)>;
    /// A whole file in lsms's own form (`codec::lex`).
    fn lex_top(s: &str, cx: &mut Cx<'_>) -> Option<Self>;
    /// Each field as the top of a file writes it, calling `after` with each
    /// key (where keys of one's own that followed it go).
    fn write_fields(&self, out: &mut String, after: &mut dyn FnMut(&'static str, &mut String));
    fn flow_fields(&self, out: &mut String);
    fn encode_fields(&self, w: &mut W);
    fn decode_fields(r: &mut R<'_>, brief: bool) -> Option<Self>;
    fn columns(prefix: &str, pass: Pass, out: &mut Vec<String>);
    fn cells<'a>(v: Option<&'a Self>, pass: Pass, out: &mut Vec<Cell<'a>>);
    fn json_fields(&self, with_personal: bool, out: &mut JsonRow);
    /// Every field, nested records' after their own, with its input or the
    /// command that sets it.
    fn declared(prefix: &str, out: &mut Vec<Declared>);
    /// Applies an input to the field at `path` (`reporter.name`); `None`
    /// where the record has no such field.
    fn input(&mut self, path: &str, op: Op<'_>, cx: &InputCx<'_>) -> Option<Result<(), String>>;
    /// The field at `path` as a history entry shows it (`None`: no such field).
    fn shown(&self, path: &str) -> Option<Option<String>>;
    /// Whether a field marked `search` holds `--grep`'s lower-case `needle`.
    fn search(&self, needle: &str) -> bool;
    /// The top-level fields that hold a value, each as `show` gives it.
    fn shown_fields(&self) -> Vec<(&'static str, String)>;
    /// A record given as one piece of text (`--person victim:staff:A. Nurse`).
    fn parse_text(s: &str, cx: &InputCx<'_>) -> Result<Self, String>;
    /// The record as that text.
    fn text(&self) -> String;
    /// An example of what the input at `path` takes (tests).
    #[cfg(test)]
    fn example(path: &str) -> Option<String>;
    /// What an input of one of its fields starts from, where there is none.
    fn blank() -> Self {
        Self::default()
    }
}

/// Keys the tool does not know, kept as they were.
pub trait Extras: Sized + Default {
    fn read(n: &Node<'_>, known: &'static [&'static str]) -> Self;
    fn flow(&self, out: &mut String);
    fn encode(&self, w: &mut W);
    fn decode(r: &mut R<'_>, known: &'static [&'static str]) -> Option<Self>;
}

impl Extras for Mapping {
    fn read(n: &Node<'_>, known: &'static [&'static str]) -> Mapping {
        let Node::Map(pairs) = n else { return Mapping::new() };
        pairs
            .iter()
            .filter(|(k, _)| !k.as_str().is_some_and(|k| known.contains(&k)))
            .map(|(k, v)| (k.to_value(), v.to_value()))
            .collect()
    }
    fn flow(&self, out: &mut String) {
        for (k, v) in self {
            pair(&flow_value(k), out);
            out.push_str(&flow_value(v));
        }
    }
    fn encode(&self, w: &mut W) {
        w.extra(self);
    }
    fn decode(r: &mut R<'_>, _: &'static [&'static str]) -> Option<Mapping> {
        r.extra()
    }
}

/// Keys of one's own at the top, each after the known key it followed.
impl Extras for Vec<crate::model::incident::Extra> {
    fn read(n: &Node<'_>, known: &'static [&'static str]) -> Vec<crate::model::incident::Extra> {
        let Node::Map(pairs) = n else { return Vec::new() };
        let mut out = Vec::new();
        let mut anchor: Option<&'static str> = None;
        for (k, v) in pairs {
            match k.as_str().and_then(|k| known.iter().find(|x| **x == k)) {
                Some(key) => anchor = Some(key),
                None => out.push(crate::model::incident::Extra {
                    after: anchor,
                    key: k.to_value(),
                    value: v.to_value(),
                    raw: None,
                }),
            }
        }
        out
    }
    /// Written by the file writer, each in its place.
    fn flow(&self, _: &mut String) {}
    fn encode(&self, w: &mut W) {
        let known = crate::model::incident::KEYS;
        w.u64(self.len() as u64);
        for x in self {
            w.0.push(x.after.and_then(|a| known.iter().position(|k| *k == a)).map_or(0, |p| p as u8 + 1));
            w.0.push(u8::from(x.raw.is_some()));
            match &x.raw {
                Some(raw) => w.str(raw),
                None => {
                    let mut one = Mapping::new();
                    one.insert(x.key.clone(), x.value.clone());
                    w.str(&serde_yaml::to_string(&one).unwrap_or_default());
                }
            }
        }
    }
    fn decode(r: &mut R<'_>, known: &'static [&'static str]) -> Option<Vec<crate::model::incident::Extra>> {
        (0..r.count()?)
            .map(|_| {
                let after = match r.byte()? {
                    0 => None,
                    i => Some(*known.get(usize::from(i) - 1)?),
                };
                let is_raw = match r.byte()? {
                    0 => false,
                    1 => true,
                    _ => return None,
                };
                let text = r.str()?;
                let one: Mapping = serde_yaml::from_str(text).ok()?;
                let (key, value) = one.into_iter().next()?;
                Some(crate::model::incident::Extra {
                    after,
                    key,
                    value,
                    raw: is_raw.then(|| text.to_string()),
                })
            })
            .collect()
    }
}
