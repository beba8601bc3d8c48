//! A record stored through its declaration: each of reading, writing,
//! caching and exporting is a visitor that the declaration (`record!` in
//! `model::schema`) walks field by field, doing for each the slot's and
//! the kind's part (`SlotCodec`, `Codec`). `Stored` gathers them for every
//! record type the incident holds (`stored!` at the end: a record not
//! listed there cannot be held in another, so it cannot be forgotten).

use super::*;
use crate::model::schema::{
    Build, BuildExtra, BuildField, DescribeField, Meta, Shape, VisitExtra, VisitField, Walk,
};

/// A record as lsms stores it.
pub trait Stored: Record {
    /// Reads a mapping, naming every problem (each field's own, a slip
    /// of the hand-written mapping no one field can see).
    fn read_fields(n: &Node<'_>, at: &FieldPath<'_>, cx: &mut ReadCx<'_>) -> Option<Self>;
    /// The fields of a flow mapping in lsms's own form, from after its
    /// `{ `; gives what follows the last (`codec::lex`).
    fn lex_flow<'s>(s: &'s str, cx: &mut ReadCx<'_>) -> Option<(Self, &'s str)>;
    /// A whole file in lsms's own form (`codec::lex`).
    fn lex_top(s: &str, cx: &mut ReadCx<'_>) -> Option<Self>;
    /// Each field as the top of a file writes it, calling `after` with each
    /// key (where keys of one's own that followed it go).
    fn write_fields(&self, out: &mut String, after: &mut dyn FnMut(&'static str, &mut String));
    fn flow_fields(&self, out: &mut String);
    fn encode_fields(&self, w: &mut Encoder);
    fn decode_fields(r: &mut Decoder<'_>, brief: bool) -> Option<Self>;
    fn columns(prefix: &str, pass: Pass, out: &mut Vec<String>);
    fn cells<'a>(v: Option<&'a Self>, pass: Pass, out: &mut Vec<Cell<'a>>);
    fn json_fields(&self, with_personal: bool, out: &mut JsonRow);
}

/// Reads a parsed mapping field by field.
pub struct NodeRead<'n, 'a, 'p, 'c, 'v> {
    map: Fields<'n, 'a>,
    node: &'n Node<'a>,
    at: &'p FieldPath<'p>,
    cx: &'c mut ReadCx<'v>,
}

impl<S: SlotCodec, K: Codec> BuildField<S, K> for NodeRead<'_, '_, '_, '_, '_> {
    fn field(&mut self, m: &Meta) -> Option<S::Of<K::T>> {
        S::read::<K>(&mut self.map, m.key, self.at, self.cx)
    }
}

impl<E: Extras> BuildExtra<E> for NodeRead<'_, '_, '_, '_, '_> {
    fn extra(&mut self, known: &'static [&'static str]) -> Option<E> {
        Some(if self.map.all_known() { E::default() } else { E::read(self.node, known) })
    }
}

/// Reads a whole file in lsms's own form, in one pass.
pub struct LexTop<'s, 'c, 'v> {
    s: &'s str,
    cx: &'c mut ReadCx<'v>,
    /// A bit for each field that took text (by its place).
    present: u64,
    failed: bool,
}

impl<S: SlotCodec, K: Codec> BuildField<S, K> for LexTop<'_, '_, '_> {
    fn field(&mut self, m: &Meta) -> Option<S::Of<K::T>> {
        if self.failed {
            return None;
        }
        let len = self.s.len();
        let v = S::lex_top::<K>(&mut self.s, m.key, self.cx);
        self.failed = v.is_none();
        if self.s.len() != len {
            self.present |= 1 << m.index;
        }
        v
    }
}

/// A file in lsms's own form has no keys of one's own.
impl<E: Default> BuildExtra<E> for LexTop<'_, '_, '_> {
    fn extra(&mut self, _: &'static [&'static str]) -> Option<E> {
        Some(E::default())
    }
}

/// Reads the fields of a flow mapping in lsms's own form, in one pass.
pub struct LexFlow<'s, 'c, 'v> {
    s: &'s str,
    first: bool,
    cx: &'c mut ReadCx<'v>,
    present: u64,
    failed: bool,
}

