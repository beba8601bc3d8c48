//! The record's fields are declared once (`record!` in `model::incident`);
//! this is what a declaration turns into. Each field names its key, its
//! slot (required, optional, a list, a default, a log) and its codec (how a
//! value of its kind is read with every problem named, written, cached and
//! exported). From that one list come the struct, the key order of the
//! file, the reader, the writer, the cache codec and the export columns.

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
}

pub type JsonRow = serde_json::Map<String, Json>;

/// A record: a mapping of declared fields, plus keys of one's own.
pub trait Record: Sized + Clone + PartialEq {
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

/// How a field is present in its record: `Req`uired, `Opt`ional, a `List`
/// (absent when empty; a `Set` is a list whose items are distinct), `Dflt`
/// (a default when absent, left out when empty) or a `Log` (a list that
/// brief reads of the cache skip).
pub trait Slot {
    type Of<T>;
    fn read<C: Codec>(
        map: &mut Fields<'_, '_>,
        key: &str,
        at: &At<'_>,
        cx: &mut Cx<'_>,
    ) -> Option<Self::Of<C::T>>;
    fn top<C: Codec>(key: &str, v: &Self::Of<C::T>, out: &mut String);
    fn flow<C: Codec>(key: &str, v: &Self::Of<C::T>, out: &mut String);
    /// The field in a flow mapping in lsms's own form: `key: value` after
    /// `, ` (none before the first field written), or nothing where the
    /// writer writes nothing.
    fn lex_flow<C: Codec>(
        s: &mut &str,
        key: &str,
        first: &mut bool,
        cx: &mut Cx<'_>,
    ) -> Option<Self::Of<C::T>>;
    /// The field at the top of a file in lsms's own form.
    fn lex_top<C: Codec>(s: &mut &str, key: &str, cx: &mut Cx<'_>) -> Option<Self::Of<C::T>>;
    fn encode<C: Codec>(v: &Self::Of<C::T>, w: &mut W);
    fn decode<C: Codec>(r: &mut R<'_>, brief: bool) -> Option<Self::Of<C::T>>;
    fn columns<C: Codec>(key: &str, pass: Pass, personal: bool, out: &mut Vec<String>) {
        C::columns(key, pass, personal, out);
    }
    fn cells<'a, C: Codec>(
        v: Option<&'a Self::Of<C::T>>,
        pass: Pass,
        personal: bool,
        out: &mut Vec<Cell<'a>>,
    );
    fn json<C: Codec>(key: &str, v: &Self::Of<C::T>, personal: bool, with_personal: bool, out: &mut JsonRow);
}

/// The pairs of a mapping being read field by field. Files list keys in
/// the declared order, so the next key is looked for where the last was
/// found first; the count of keys found tells whether any are left over.
pub struct Fields<'n, 'a> {
    pairs: &'n [(Node<'a>, Node<'a>)],
    next: usize,
    found: usize,
}

impl<'n, 'a> Fields<'n, 'a> {
    pub fn of(n: &'n Node<'a>) -> Fields<'n, 'a> {
        let pairs = match n {
            Node::Map(p) => p.as_slice(),
            _ => &[],
        };
        Fields { pairs, next: 0, found: 0 }
    }

    fn get(&mut self, key: &str) -> Option<&'n Node<'a>> {
        let hit = |(k, _): &(Node<'a>, Node<'a>)| k.as_str() == Some(key);
        let i = match self.pairs.get(self.next) {
            Some(p) if hit(p) => self.next,
            _ => self.pairs.iter().position(hit)?,
        };
        self.next = i + 1;
        self.found += 1;
        Some(&self.pairs[i].1)
    }

    /// Every key of the mapping was a declared one.
    pub fn all_known(&self) -> bool {
        self.found == self.pairs.len()
    }
}

fn present<'n, 'a>(map: &mut Fields<'n, 'a>, key: &str) -> Option<&'n Node<'a>> {
    map.get(key).filter(|v| !v.is_null())
}

/// `, key: ` inside a flow mapping (no comma before the first pair).
fn pair(key: &str, out: &mut String) {
    if !out.ends_with("{ ") {
        out.push_str(", ");
    }
    out.push_str(key);
    out.push_str(": ");
}

fn flow_items<C: Codec>(vs: &[C::T], out: &mut String) {
    out.push('[');
    for (i, v) in vs.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        C::flow(v, out);
    }
    out.push(']');
}

/// A field in a flow mapping in lsms's own form: `Some(None)` where it is
/// not there, `None` where it is there but not in that form.
fn flow_field<'s, T>(
    s: &mut &'s str,
    key: &str,
    first: &mut bool,
    lex: impl FnOnce(&'s str) -> Option<(T, &'s str)>,
) -> Option<Option<T>> {
    let t = if *first { Some(*s) } else { strip_key(s, ", ") };
    let Some(t) = t.and_then(|t| strip_key(t, key)).and_then(|t| strip_key(t, ": ")) else {
        return Some(None);
    };
    let (v, rest) = lex(t)?;
    *s = rest;
    *first = false;
    Some(Some(v))
}

/// `s` after `key`, if it starts with it (most fields are absent from
/// most records: the first byte settles nearly every one of them).
fn strip_key<'s>(s: &'s str, key: &str) -> Option<&'s str> {
    let (b, k) = (s.as_bytes(), key.as_bytes());
    // Byte by byte: a call to memcmp costs more than these short keys.
    (b.len() >= k.len() && b.iter().zip(k).all(|(x, y)| x == y)).then(|| &s[k.len()..])
}

/// A field at the top of a file in lsms's own form (after `key:`).
fn top_field<'s, T>(
    s: &mut &'s str,
    key: &str,
    lex: impl FnOnce(&'s str) -> Option<(T, &'s str)>,
) -> Option<Option<T>> {
    let Some(t) = strip_key(s, key).and_then(|t| t.strip_prefix(':')) else { return Some(None) };
    let (v, rest) = lex(t)?;
    *s = rest;
    Some(Some(v))
}

/// A defaulted field: absent only where the writer leaves it out.
fn lexed_dflt<C: Codec>(v: Option<C::T>) -> Option<C::T> {
    match v {
        None => C::default().filter(C::is_empty),
        Some(v) => (!C::is_empty(&v)).then_some(v),
    }
}

/// A list: absent where empty, never written empty.
fn lexed_list<T>(v: Option<Vec<T>>) -> Option<Vec<T>> {
    match v {
        None => Some(Vec::new()),
        Some(v) => (!v.is_empty()).then_some(v),
    }
}

