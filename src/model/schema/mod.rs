//! The language a record is declared in (`record!`, used in
//! `model::incident`): each field names its key, its slot (how it is
//! present: required, optional, a list…), its kind (what a value is) and
//! how a person gives it. From one declaration come the struct, the keys
//! in order, what a person may type for each field and how it is shown
//! back (here, pure), and, through the visitors below, everything storage
//! does with it (`codec::schema`: reading, writing, the cache, exports),
//! without this layer knowing any of it.
//!
//! - `kinds`: the kinds of value, with how each is typed and shown;
//! - `input`: a value as a person types it, and the fields declared;
//! - `declare`: the `record!` macro.

mod declare;
mod input;
mod kinds;

pub(crate) use declare::record;
pub use input::*;
pub use kinds::*;

use super::vocab::Vocab;
use std::fmt::Debug;

/// One kind of value a field may hold (a line of text, an instant, a word
/// of a vocabulary, a record of its own): what it is, how a person types
/// it, and how it is shown back.
pub trait Kind {
    type T: PartialEq + Clone + Debug + 'static;
    /// Its values are text (so `check` warns where YAML would read a
    /// hand-written one as a number, a date or a boolean).
    const TEXT: bool = false;
    /// How the items of a list of these are joined when shown.
    const SEP: &'static str = ", ";
    /// Whether a list may hold the same item twice (two victims, both staff).
    const REPEATS: bool = false;
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
    fn shown(v: &Self::T) -> String;
    /// A record's value to fill in before its first field is given.
    fn blank() -> Option<Self::T> {
        None
    }
    /// Whether `--grep`'s lower-case `needle` is in the value.
    fn search(v: &Self::T, needle: &str) -> bool {
        Self::TEXT && Self::shown(v).to_lowercase().contains(needle)
    }
    /// What the cache's fingerprint takes from this kind: the declarations
    /// of the records its values hold, the words its numbers stand for.
    fn declarations(_: &mut Vec<&'static str>) {}
    /// A record's own fields, under `prefix` (`reporter.`).
    fn declared(_prefix: &str, _out: &mut Vec<Declared>) {}
    /// Each string of a value that sealing takes, with where it is
    /// declared (`prefix`, `key`): the value itself where `seal` (its field
    /// is sealed and it is text), the sealed fields of a record it holds.
    fn sealed_mut(_v: &mut Self::T, _seal: bool, _prefix: &str, _key: &str, _f: &mut SealedFn<'_>) {}
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
}

/// How a field is present in its record: `Req`uired, `Opt`ional, a `List`
/// (absent when empty; a `Set` is a list whose items are distinct), `Dflt`
/// (a default when absent, left out when empty) or a `Log` (a list that
/// brief reads of the cache skip).
pub trait Slot {
    type Of<T: 'static>: 'static;
    /// A list: given once per item.
    const LIST: bool = false;
    /// Applies a typed input to the field.
    fn input<K: Kind>(v: &mut Self::Of<K::T>, op: Op<'_>, cx: &InputCx<'_>) -> Result<(), String>;
    /// Applies an input to a field of the record the field holds.
    fn nested_input<K: Kind>(
        _: &mut Self::Of<K::T>,
        _path: &str,
        _op: Op<'_>,
        _cx: &InputCx<'_>,
    ) -> Option<Result<(), String>> {
        None
    }
    /// The field as a history entry shows it; `None` when absent or empty.
    fn shown<K: Kind>(v: &Self::Of<K::T>) -> Option<String>;
    /// A field of the record the field holds, shown.
    fn nested_shown<K: Kind>(_: &Self::Of<K::T>, _path: &str) -> Option<Option<String>> {
        None
    }
    fn search<K: Kind>(v: &Self::Of<K::T>, needle: &str) -> bool;
    /// Each value the field holds, to change in place.
    fn each_mut<K: Kind>(v: &mut Self::Of<K::T>, f: &mut dyn FnMut(&mut K::T));
}

/// What sealing does to one sealed string: given where it is declared
/// (`prefix` and `key`, `people.` and `name`: never a list's index, so a
/// value keeps its place when items are added) and the value.
pub type SealedFn<'a> = dyn FnMut(&str, &str, &mut String) + 'a;

pub struct Req;
pub struct Opt;
pub struct Dflt;
/// A list; `List<true>` (`Set`) a list whose items are distinct, where
/// one given twice is a slip.
pub struct List<const DISTINCT: bool = false>;
pub type Set = List<true>;
pub struct Log;

fn not_a_list() -> Result<(), String> {
    Err("this field is not a list".into())
}

impl Slot for Req {
    type Of<T: 'static> = T;
    fn input<K: Kind>(v: &mut K::T, op: Op<'_>, cx: &InputCx<'_>) -> Result<(), String> {
        match op {
            Op::Set(s) if s.trim().is_empty() => Err("give a value: this field cannot be empty".into()),
            Op::Set(s) => K::input_into(v, s, cx),
            Op::Clear | Op::Remove(_) => not_a_list(),
        }
    }
    fn nested_input<K: Kind>(
        v: &mut K::T,
        path: &str,
        op: Op<'_>,
        cx: &InputCx<'_>,
    ) -> Option<Result<(), String>> {
        K::nested_input(v, path, op, cx)
    }
    fn shown<K: Kind>(v: &K::T) -> Option<String> {
        Some(K::shown(v))
    }
    fn nested_shown<K: Kind>(v: &K::T, path: &str) -> Option<Option<String>> {
        K::nested_shown(v, path)
    }
    fn search<K: Kind>(v: &K::T, needle: &str) -> bool {
        K::search(v, needle)
    }
    fn each_mut<K: Kind>(v: &mut K::T, f: &mut dyn FnMut(&mut K::T)) {
        f(v)
    }
}

impl Slot for Opt {
    type Of<T: 'static> = Option<T>;
    fn input<K: Kind>(v: &mut Option<K::T>, op: Op<'_>, cx: &InputCx<'_>) -> Result<(), String> {
        match op {
            Op::Set(s) if s.trim().is_empty() => {
                *v = None;
                Ok(())
            }
            Op::Set(s) => {
                *v = Some(K::input(s, cx)?);
                Ok(())
            }
            Op::Clear | Op::Remove(_) => not_a_list(),
        }
    }
    /// A field of a record not there yet makes it, from its blank.
    fn nested_input<K: Kind>(
        v: &mut Option<K::T>,
        path: &str,
        op: Op<'_>,
        cx: &InputCx<'_>,
    ) -> Option<Result<(), String>> {
        let mut inner = match v.take() {
            Some(x) => x,
            None => K::blank()?,
        };
        let done = K::nested_input(&mut inner, path, op, cx);
        *v = Some(inner);
        done
    }
    fn shown<K: Kind>(v: &Option<K::T>) -> Option<String> {
        v.as_ref().map(K::shown)
    }
    fn nested_shown<K: Kind>(v: &Option<K::T>, path: &str) -> Option<Option<String>> {
        match v {
            Some(x) => K::nested_shown(x, path),
            None => K::nested_shown(&K::blank()?, path).map(|_| None),
        }
    }
    fn search<K: Kind>(v: &Option<K::T>, needle: &str) -> bool {
        v.as_ref().is_some_and(|x| K::search(x, needle))
    }
    fn each_mut<K: Kind>(v: &mut Option<K::T>, f: &mut dyn FnMut(&mut K::T)) {
        if let Some(x) = v {
            f(x)
        }
    }
}

impl Slot for Dflt {
    type Of<T: 'static> = T;
    fn input<K: Kind>(v: &mut K::T, op: Op<'_>, cx: &InputCx<'_>) -> Result<(), String> {
        match op {
            Op::Set(s) => K::input_into(v, s, cx),
            Op::Clear | Op::Remove(_) => not_a_list(),
        }
    }
    fn shown<K: Kind>(v: &K::T) -> Option<String> {
        Some(K::shown(v)).filter(|s| !s.is_empty())
    }
    fn search<K: Kind>(v: &K::T, needle: &str) -> bool {
        K::search(v, needle)
    }
    fn each_mut<K: Kind>(v: &mut K::T, f: &mut dyn FnMut(&mut K::T)) {
        f(v)
    }
}

impl<const DISTINCT: bool> Slot for List<DISTINCT> {
    type Of<T: 'static> = Vec<T>;
    const LIST: bool = true;
    fn input<K: Kind>(v: &mut Vec<K::T>, op: Op<'_>, cx: &InputCx<'_>) -> Result<(), String> {
        match op {
            Op::Set(s) => {
                let item = K::input(s, cx)?;
                if K::REPEATS || !v.contains(&item) {
                    v.push(item);
                }
            }
            Op::Clear => v.clear(),
            Op::Remove(s) => {
                let item = K::input(s, cx)?;
                v.retain(|x| *x != item);
            }
        }
        Ok(())
    }
    fn shown<K: Kind>(v: &Vec<K::T>) -> Option<String> {
        (!v.is_empty()).then(|| v.iter().map(K::shown).collect::<Vec<_>>().join(K::SEP))
    }
    fn search<K: Kind>(v: &Vec<K::T>, needle: &str) -> bool {
        v.iter().any(|x| K::search(x, needle))
    }
    fn each_mut<K: Kind>(v: &mut Vec<K::T>, f: &mut dyn FnMut(&mut K::T)) {
        v.iter_mut().for_each(f)
    }
}

impl Slot for Log {
    type Of<T: 'static> = Vec<T>;
    const LIST: bool = true;
    fn input<K: Kind>(_: &mut Vec<K::T>, _: Op<'_>, _: &InputCx<'_>) -> Result<(), String> {
        Err("the history is only added to, by the commands that act on a case".into())
    }
    fn shown<K: Kind>(_: &Vec<K::T>) -> Option<String> {
        None
    }
    fn search<K: Kind>(_: &Vec<K::T>, _: &str) -> bool {
        false
    }
    fn each_mut<K: Kind>(v: &mut Vec<K::T>, f: &mut dyn FnMut(&mut K::T)) {
        v.iter_mut().for_each(f)
    }
}

/// A record: a mapping of declared fields, plus keys of one's own.
pub trait Record: Sized + Clone + PartialEq + Default + Debug + 'static {
    const KEYS: &'static [&'static str];
    /// Which of [`Record::KEYS`] hold text.
    const TEXT: &'static [bool];
    /// The declaration as written in `record!`: the cache's fingerprint.
    const DECLARATION: &'static str;
    /// It has a `finish` (reading then looks whether it changed anything).
    const FINISHES: bool;
    /// This record's declaration, then those of the records it holds.
    fn declarations(out: &mut Vec<&'static str>);
    /// A slip in a hand-written mapping no one field can see (a key that
    /// is not read), given which keys the mapping holds: (key, message).
    fn slips(_has: &dyn Fn(&str) -> bool) -> Vec<(&'static str, String)> {
        Vec::new()
    }
    /// Finishes a record read from the keys its mapping holds (in a file
    /// in lsms's own form it changes nothing).
    fn finish(&mut self, _has: &dyn Fn(&str) -> bool) {}
    /// Every field, nested records' after their own, with its input or the
    /// command that sets it.
    fn declared(prefix: &str, out: &mut Vec<Declared>);
    /// [`Record::declared`] from the top, walked once a run.
    fn fields() -> &'static [Declared];
    /// Applies an input to the field at `path` (`reporter.name`); `None`
    /// where the record has no such field.
    fn input(&mut self, path: &str, op: Op<'_>, cx: &InputCx<'_>) -> Option<Result<(), String>>;
    /// The field at `path` as a history entry shows it (`None`: no such field).
    fn shown(&self, path: &str) -> Option<Option<String>>;
    /// Whether a field marked `search` holds `--grep`'s lower-case `needle`.
    fn search(&self, needle: &str) -> bool;
    /// Each string that a sealed store seals (fields marked `personal`
    /// and not `staff`, or as the record's `seal_if` says), under `prefix`.
    fn each_sealed(&mut self, prefix: &str, f: &mut SealedFn<'_>);
    /// The top-level fields that hold a value, each as `show` gives it.
    fn shown_fields(&self) -> Vec<(&'static str, String)>;
    /// A record given as one piece of text (`--person victim:staff:A. Nurse`).
    fn parse_text(s: &str, cx: &InputCx<'_>) -> Result<Self, String>;
    /// The record as that text.
    fn text(&self) -> String;
    /// What an input of one of its fields starts from, where there is none.
    fn blank() -> Self {
        Self::default()
    }
    /// An example of what the input at `path` takes (tests).
    #[cfg(test)]
    fn example(path: &str) -> Option<String>;
}

// What storage does with a record, it does through these: the declaration
// walks its fields for a visitor that knows, for every slot and kind it is
// given, what to do (`codec::schema` has one visitor for each of reading,
// writing, caching and exporting). This layer names none of them.

/// A field as a visitor sees it.
#[derive(Debug, Clone, Copy)]
pub struct Meta {
    pub key: &'static str,
    /// Names and free text, which exports leave out unless asked.
    pub personal: bool,
    /// Its place in the declaration (0 for the first).
    pub index: usize,
}

/// A visitor of a record's values, one field at a time (`'r`: how long
/// it may keep what it is shown).
pub trait VisitField<'r, S: Slot, K: Kind> {
    fn field(&mut self, m: &Meta, v: &'r S::Of<K::T>);
}

/// A visitor of a record's shape: its fields without values.
pub trait DescribeField<S: Slot, K: Kind> {
    fn field(&mut self, m: &Meta);
}

/// A visitor that makes a record's values, one field at a time (`None`:
/// it cannot).
pub trait BuildField<S: Slot, K: Kind> {
    fn field(&mut self, m: &Meta) -> Option<S::Of<K::T>>;
}

/// A visitor of a record's keys of one's own.
pub trait VisitExtra<E> {
    fn extra(&mut self, e: &E);
}

/// A visitor that makes a record's keys of one's own (`known`: the
/// record's declared keys).
pub trait BuildExtra<E> {
    fn extra(&mut self, known: &'static [&'static str]) -> Option<E>;
}

/// A record walked by `V` (declared for every `V` that visits each of its
/// fields' slots and kinds).
pub trait Walk<'r, V> {
    fn walk(&'r self, v: &mut V);
}

/// A record's shape walked by `V`.
pub trait Shape<V> {
    fn shape(v: &mut V);
}

/// A record made by `V`.
pub trait Build<V>: Sized {
    fn build(v: &mut V) -> Option<Self>;
}

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