impl<S: SlotCodec, K: Codec> BuildField<S, K> for LexFlow<'_, '_, '_> {
    fn field(&mut self, m: &Meta) -> Option<S::Of<K::T>> {
        if self.failed {
            return None;
        }
        let len = self.s.len();
        let v = S::lex_flow::<K>(&mut self.s, m.key, &mut self.first, self.cx);
        self.failed = v.is_none();
        if self.s.len() != len {
            self.present |= 1 << m.index;
        }
        v
    }
}

impl<E: Default> BuildExtra<E> for LexFlow<'_, '_, '_> {
    fn extra(&mut self, _: &'static [&'static str]) -> Option<E> {
        Some(E::default())
    }
}

/// Reads a record from the cache's binary form.
pub struct Decode<'r, 'b> {
    r: &'r mut Decoder<'b>,
    brief: bool,
    failed: bool,
}

impl<S: SlotCodec, K: Codec> BuildField<S, K> for Decode<'_, '_> {
    fn field(&mut self, _: &Meta) -> Option<S::Of<K::T>> {
        if self.failed {
            return None;
        }
        let v = S::decode::<K>(self.r, self.brief);
        self.failed = v.is_none();
        v
    }
}

impl<E: Extras> BuildExtra<E> for Decode<'_, '_> {
    fn extra(&mut self, known: &'static [&'static str]) -> Option<E> {
        if self.failed { None } else { E::decode(self.r, known) }
    }
}

/// Writes each field at the top of a file.
pub struct WriteTop<'o, 'f> {
    out: &'o mut String,
    after: &'f mut dyn FnMut(&'static str, &mut String),
}

impl<S: SlotCodec, K: Codec> VisitField<'_, S, K> for WriteTop<'_, '_> {
    fn field(&mut self, m: &Meta, v: &S::Of<K::T>) {
        S::top::<K>(m.key, v, self.out);
        (self.after)(m.key, self.out);
    }
}

/// Keys of one's own at the top go where `after` puts them.
impl<E> VisitExtra<E> for WriteTop<'_, '_> {
    fn extra(&mut self, _: &E) {}
}

/// Writes the fields of a flow mapping.
pub struct FlowOut<'o> {
    out: &'o mut String,
}

impl<S: SlotCodec, K: Codec> VisitField<'_, S, K> for FlowOut<'_> {
    fn field(&mut self, m: &Meta, v: &S::Of<K::T>) {
        S::flow::<K>(m.key, v, self.out);
    }
}

impl<E: Extras> VisitExtra<E> for FlowOut<'_> {
    fn extra(&mut self, e: &E) {
        e.flow(self.out);
    }
}

/// Writes a record in the cache's binary form.
pub struct Encode<'w> {
    w: &'w mut Encoder,
}

impl<S: SlotCodec, K: Codec> VisitField<'_, S, K> for Encode<'_> {
    fn field(&mut self, _: &Meta, v: &S::Of<K::T>) {
        S::encode::<K>(v, self.w);
    }
}

impl<E: Extras> VisitExtra<E> for Encode<'_> {
    fn extra(&mut self, e: &E) {
        e.encode(self.w);
    }
}

/// The export's column names.
pub struct Columns<'p, 'o> {
    prefix: &'p str,
    pass: Pass,
    out: &'o mut Vec<String>,
}

impl<S: SlotCodec, K: Codec> DescribeField<S, K> for Columns<'_, '_> {
    fn field(&mut self, m: &Meta) {
        S::columns::<K>(&format!("{}{}", self.prefix, m.key), self.pass, m.personal, self.out);
    }
}

/// The export's cells of a record, borrowed from it.
pub struct Cells<'a, 'o> {
    pass: Pass,
    out: &'o mut Vec<Cell<'a>>,
}

impl<'a, S: SlotCodec, K: Codec> VisitField<'a, S, K> for Cells<'a, '_> {
    fn field(&mut self, m: &Meta, v: &'a S::Of<K::T>) {
        S::cells::<K>(Some(v), self.pass, m.personal, self.out);
    }
}

impl<E> VisitExtra<E> for Cells<'_, '_> {
    fn extra(&mut self, _: &E) {}
}

/// The export's cells where there is no record (empty, lined up).
pub struct NoCells<'a, 'o> {
    pass: Pass,
    out: &'o mut Vec<Cell<'a>>,
}