/// `[a, b]` as `flow_items` writes it.
fn lex_items<'s, C: Codec>(s: &'s str, cx: &mut Cx<'_>) -> Option<(Vec<C::T>, &'s str)> {
    let mut s = s.strip_prefix('[')?;
    let mut out = Vec::new();
    loop {
        let (v, rest) = C::lex(s, cx)?;
        out.push(v);
        match rest.strip_prefix(", ") {
            Some(r) => s = r,
            None => return Some((out, rest.strip_prefix(']')?)),
        }
    }
}

/// A list at the top of a file, as `List::top` writes it.
fn lex_list_top<'s, C: Codec>(s: &'s str, cx: &mut Cx<'_>) -> Option<(Vec<C::T>, &'s str)> {
    if !C::BLOCK {
        let (v, rest) = lex_items::<C>(s.strip_prefix(' ')?, cx)?;
        return Some((v, rest.strip_prefix('\n')?));
    }
    let mut s = s.strip_prefix('\n')?;
    let mut out = Vec::new();
    while let Some(t) = s.strip_prefix("  - ") {
        let (v, rest) = C::lex(t, cx)?;
        out.push(v);
        s = rest.strip_prefix('\n')?;
    }
    Some((out, s))
}

/// A list's items, each read alone (so each problem is named); where they
/// must be `distinct`, an item that repeats one before it is a problem.
fn read_list<C: Codec>(
    map: &mut Fields<'_, '_>,
    key: &str,
    at: &At<'_>,
    cx: &mut Cx<'_>,
    distinct: bool,
) -> Option<Vec<C::T>> {
    let at = at.key(key);
    match present(map, key) {
        None => Some(Vec::new()),
        Some(Node::Seq(items)) => {
            let before = cx.problems.len();
            let mut out = Vec::with_capacity(items.len());
            for (i, v) in items.iter().enumerate() {
                let at = at.item(i);
                if v.is_null() {
                    cx.bad(&at, format!("`{at}` is empty"));
                } else if let Some(x) = C::read(v, &at, cx) {
                    if distinct && out.contains(&x) {
                        let shown = C::cell(&x).as_csv().into_owned();
                        cx.bad(&at, format!("'{shown}' is given twice in `{key}`: list each once"));
                    }
                    out.push(x);
                }
            }
            (cx.problems.len() == before).then_some(out)
        }
        Some(_) => {
            cx.bad(&at, format!("`{at}` should be a list"));
            None
        }
    }
}

pub struct Req;
pub struct Opt;
pub struct Dflt;
/// A list; `List<true>` (`Set`) a list whose items are distinct, where
/// one given twice is a slip.
pub struct List<const DISTINCT: bool = false>;
pub type Set = List<true>;
pub struct Log;

impl Slot for Req {
    type Of<T> = T;
    fn read<C: Codec>(map: &mut Fields<'_, '_>, key: &str, at: &At<'_>, cx: &mut Cx<'_>) -> Option<C::T> {
        let at = at.key(key);
        match present(map, key) {
            None => {
                cx.bad(&at, format!("`{at}` is missing"));
                None
            }
            Some(Node::Str(s)) if s.trim().is_empty() => {
                cx.bad(&at, format!("`{at}` is empty"));
                None
            }
            Some(v) => C::read(v, &at, cx),
        }
    }
    fn top<C: Codec>(key: &str, v: &C::T, out: &mut String) {
        C::top(key, v, out);
    }
    fn flow<C: Codec>(key: &str, v: &C::T, out: &mut String) {
        pair(key, out);
        C::flow(v, out);
    }
    fn lex_flow<C: Codec>(s: &mut &str, key: &str, first: &mut bool, cx: &mut Cx<'_>) -> Option<C::T> {
        flow_field(s, key, first, |t| C::lex(t, cx))?.filter(|v| !C::is_blank(v))
    }
    fn lex_top<C: Codec>(s: &mut &str, key: &str, cx: &mut Cx<'_>) -> Option<C::T> {
        top_field(s, key, |t| C::lex_top(t, cx))?.filter(|v| !C::is_blank(v))
    }
    fn encode<C: Codec>(v: &C::T, w: &mut W) {
        C::encode(v, w);
    }
    fn decode<C: Codec>(r: &mut R<'_>, _: bool) -> Option<C::T> {
        C::decode(r)
    }
    fn cells<'a, C: Codec>(v: Option<&'a C::T>, pass: Pass, personal: bool, out: &mut Vec<Cell<'a>>) {
        C::cells(v, pass, personal, out);
    }
    fn json<C: Codec>(key: &str, v: &C::T, personal: bool, with: bool, out: &mut JsonRow) {
        C::json_field(key, Some(v), personal, with, out);
    }
}

impl Slot for Opt {
    type Of<T> = Option<T>;
    fn read<C: Codec>(
        map: &mut Fields<'_, '_>,
        key: &str,
        at: &At<'_>,
        cx: &mut Cx<'_>,
    ) -> Option<Option<C::T>> {
        match present(map, key) {
            None => Some(None),
            Some(v) => C::read(v, &at.key(key), cx).map(Some),
        }
    }
    fn top<C: Codec>(key: &str, v: &Option<C::T>, out: &mut String) {
        if let Some(v) = v {
            C::top(key, v, out);
        }
    }
    fn flow<C: Codec>(key: &str, v: &Option<C::T>, out: &mut String) {
        if let Some(v) = v {
            Req::flow::<C>(key, v, out);
        }
    }
    fn lex_flow<C: Codec>(
        s: &mut &str,
        key: &str,
        first: &mut bool,
        cx: &mut Cx<'_>,
    ) -> Option<Option<C::T>> {
        flow_field(s, key, first, |t| C::lex(t, cx))
    }
    fn lex_top<C: Codec>(s: &mut &str, key: &str, cx: &mut Cx<'_>) -> Option<Option<C::T>> {
        top_field(s, key, |t| C::lex_top(t, cx))
    }
    fn encode<C: Codec>(v: &Option<C::T>, w: &mut W) {
        w.0.push(u8::from(v.is_some()));
        if let Some(v) = v {
            C::encode(v, w);
        }
    }
    fn decode<C: Codec>(r: &mut R<'_>, _: bool) -> Option<Option<C::T>> {
        match r.byte()? {
            0 => Some(None),
            1 => Some(Some(C::decode(r)?)),
            _ => None,
        }
    }
    fn cells<'a, C: Codec>(v: Option<&'a Option<C::T>>, pass: Pass, personal: bool, out: &mut Vec<Cell<'a>>) {
        C::cells(v.and_then(Option::as_ref), pass, personal, out);
    }
    fn json<C: Codec>(key: &str, v: &Option<C::T>, personal: bool, with: bool, out: &mut JsonRow) {
        C::json_field(key, v.as_ref(), personal, with, out);
    }
}

