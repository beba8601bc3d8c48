//! How a record is stored: what each declared field (`model::schema`,
//! `record!` in `model::incident`) turns into when it is read with every
//! problem named, written, cached and exported. The declaration walks its
//! fields for the visitors here; from that one list come the key order of
//! the file, the reader, the writer, the cache codec and the export columns.
//!
//! Here are the traits: `Codec` (how one kind of value is stored) and
//! `Extras` (keys of one's own). Beside them: `slots` (how each presence
//! of a field is stored: required, optional, a list…), `kinds` (the codec
//! of every kind of value) and `visitors` (a record read, written, cached
//! and exported through its declaration: the `Stored` trait).

mod kinds;
mod slots;
mod visitors;

pub use slots::*;
pub use visitors::*;

use super::binary::{Decoder, Encoder};
use super::cell::{Cell, join};
use super::lex;
use super::node::Node;
use super::yaml_write::{flow_value, literal, scalar};
use crate::model::enums::{Tri, Word};
use crate::model::id::Id;
use crate::model::incident::{Problem, Vocab};
use crate::model::money::Money;
use crate::model::schema::*;
pub use crate::model::schema::{Kind, Record};
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
pub struct FieldPath<'p> {
    pub parent: Option<&'p FieldPath<'p>>,
    pub key: &'p str,
    pub index: Option<usize>,
}

impl<'p> FieldPath<'p> {
    pub const TOP: FieldPath<'static> = FieldPath { parent: None, key: "", index: None };

    pub fn key(&'p self, key: &'p str) -> FieldPath<'p> {
        FieldPath { parent: (!self.key.is_empty()).then_some(self), key, index: None }
    }

    pub fn item(&self, i: usize) -> FieldPath<'p> {
        FieldPath { index: Some(i), ..*self }
    }
}

impl fmt::Display for FieldPath<'_> {
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
pub struct ReadCx<'v> {
    pub vocab: &'v Vocab,
    pub problems: Vec<Problem>,
}

impl ReadCx<'_> {
    pub fn bad(&mut self, at: &FieldPath<'_>, message: impl Into<String>) {
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
pub trait Codec: Kind {
    /// A list of these is written one item a line (records) rather than
    /// as a flow list on the key's line.
    const BLOCK: bool = false;
    /// Reads a present, non-null value.
    fn read(n: &Node<'_>, at: &FieldPath<'_>, cx: &mut ReadCx<'_>) -> Option<Self::T>;
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
    fn lex<'s>(s: &'s str, cx: &mut ReadCx<'_>) -> Option<(Self::T, &'s str)>;
    /// After `key:` at the top of a file: a value written exactly as `top`
    /// writes it, with its line end.
    fn lex_top<'s>(s: &'s str, cx: &mut ReadCx<'_>) -> Option<(Self::T, &'s str)> {
        let (v, rest) = Self::lex(s.strip_prefix(' ')?, cx)?;
        Some((v, rest.strip_prefix('\n')?))
    }
    fn encode(v: &Self::T, w: &mut Encoder);
    fn decode(r: &mut Decoder<'_>) -> Option<Self::T>;
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
}

pub type JsonRow = serde_json::Map<String, Json>;

/// Keys the tool does not know, kept as they were.
pub trait Extras: Sized + Default {
    fn read(n: &Node<'_>, known: &'static [&'static str]) -> Self;
    fn flow(&self, out: &mut String);
    fn encode(&self, w: &mut Encoder);
    fn decode(r: &mut Decoder<'_>, known: &'static [&'static str]) -> Option<Self>;
}

impl Extras for Mapping {
    fn read(n: &Node<'_>, known: &'static [&'static str]) -> Mapping {
        let Node::Map(pairs) = n else { return Mapping::new() };
        pairs
            .iter()
            .filter(|(k, _)| !k.as_str().is_some_and(|k| known.contains(&k)))
            .map(|(k, v)| (k.to_value(), v.kept_value()))
            .collect()
    }
    fn flow(&self, out: &mut String) {
        for (k, v) in self {
            pair(&flow_value(k), out);
            out.push_str(&flow_value(v));
        }
    }
    fn encode(&self, w: &mut Encoder) {
        w.extra(self);
    }
    fn decode(r: &mut Decoder<'_>, _: &'static [&'static str]) -> Option<Mapping> {
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
                    value: v.kept_value(),
                    raw: None,
                }),
            }
        }
        out
    }
    /// Written by the file writer, each in its place.
    fn flow(&self, _: &mut String) {}
    fn encode(&self, w: &mut Encoder) {
        let known = crate::model::incident::KEYS;
        w.u64(self.len() as u64);
        for x in self {
            w.0.push(x.after.and_then(|a| known.iter().position(|k| *k == a)).map_or(0, |p| p as u8 + 1));
            w.value(&x.key);
            w.value(&x.value);
            w.0.push(u8::from(x.raw.is_some()));
            if let Some(raw) = &x.raw {
                w.str(raw);
            }
        }
    }
    fn decode(
        r: &mut Decoder<'_>,
        known: &'static [&'static str],
    ) -> Option<Vec<crate::model::incident::Extra>> {
        (0..r.count()?)
            .map(|_| {
                let after = match r.byte()? {
                    0 => None,
                    i => Some(*known.get(usize::from(i) - 1)?),
                };
                let key = r.value()?;
                let value = r.value()?;
                let raw = match r.byte()? {
                    0 => None,
                    1 => Some(r.string()?),
                    _ => return None,
                };
                Some(crate::model::incident::Extra { after, key, value, raw })
            })
            .collect()
    }
}