impl<S: SlotCodec, K: Codec> DescribeField<S, K> for NoCells<'_, '_> {
    fn field(&mut self, m: &Meta) {
        S::cells::<K>(None, self.pass, m.personal, self.out);
    }
}

/// A record in a JSON export row.
pub struct JsonOut<'o> {
    with_personal: bool,
    out: &'o mut JsonRow,
}

impl<S: SlotCodec, K: Codec> VisitField<'_, S, K> for JsonOut<'_> {
    fn field(&mut self, m: &Meta, v: &S::Of<K::T>) {
        S::json::<K>(m.key, v, m.personal, self.with_personal, self.out);
    }
}

impl<E> VisitExtra<E> for JsonOut<'_> {
    fn extra(&mut self, _: &E) {}
}

/// A record read in one pass: `finish` may not change it (the file would
/// then not be in lsms's form).
fn finished_as_lexed<T: Record>(v: T, present: u64) -> Option<T> {
    if !T::FINISHES {
        return Some(v);
    }
    let mut done = v.clone();
    done.finish(&|k| T::KEYS.iter().position(|x| *x == k).is_some_and(|i| present >> i & 1 == 1));
    (done == v).then_some(v)
}

/// `Stored` for each record type, through the visitors above.
macro_rules! stored {
    ($($t:ty),+ $(,)?) => {$(
        impl Stored for $t {
            fn read_fields(n: &Node<'_>, at: &FieldPath<'_>, cx: &mut ReadCx<'_>) -> Option<Self> {
                let before = cx.problems.len();
                for (key, message) in <$t>::slips(&|k| n.get(k).is_some()) {
                    let at = at.key(key);
                    cx.bad(&at, format!("`{at}` {message}"));
                }
                let mut v = NodeRead { map: Fields::of(n), node: n, at, cx };
                let made = <$t as Build<_>>::build(&mut v);
                if cx.problems.len() > before {
                    return None;
                }
                let mut made = made?;
                if <$t>::FINISHES {
                    made.finish(&|k| n.get(k).is_some_and(|x| !x.is_null()));
                }
                Some(made)
            }

            fn lex_flow<'s>(s: &'s str, cx: &mut ReadCx<'_>) -> Option<(Self, &'s str)> {
                let mut v = LexFlow { s, first: true, cx, present: 0, failed: false };
                let made = <$t as Build<_>>::build(&mut v)?;
                Some((finished_as_lexed(made, v.present)?, v.s))
            }

            fn lex_top(s: &str, cx: &mut ReadCx<'_>) -> Option<Self> {
                let mut v = LexTop { s, cx, present: 0, failed: false };
                let made = <$t as Build<_>>::build(&mut v)?;
                if !v.s.is_empty() {
                    return None;
                }
                finished_as_lexed(made, v.present)
            }

            fn write_fields(&self, out: &mut String, after: &mut dyn FnMut(&'static str, &mut String)) {
                self.walk(&mut WriteTop { out, after });
            }

            fn flow_fields(&self, out: &mut String) {
                self.walk(&mut FlowOut { out });
            }

            fn encode_fields(&self, w: &mut Encoder) {
                self.walk(&mut Encode { w });
            }

            fn decode_fields(r: &mut Decoder<'_>, brief: bool) -> Option<Self> {
                <$t as Build<_>>::build(&mut Decode { r, brief, failed: false })
            }

            fn columns(prefix: &str, pass: Pass, out: &mut Vec<String>) {
                <$t as Shape<_>>::shape(&mut Columns { prefix, pass, out });
            }

            fn cells<'a>(v: Option<&'a Self>, pass: Pass, out: &mut Vec<Cell<'a>>) {
                match v {
                    Some(v) => v.walk(&mut Cells { pass, out }),
                    None => <$t as Shape<_>>::shape(&mut NoCells { pass, out }),
                }
            }

            fn json_fields(&self, with_personal: bool, out: &mut JsonRow) {
                self.walk(&mut JsonOut { with_personal, out });
            }
        }
    )+};
}

use crate::model::incident::{
    Disclosure, Entry, Evidence, Hold, Incident, Link, Losses, Notice, Person, Police, Reporter, Riddor,
    Sanction, Void,
};

stored!(
    Reporter, Person, Police, Riddor, Losses, Sanction, Link, Notice, Evidence, Void, Hold, Disclosure,
    Entry, Incident
);