impl Slot for Dflt {
    type Of<T> = T;
    fn read<C: Codec>(map: &mut Fields<'_, '_>, key: &str, at: &At<'_>, cx: &mut Cx<'_>) -> Option<C::T> {
        match present(map, key) {
            None => C::default(),
            Some(v) => C::read(v, &at.key(key), cx),
        }
    }
    fn top<C: Codec>(key: &str, v: &C::T, out: &mut String) {
        if !C::is_empty(v) {
            C::top(key, v, out);
        }
    }
    fn flow<C: Codec>(key: &str, v: &C::T, out: &mut String) {
        if !C::is_empty(v) {
            Req::flow::<C>(key, v, out);
        }
    }
    fn lex_flow<C: Codec>(s: &mut &str, key: &str, first: &mut bool, cx: &mut Cx<'_>) -> Option<C::T> {
        lexed_dflt::<C>(flow_field(s, key, first, |t| C::lex(t, cx))?)
    }
    fn lex_top<C: Codec>(s: &mut &str, key: &str, cx: &mut Cx<'_>) -> Option<C::T> {
        lexed_dflt::<C>(top_field(s, key, |t| C::lex_top(t, cx))?)
    }
    fn encode<C: Codec>(v: &C::T, w: &mut W) {
        C::encode(v, w);
    }
    fn decode<C: Codec>(r: &mut R<'_>, _: bool) -> Option<C::T> {
        C::decode(r)
    }
    fn cells<'a, C: Codec>(v: Option<&'a C::T>, pass: Pass, personal: bool, out: &mut Vec<Cell<'a>>) {
        C::cells(v, pass, personal, out);
    }
    fn json<C: Codec>(key: &str, v: &C::T, personal: bool, with: bool, out: &mut JsonRow) {
        C::json_field(key, Some(v), personal, with, out);
    }
}

impl<const DISTINCT: bool> Slot for List<DISTINCT> {
    type Of<T> = Vec<T>;
    fn read<C: Codec>(
        map: &mut Fields<'_, '_>,
        key: &str,
        at: &At<'_>,
        cx: &mut Cx<'_>,
    ) -> Option<Vec<C::T>> {
        read_list::<C>(map, key, at, cx, DISTINCT)
    }
    fn top<C: Codec>(key: &str, vs: &Vec<C::T>, out: &mut String) {
        if vs.is_empty() {
            return;
        }
        out.push_str(key);
        if C::BLOCK {
            out.push_str(":\n");
            for v in vs {
                out.push_str("  - ");
                C::flow(v, out);
                out.push('\n');
            }
        } else {
            out.push_str(": ");
            flow_items::<C>(vs, out);
            out.push('\n');
        }
    }
    fn flow<C: Codec>(key: &str, vs: &Vec<C::T>, out: &mut String) {
        if !vs.is_empty() {
            pair(key, out);
            flow_items::<C>(vs, out);
        }
    }
    fn lex_flow<C: Codec>(s: &mut &str, key: &str, first: &mut bool, cx: &mut Cx<'_>) -> Option<Vec<C::T>> {
        lexed_list(flow_field(s, key, first, |t| lex_items::<C>(t, cx))?).filter(|v| !DISTINCT || distinct(v))
    }
    fn lex_top<C: Codec>(s: &mut &str, key: &str, cx: &mut Cx<'_>) -> Option<Vec<C::T>> {
        lexed_list(top_field(s, key, |t| lex_list_top::<C>(t, cx))?).filter(|v| !DISTINCT || distinct(v))
    }
    fn encode<C: Codec>(vs: &Vec<C::T>, w: &mut W) {
        w.u64(vs.len() as u64);
        vs.iter().for_each(|v| C::encode(v, w));
    }
    fn decode<C: Codec>(r: &mut R<'_>, _: bool) -> Option<Vec<C::T>> {
        (0..r.count()?).map(|_| C::decode(r)).collect()
    }
    fn columns<C: Codec>(key: &str, pass: Pass, personal: bool, out: &mut Vec<String>) {
        C::list_columns(key, pass, personal, out);
    }
    fn cells<'a, C: Codec>(v: Option<&'a Vec<C::T>>, pass: Pass, personal: bool, out: &mut Vec<Cell<'a>>) {
        C::list_cells(v.map_or(&[], Vec::as_slice), pass, personal, out);
    }
    /// A list in JSON: an array; a list of records also keeps the CSV's
    /// `_count`, so every CSV column but the per-field ones is there.
    fn json<C: Codec>(key: &str, vs: &Vec<C::T>, personal: bool, with: bool, out: &mut JsonRow) {
        if !personal || with {
            if C::BLOCK {
                out.insert(format!("{key}_count"), json!(vs.len()));
            }
            out.insert(key.to_string(), Json::Array(vs.iter().map(|v| C::json(v, with)).collect()));
        }
    }
}

/// No item repeats one before it.
fn distinct<T: PartialEq>(v: &[T]) -> bool {
    v.iter().enumerate().all(|(i, x)| !v[..i].contains(x))
}

/// A log is framed by its length in bytes, so a brief read of the cache
/// steps over it. It is no export column: exports derive what they show.
impl Slot for Log {
    type Of<T> = Vec<T>;
    fn read<C: Codec>(
        map: &mut Fields<'_, '_>,
        key: &str,
        at: &At<'_>,
        cx: &mut Cx<'_>,
    ) -> Option<Vec<C::T>> {
        <List>::read::<C>(map, key, at, cx)
    }
    fn top<C: Codec>(key: &str, vs: &Vec<C::T>, out: &mut String) {
        <List>::top::<C>(key, vs, out);
    }
    fn flow<C: Codec>(key: &str, vs: &Vec<C::T>, out: &mut String) {
        <List>::flow::<C>(key, vs, out);
    }
    fn lex_flow<C: Codec>(s: &mut &str, key: &str, first: &mut bool, cx: &mut Cx<'_>) -> Option<Vec<C::T>> {
        <List>::lex_flow::<C>(s, key, first, cx)
    }
    fn lex_top<C: Codec>(s: &mut &str, key: &str, cx: &mut Cx<'_>) -> Option<Vec<C::T>> {
        <List>::lex_top::<C>(s, key, cx)
    }
    fn encode<C: Codec>(vs: &Vec<C::T>, w: &mut W) {
        let mut inner = W(Vec::with_capacity(64 * vs.len()));
        <List>::encode::<C>(vs, &mut inner);
        w.u64(inner.0.len() as u64);
        w.0.extend_from_slice(&inner.0);
    }
    fn decode<C: Codec>(r: &mut R<'_>, brief: bool) -> Option<Vec<C::T>> {
        let len = r.count()?;
        let end = r.at.checked_add(len)?;
        let body = r.b.get(..end)?;
        let out = if brief {
            Vec::new()
        } else {
            let mut inner = R { b: body, at: r.at };
            let out = <List>::decode::<C>(&mut inner, false)?;
            (inner.at == end).then_some(out)?
        };
        r.at = end;
        Some(out)
    }
    fn columns<C: Codec>(_: &str, _: Pass, _: bool, _: &mut Vec<String>) {}
    fn cells<'a, C: Codec>(_: Option<&'a Vec<C::T>>, _: Pass, _: bool, _: &mut Vec<Cell<'a>>) {}
    fn json<C: Codec>(_: &str, _: &Vec<C::T>, _: bool, _: bool, _: &mut JsonRow) {}
}

/// Declares a record: the struct, its keys in the order they are written,
/// and everything the codecs need. A field is `name: Type = Slot(Codec)`,
/// with `as "key"` where the file's key is not the name, and `[personal]`
/// for names and free text, which exports leave out unless asked. After
/// the fields: the type that keeps keys of one's own, and optionally a
/// function that looks at a hand-written mapping for a slip no one field
/// can see, such as a key that is not read (`check`: a file in lsms's own
/// form has none, and the one-pass reader does not call it), and one that
/// finishes a record from the keys a file holds (`finish`: in a file in
/// lsms's form it changes nothing).
#[macro_export]
macro_rules! record {
    (
        $(#[$m:meta])*
        pub struct $name:ident {
            $(
                $(#[$fm:meta])*
                $f:ident $(as $key:literal)? : $ty:ty = $slot:ident($codec:ty) $([$flag:ident])?
            ),+ $(,)?
        }
        extra: $extra:ty $(, check: $check:path)? $(, finish: $finish:path)? $(,)?
    ) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct $name {
            $( $(#[$fm])* pub $f: $ty, )+
            /// Keys the tool does not know, kept as they were.
            pub extra: $extra,
        }

        impl $crate::codec::schema::Record for $name {
            const KEYS: &'static [&'static str] = &[$($crate::record!(@key $f $($key)?)),+];
            const TEXT: &'static [bool] = &[$(<$codec as $crate::codec::schema::Codec>::TEXT),+];
            const DECLARATION: &'static str = stringify!($(#[$m])* pub struct $name { $($(#[$fm])* $f $(as $key)? : $ty = $slot($codec) $([$flag])?),+ } extra: $extra $(, check: $check)? $(, finish: $finish)?);
            fn declarations(out: &mut Vec<&'static str>) {
                out.push(Self::DECLARATION);
                $( <$codec as $crate::codec::schema::Codec>::declarations(out); )+
            }

            fn read_fields(
                n: &$crate::codec::node::Node<'_>,
                at: &$crate::codec::schema::At<'_>,
                cx: &mut $crate::codec::schema::Cx<'_>,
            ) -> Option<Self> {
                use $crate::codec::schema::{Extras, Slot};
                let before = cx.problems.len();
                $( $check(n, at, cx); )?
                let mut m = $crate::codec::schema::Fields::of(n);
                $( let $f = <$crate::codec::schema::$slot>::read::<$codec>(&mut m, $crate::record!(@key $f $($key)?), at, cx); )+
                if cx.problems.len() > before {
                    return None;
                }
                let extra = if m.all_known() { Default::default() } else { <$extra as Extras>::read(n, Self::KEYS) };
                #[allow(unused_mut)]
                let mut v = $name { $( $f: $f?, )+ extra };
                $( $finish(&mut v, &|k: &str| n.get(k).is_some_and(|x| !x.is_null())); )?
                Some(v)
            }

            fn lex_flow<'s>(
                s: &'s str,
                cx: &mut $crate::codec::schema::Cx<'_>,
            ) -> Option<(Self, &'s str)> {
                use $crate::codec::schema::Slot;
                let mut s = s;
                let mut first = true;
                let (mut present, mut bit) = (0u64, 1u64);
                $(
                    let len = s.len();
                    let $f = <$crate::codec::schema::$slot>::lex_flow::<$codec>(&mut s, $crate::record!(@key $f $($key)?), &mut first, cx)?;
                    if s.len() != len {
                        present |= bit;
                    }
                    bit <<= 1;
                )+
                #[allow(unused_mut)]
                let mut v = $name { $( $f, )+ extra: Default::default() };
                $crate::record!(@lexed v, present, bit, [$($finish)?]);
                Some((v, s))
            }

            fn lex_top(s: &str, cx: &mut $crate::codec::schema::Cx<'_>) -> Option<Self> {
                use $crate::codec::schema::Slot;
                let mut s = s;
                let (mut present, mut bit) = (0u64, 1u64);
                $(
                    let len = s.len();
                    let $f = <$crate::codec::schema::$slot>::lex_top::<$codec>(&mut s, $crate::record!(@key $f $($key)?), cx)?;
                    if s.len() != len {
                        present |= bit;
                    }
                    bit <<= 1;
                )+
                if !s.is_empty() {
                    return None;
                }
                #[allow(unused_mut)]
                let mut v = $name { $( $f, )+ extra: Default::default() };
                $crate::record!(@lexed v, present, bit, [$($finish)?]);
                Some(v)
            }

            fn write_fields(&self, out: &mut String, after: &mut dyn FnMut(&'static str, &mut String)) {
                use $crate::codec::schema::Slot;
                $(
                    <$crate::codec::schema::$slot>::top::<$codec>($crate::record!(@key $f $($key)?), &self.$f, out);
                    after($crate::record!(@key $f $($key)?), out);
                )+
            }

            fn flow_fields(&self, out: &mut String) {
                use $crate::codec::schema::{Extras, Slot};
                $( <$crate::codec::schema::$slot>::flow::<$codec>($crate::record!(@key $f $($key)?), &self.$f, out); )+
                self.extra.flow(out);
            }

            fn encode_fields(&self, w: &mut $crate::codec::binary::W) {
                use $crate::codec::schema::{Extras, Slot};
                $( <$crate::codec::schema::$slot>::encode::<$codec>(&self.$f, w); )+
                self.extra.encode(w);
            }

            fn decode_fields(r: &mut $crate::codec::binary::R<'_>, brief: bool) -> Option<Self> {
                use $crate::codec::schema::{Extras, Slot};
                $( let $f = <$crate::codec::schema::$slot>::decode::<$codec>(r, brief)?; )+
                let extra = <$extra as Extras>::decode(r, Self::KEYS)?;
                Some($name { $( $f, )+ extra })
            }

            fn columns(prefix: &str, pass: $crate::codec::schema::Pass, out: &mut Vec<String>) {
                use $crate::codec::schema::Slot;
                $(
                    <$crate::codec::schema::$slot>::columns::<$codec>(
                        &format!("{prefix}{}", $crate::record!(@key $f $($key)?)),
                        pass,
                        $crate::record!(@personal $($flag)?),
                        out,
                    );
                )+
            }

            fn cells<'a>(
                v: Option<&'a Self>,
                pass: $crate::codec::schema::Pass,
                out: &mut Vec<$crate::codec::cell::Cell<'a>>,
            ) {
                use $crate::codec::schema::Slot;
                $(
                    <$crate::codec::schema::$slot>::cells::<$codec>(
                        v.map(|v| &v.$f),
                        pass,
                        $crate::record!(@personal $($flag)?),
                        out,
                    );
                )+
            }

            fn json_fields(&self, with_personal: bool, out: &mut $crate::codec::schema::JsonRow) {
                use $crate::codec::schema::Slot;
                $(
                    <$crate::codec::schema::$slot>::json::<$codec>(
                        $crate::record!(@key $f $($key)?),
                        &self.$f,
                        $crate::record!(@personal $($flag)?),
                        with_personal,
                        out,
                    );
                )+
            }
        }
    };
    // A record read in one pass: `finish` may not change it (the file
    // would then not be in lsms's form).
    (@lexed $v:ident, $present:ident, $bit:ident, [$($finish:path)?]) => {
        let _ = ($present, $bit);
        $(
            let had = $v.clone();
            $finish(&mut $v, &|k: &str| {
                Self::KEYS.iter().position(|x| *x == k).is_some_and(|i| $present >> i & 1 == 1)
            });
            if $v != had {
                return None;
            }
        )?
    };
    (@key $f:ident $key:literal) => { $key };
    (@key $f:ident) => { stringify!($f) };
    (@personal personal) => { true };
    (@personal) => { false };
}

// ---------------------------------------------------------------- codecs

fn parsed<T>(
    n: &Node<'_>,
    at: &At<'_>,
    cx: &mut Cx<'_>,
    f: impl FnOnce(&str) -> Result<T, String>,
) -> Option<T> {
    let Some(s) = n.text() else {
        cx.bad(at, format!("`{at}` should be text"));
        return None;
    };
    f(&s).map_err(|e| cx.bad(at, e)).ok()
}

/// A string read in one pass, through its kind's own `read`: kept where it
/// reads as it is written (a kind that tidies what it reads, such as a
/// category in capitals, was not given lsms's form of it).
fn as_read(
    text: Cow<'_, str>,
    cx: &mut Cx<'_>,
    read: fn(&Node<'_>, &At<'_>, &mut Cx<'_>) -> Option<String>,
) -> Option<String> {
    let before = cx.problems.len();
    let n = Node::Str(text);
    let v = read(&n, &At::TOP, cx)?;
    (cx.problems.len() == before && n.as_str() == Some(v.as_str())).then_some(v)
}

fn text_cell(s: &str) -> Cell<'_> {
    Cell::Text(Cow::Borrowed(s))
}

fn owned_cell<'a>(s: String) -> Cell<'a> {
    Cell::Text(Cow::Owned(s))
}

/// A kind whose values are strings: written as a one-line scalar (quoted
/// where YAML would read it otherwise), cached as its bytes, exported as
/// text. Each differs only in what it accepts: its `check` gives the
/// value as kept, or why not (read and lexed alike).
macro_rules! string_kind {
    ($(#[$m:meta])* $name:ident, text: $text:expr, check: $check:expr $(, top: $top:path, lex_top: $lex_top:path)?) => {
        $(#[$m])*
        pub struct $name;

        impl Codec for $name {
            type T = String;
            const TEXT: bool = $text;
            fn read(n: &Node<'_>, at: &At<'_>, cx: &mut Cx<'_>) -> Option<String> {
                let vocab = cx.vocab;
                let check: fn(&Vocab, &At<'_>, &str) -> Result<String, String> = $check;
                parsed(n, at, cx, |s| check(vocab, at, s))
            }
            fn flow(v: &String, out: &mut String) {
                out.push_str(&scalar(v));
            }
            fn is_blank(v: &String) -> bool {
                v.trim().is_empty()
            }
            fn lex<'s>(s: &'s str, cx: &mut Cx<'_>) -> Option<(String, &'s str)> {
                let (text, rest) = lex::string(s)?;
                as_read(text, cx, Self::read).map(|v| (v, rest))
            }
            $(
                fn top(key: &str, v: &String, out: &mut String) {
                    $top(key, v, out);
                }
                fn lex_top<'s>(s: &'s str, cx: &mut Cx<'_>) -> Option<(String, &'s str)> {
                    let (text, rest) = $lex_top(s)?;
                    as_read(text, cx, Self::read).map(|v| (v, rest))
                }
            )?
            fn encode(v: &String, w: &mut W) {
                w.str(v);
            }
            fn decode(r: &mut R<'_>) -> Option<String> {
                r.string()
            }
            fn cell(v: &String) -> Cell<'_> {
                text_cell(v)
            }
        }
    };
}

string_kind!(
    /// One line of text.
    Line, text: true, check: |_, at, s| one_line(at, s)
);

/// One line of text, or why not.
fn one_line(at: &At<'_>, s: &str) -> Result<String, String> {
    if crate::model::text::is_one_line(s) {
        Ok(s.to_string())
    } else {
        Err(format!("`{at}` should be one line"))
    }
}

string_kind!(
    /// A category the store knows.
    Category, text: true, check: |v: &Vocab, _, s| v.check_category(s)
);

string_kind!(
    /// A site: any one line, or one of the store's `sites:` where it lists them.
    Site, text: true, check: |v: &Vocab, _, s| v.check_site(s)
);

string_kind!(
    /// A flag the store knows.
    FlagWord, text: false, check: |v: &Vocab, _, s| v.check_flag(s)
);

string_kind!(
    /// A SHA-256 as 64 lower-case hex digits.
    Sha256, text: false, check: |_, _, s: &str| if crate::model::incident::is_sha256(s) {
        Ok(s.to_string())
    } else {
        Err(format!("'{s}' is not a SHA-256 (64 lower-case hex digits)"))
    }
);

string_kind!(
    /// A bare file name: what an evidence file is called when it is copied out.
    FileName, text: true, check: |_, at, s| {
        one_line(at, s).and_then(|s| crate::model::incident::check_file_name(&s).map(|()| s))
    }
);

string_kind!(
    /// Text that may run over lines: a literal block at the top of the file.
    Text, text: true, check: |_, _, s: &str| Ok(s.to_string()), top: literal_top, lex_top: lex::literal_top
);

fn literal_top(key: &str, v: &str, out: &mut String) {
    literal(out, key, v);
}

/// A word of a closed vocabulary.
pub struct Of<E>(std::marker::PhantomData<E>);

impl<E: Word> Codec for Of<E> {
    type T = E;
    fn declarations(out: &mut Vec<&'static str>) {
        out.extend(E::ALL.iter().map(|e| e.word()));
    }
    fn read(n: &Node<'_>, at: &At<'_>, cx: &mut Cx<'_>) -> Option<E> {
        parsed(n, at, cx, E::parse_word)
    }
    fn flow(v: &E, out: &mut String) {
        out.push_str(v.word());
    }
    fn lex<'s>(s: &'s str, _: &mut Cx<'_>) -> Option<(E, &'s str)> {
        let (t, rest) = lex::token(s);
        E::parse_word(t).ok().filter(|v| v.word() == t).map(|v| (v, rest))
    }
    fn encode(v: &E, w: &mut W) {
        w.0.push(E::ALL.iter().position(|x| x == v).map_or(0, |i| i as u8));
    }
    fn decode(r: &mut R<'_>) -> Option<E> {
        E::ALL.get(usize::from(r.byte()?)).copied()
    }
    fn cell(v: &E) -> Cell<'_> {
        text_cell(v.word())
    }
}

/// Yes, no or unknown; a YAML boolean reads as yes or no. Always quoted:
/// a bare `no` is a boolean to YAML 1.1 readers.
pub struct Answer;

impl Codec for Answer {
    type T = Tri;
    fn read(n: &Node<'_>, at: &At<'_>, cx: &mut Cx<'_>) -> Option<Tri> {
        match n {
            Node::Scalar(Value::Bool(true)) => Some(Tri::Yes),
            Node::Scalar(Value::Bool(false)) => Some(Tri::No),
            _ => parsed(n, at, cx, Tri::parse),
        }
    }
    fn flow(v: &Tri, out: &mut String) {
        out.push_str(&scalar(v.as_str()));
    }
    fn lex<'s>(s: &'s str, _: &mut Cx<'_>) -> Option<(Tri, &'s str)> {
        let (t, rest) = lex::string(s)?;
        Tri::parse(&t).ok().filter(|v| v.as_str() == t).map(|v| (v, rest))
    }
    fn encode(v: &Tri, w: &mut W) {
        <Of<Tri>>::encode(v, w);
    }
    fn decode(r: &mut R<'_>) -> Option<Tri> {
        <Of<Tri>>::decode(r)
    }
    fn cell(v: &Tri) -> Cell<'_> {
        text_cell(v.as_str())
    }
}

pub struct IdCodec;

impl Codec for IdCodec {
    type T = Id;
    fn read(n: &Node<'_>, at: &At<'_>, cx: &mut Cx<'_>) -> Option<Id> {
        parsed(n, at, cx, Id::parse)
    }
    fn flow(v: &Id, out: &mut String) {
        out.push_str(v.as_str());
    }
    fn lex<'s>(s: &'s str, _: &mut Cx<'_>) -> Option<(Id, &'s str)> {
        let (t, rest) = lex::token(s);
        Id::parse(t).ok().filter(|v| v.as_str() == t).map(|v| (v, rest))
    }
    fn encode(v: &Id, w: &mut W) {
        w.str(v.as_str());
    }
    fn decode(r: &mut R<'_>) -> Option<Id> {
        Id::parse(r.str()?).ok()
    }
    fn cell(v: &Id) -> Cell<'_> {
        text_cell(v.as_str())
    }
}

pub struct UuidCodec;

impl Codec for UuidCodec {
    type T = Uuid;
    fn read(n: &Node<'_>, at: &At<'_>, cx: &mut Cx<'_>) -> Option<Uuid> {
        parsed(n, at, cx, |s| Uuid::parse_str(s.trim()).map_err(|_| format!("'{s}' is not a UUID")))
    }
    fn flow(v: &Uuid, out: &mut String) {
        out.push_str(v.hyphenated().encode_lower(&mut Uuid::encode_buffer()));
    }
    fn lex<'s>(s: &'s str, _: &mut Cx<'_>) -> Option<(Uuid, &'s str)> {
        let (t, rest) = lex::token(s);
        let lower = t.len() == 36 && !t.bytes().any(|b| b.is_ascii_uppercase());
        lower.then(|| Uuid::try_parse(t).ok()).flatten().map(|v| (v, rest))
    }
    fn encode(v: &Uuid, w: &mut W) {
        w.0.extend_from_slice(v.as_bytes());
    }
    fn decode(r: &mut R<'_>) -> Option<Uuid> {
        let u = Uuid::from_slice(r.b.get(r.at..r.at.checked_add(16)?)?).ok()?;
        r.at += 16;
        Some(u)
    }
    fn cell(v: &Uuid) -> Cell<'_> {
        owned_cell(v.to_string())
    }
}

/// An instant, RFC 3339 with the store zone's offset.
pub struct Time;

impl Codec for Time {
    type T = Stamp;
    fn read(n: &Node<'_>, at: &At<'_>, cx: &mut Cx<'_>) -> Option<Stamp> {
        parsed(n, at, cx, parse_stored)
    }
    fn flow(v: &Stamp, out: &mut String) {
        crate::model::time::push_rfc3339(out, v);
    }
    fn lex<'s>(s: &'s str, _: &mut Cx<'_>) -> Option<(Stamp, &'s str)> {
        lex::stamp(s)
    }
    fn encode(v: &Stamp, w: &mut W) {
        w.stamp(v);
    }
    fn decode(r: &mut R<'_>) -> Option<Stamp> {
        r.stamp()
    }
    fn cell(v: &Stamp) -> Cell<'_> {
        owned_cell(rfc3339(v))
    }
}

/// A calendar date, written plain (`2026-12-01`).
pub struct Date;

impl Codec for Date {
    type T = NaiveDate;
    fn read(n: &Node<'_>, at: &At<'_>, cx: &mut Cx<'_>) -> Option<NaiveDate> {
        parsed(n, at, cx, parse_stored_date)
    }
    fn flow(v: &NaiveDate, out: &mut String) {
        use fmt::Write;
        let _ = write!(out, "{v}");
    }
    fn lex<'s>(s: &'s str, _: &mut Cx<'_>) -> Option<(NaiveDate, &'s str)> {
        lex::date(s)
    }
    fn encode(v: &NaiveDate, w: &mut W) {
        w.i64(i64::from(chrono::Datelike::num_days_from_ce(v)));
    }
    fn decode(r: &mut R<'_>) -> Option<NaiveDate> {
        NaiveDate::from_num_days_from_ce_opt(i32::try_from(r.i64()?).ok()?)
    }
    fn cell(v: &NaiveDate) -> Cell<'_> {
        owned_cell(v.to_string())
    }
}

/// Pounds and pence as exact text (`"120.00"`), never a float.
pub struct Pounds;

impl Codec for Pounds {
    type T = Money;
    fn read(n: &Node<'_>, at: &At<'_>, cx: &mut Cx<'_>) -> Option<Money> {
        parsed(n, at, cx, Money::parse_stored)
    }
    fn flow(v: &Money, out: &mut String) {
        out.push_str(&scalar(&v.to_string()));
    }
    fn lex<'s>(s: &'s str, _: &mut Cx<'_>) -> Option<(Money, &'s str)> {
        let (t, rest) = lex::string(s)?;
        Money::parse_stored(&t).ok().filter(|v| v.to_string() == t).map(|v| (v, rest))
    }
    fn encode(v: &Money, w: &mut W) {
        w.u64(v.0);
    }
    fn decode(r: &mut R<'_>) -> Option<Money> {
        Some(Money(r.u64()?))
    }
    fn default() -> Option<Money> {
        Some(Money::ZERO)
    }
    fn cell(v: &Money) -> Cell<'_> {
        owned_cell(v.to_string())
    }
}

/// true or false (also `yes`/`no` as text, as people write them).
pub struct Flag;

impl Codec for Flag {
    type T = bool;
    fn read(n: &Node<'_>, at: &At<'_>, cx: &mut Cx<'_>) -> Option<bool> {
        match n {
            Node::Scalar(Value::Bool(b)) => Some(*b),
            Node::Str(s) if matches!(s.as_ref(), "true" | "yes") => Some(true),
            Node::Str(s) if matches!(s.as_ref(), "false" | "no") => Some(false),
            _ => {
                cx.bad(at, format!("`{at}` should be true or false"));
                None
            }
        }
    }
    fn flow(v: &bool, out: &mut String) {
        out.push_str(if *v { "true" } else { "false" });
    }
    fn lex<'s>(s: &'s str, _: &mut Cx<'_>) -> Option<(bool, &'s str)> {
        match lex::token(s) {
            ("true", rest) => Some((true, rest)),
            ("false", rest) => Some((false, rest)),
            _ => None,
        }
    }
    /// `police: { crime_ref: X }` (no `informed`) is read, as the police told.
    fn default() -> Option<bool> {
        Some(false)
    }
    fn encode(v: &bool, w: &mut W) {
        w.0.push(u8::from(*v));
    }
    fn decode(r: &mut R<'_>) -> Option<bool> {
        match r.byte()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
    fn cell(v: &bool) -> Cell<'_> {
        Cell::Bool(*v)
    }
}

/// A size in bytes.
pub struct Bytes;

impl Codec for Bytes {
    type T = u64;
    fn read(n: &Node<'_>, at: &At<'_>, cx: &mut Cx<'_>) -> Option<u64> {
        match n {
            Node::Scalar(Value::Number(x)) if x.as_u64().is_some() => x.as_u64(),
            _ => {
                cx.bad(at, format!("`{at}` should be a whole number of bytes"));
                None
            }
        }
    }
    fn flow(v: &u64, out: &mut String) {
        use fmt::Write;
        let _ = write!(out, "{v}");
    }
    fn lex<'s>(s: &'s str, _: &mut Cx<'_>) -> Option<(u64, &'s str)> {
        let (t, rest) = lex::token(s);
        let digits =
            !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) && (t == "0" || !t.starts_with('0'));
        digits.then(|| t.parse().ok()).flatten().map(|v| (v, rest))
    }
    fn encode(v: &u64, w: &mut W) {
        w.u64(*v);
    }
    fn decode(r: &mut R<'_>) -> Option<u64> {
        r.u64()
    }
    fn cell(v: &u64) -> Cell<'_> {
        Cell::Count(*v as usize)
    }
}

/// A record inside a record: a flow mapping on one line.
pub struct Nested<T>(std::marker::PhantomData<T>);

impl<T: Record> Codec for Nested<T> {
    type T = T;
    const BLOCK: bool = true;
    fn declarations(out: &mut Vec<&'static str>) {
        T::declarations(out);
    }
    fn read(n: &Node<'_>, at: &At<'_>, cx: &mut Cx<'_>) -> Option<T> {
        if !matches!(n, Node::Map(_)) {
            cx.bad(at, format!("`{at}` should be a mapping of keys to values"));
            return None;
        }
        T::read_fields(n, at, cx)
    }
    fn flow(v: &T, out: &mut String) {
        out.push_str("{ ");
        v.flow_fields(out);
        out.push_str(" }");
    }
    fn lex<'s>(s: &'s str, cx: &mut Cx<'_>) -> Option<(T, &'s str)> {
        let (v, rest) = T::lex_flow(s.strip_prefix("{ ")?, cx)?;
        Some((v, rest.strip_prefix(" }")?))
    }
    fn encode(v: &T, w: &mut W) {
        v.encode_fields(w);
    }
    fn decode(r: &mut R<'_>) -> Option<T> {
        T::decode_fields(r, false)
    }
    fn cell(_: &T) -> Cell<'_> {
        Cell::Null
    }
    fn columns(key: &str, pass: Pass, _: bool, out: &mut Vec<String>) {
        T::columns(&format!("{key}_"), pass, out);
    }
    fn cells<'a>(v: Option<&'a T>, pass: Pass, _: bool, out: &mut Vec<Cell<'a>>) {
        T::cells(v, pass, out);
    }
    /// A list of records: how many (public), then each field's values
    /// joined, lined up item by item.
    fn list_columns(key: &str, pass: Pass, _: bool, out: &mut Vec<String>) {
        if pass == Pass::Public {
            out.push(format!("{key}_count"));
        }
        T::columns(&format!("{key}_"), pass, out);
    }
    fn list_cells<'a>(vs: &'a [T], pass: Pass, _: bool, out: &mut Vec<Cell<'a>>) {
        if pass == Pass::Public {
            out.push(Cell::Count(vs.len()));
        }
        let mut per_item: Vec<Vec<Cell<'a>>> = Vec::with_capacity(vs.len());
        for v in vs {
            let mut cells = Vec::new();
            T::cells(Some(v), pass, &mut cells);
            per_item.push(cells);
        }
        let mut width = Vec::new();
        T::cells(None, pass, &mut width);
        for col in 0..width.len() {
            let items =
                per_item.iter().map(|c| c.get(col).map_or(Cow::Borrowed(""), Cell::as_csv).into_owned());
            out.push(owned_cell(join(items)));
        }
    }
    fn json(v: &T, with_personal: bool) -> Json {
        let mut o = JsonRow::new();
        v.json_fields(with_personal, &mut o);
        Json::Object(o)
    }
    /// One record in a JSON row: its fields flattened (`reporter_party`),
    /// as in the CSV.
    fn json_field(key: &str, v: Option<&T>, _: bool, with_personal: bool, out: &mut JsonRow) {
        let mut cols = Vec::new();
        T::columns(&format!("{key}_"), Pass::Public, &mut cols);
        let mut cells = Vec::new();
        T::cells(v, Pass::Public, &mut cells);
        if with_personal {
            T::columns(&format!("{key}_"), Pass::Personal, &mut cols);
            T::cells(v, Pass::Personal, &mut cells);
        }
        for (c, v) in cols.into_iter().zip(cells) {
            out.insert(c, v.to_json());
        }
    }
}

/// References in other systems: a flow mapping of system to reference.
pub struct Refs;

impl Codec for Refs {
    type T = Vec<(String, String)>;
    fn read(n: &Node<'_>, at: &At<'_>, cx: &mut Cx<'_>) -> Option<Self::T> {
        let Node::Map(pairs) = n else {
            cx.bad(
                at,
                format!("`{at}` should be a mapping of system to reference, like `{{ datix: DX-1001 }}`"),
            );
            return None;
        };
        let before = cx.problems.len();
        let mut out = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            let Some(system) = k.text().filter(|s| !s.trim().is_empty()) else {
                cx.bad(at, format!("`{at}` has a key that is not a system's name"));
                continue;
            };
            let key_at = At { parent: Some(at), key: &system, index: None };
            if v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty()) {
                cx.bad(&key_at, format!("`{key_at}` is empty"));
                continue;
            }
            // The rule `--ref` keeps (no `=`, which the export's
            // `system=reference` items split on), the text kept exactly.
            if let Err(e) = crate::model::refs::check_system(&system) {
                cx.bad(&key_at, e);
                continue;
            }
            if let (Some(r), true) = (Line::read(v, &key_at, cx), Line::read(k, &key_at, cx).is_some()) {
                out.push((system.into_owned(), r));
            }
        }
        (cx.problems.len() == before).then_some(out)
    }
    fn flow(v: &Self::T, out: &mut String) {
        out.push_str("{ ");
        for (i, (k, r)) in v.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(&scalar(k));
            out.push_str(": ");
            out.push_str(&scalar(r));
        }
        out.push_str(" }");
    }
    /// The pairs lexed, then read by `read` (its rules in one place) and
    /// kept where read as written.
    fn lex<'s>(s: &'s str, cx: &mut Cx<'_>) -> Option<(Self::T, &'s str)> {
        let mut s = s.strip_prefix("{ ")?;
        let mut pairs = Vec::new();
        let rest = loop {
            let (k, r) = lex::key(s)?;
            let (v, r) = lex::string(r.strip_prefix(": ")?)?;
            // A key given twice: YAML readers refuse the mapping.
            if pairs.iter().any(|(x, _): &(Node<'_>, Node<'_>)| x.as_str() == Some(&*k)) {
                return None;
            }
            pairs.push((Node::Str(k), Node::Str(v)));
            match r.strip_prefix(", ") {
                Some(r) => s = r,
                None => break r.strip_prefix(" }")?,
            }
        };
        let before = cx.problems.len();
        let n = Node::Map(pairs);
        let v = Self::read(&n, &At::TOP, cx)?;
        let Node::Map(pairs) = &n else { return None };
        let same = pairs.len() == v.len()
            && pairs
                .iter()
                .zip(&v)
                .all(|((k, x), (kv, xv))| k.as_str() == Some(kv) && x.as_str() == Some(xv));
        (cx.problems.len() == before && same).then_some((v, rest))
    }
    fn encode(v: &Self::T, w: &mut W) {
        w.u64(v.len() as u64);
        for (k, r) in v {
            w.str(k);
            w.str(r);
        }
    }
    fn decode(r: &mut R<'_>) -> Option<Self::T> {
        (0..r.count()?).map(|_| Some((r.string()?, r.string()?))).collect()
    }
    fn default() -> Option<Self::T> {
        Some(Vec::new())
    }
    fn is_empty(v: &Self::T) -> bool {
        v.is_empty()
    }
    fn cell(v: &Self::T) -> Cell<'_> {
        owned_cell(join(v.iter().map(|(k, r)| format!("{k}={r}"))))
    }
    fn json(v: &Self::T, _: bool) -> Json {
        Json::Object(v.iter().map(|(k, r)| (k.clone(), json!(r))).collect())
    }
}

/// `schema: 1`: a file of another schema is not read.
pub struct SchemaCodec;

impl Codec for SchemaCodec {
    type T = crate::model::incident::Schema1;
    fn read(n: &Node<'_>, at: &At<'_>, cx: &mut Cx<'_>) -> Option<Self::T> {
        match n {
            Node::Scalar(Value::Number(x)) if x.as_u64() == Some(1) => Some(crate::model::incident::Schema1),
            other => {
                let shown = other.text().map_or_else(|| "that".to_string(), Cow::into_owned);
                cx.bad(
                    at,
                    format!("schema {shown} is not one this lsms reads (it reads schema 1): upgrade lsms"),
                );
                None
            }
        }
    }
    fn flow(_: &Self::T, out: &mut String) {
        out.push('1');
    }
    fn lex<'s>(s: &'s str, _: &mut Cx<'_>) -> Option<(Self::T, &'s str)> {
        match lex::token(s) {
            ("1", rest) => Some((crate::model::incident::Schema1, rest)),
            _ => None,
        }
    }
    fn encode(_: &Self::T, _: &mut W) {}
    fn decode(_: &mut R<'_>) -> Option<Self::T> {
        Some(crate::model::incident::Schema1)
    }
    fn cell(_: &Self::T) -> Cell<'_> {
        Cell::Count(1)
    }
    fn columns(_: &str, _: Pass, _: bool, _: &mut Vec<String>) {}
    fn cells<'a>(_: Option<&'a Self::T>, _: Pass, _: bool, _: &mut Vec<Cell<'a>>) {}
    fn json_field(_: &str, _: Option<&Self::T>, _: bool, _: bool, _: &mut JsonRow) {}
}
