//! How a field is present in its record, and how each presence is read,
//! written, cached and exported.

use super::*;

/// How each presence of a field (`model::schema::Slot`: required,
/// optional, a list, a default, a log) is read, written, cached and
/// exported.
pub trait SlotCodec: Slot {
    fn read<C: Codec>(
        map: &mut Fields<'_, '_>,
        key: &str,
        at: &FieldPath<'_>,
        cx: &mut ReadCx<'_>,
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
        cx: &mut ReadCx<'_>,
    ) -> Option<Self::Of<C::T>>;
    /// The field at the top of a file in lsms's own form.
    fn lex_top<C: Codec>(s: &mut &str, key: &str, cx: &mut ReadCx<'_>) -> Option<Self::Of<C::T>>;
    fn encode<C: Codec>(v: &Self::Of<C::T>, w: &mut Encoder);
    fn decode<C: Codec>(r: &mut Decoder<'_>, brief: bool) -> Option<Self::Of<C::T>>;
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
pub(super) fn pair(key: &str, out: &mut String) {
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
fn lex_items<'s, C: Codec>(s: &'s str, cx: &mut ReadCx<'_>) -> Option<(Vec<C::T>, &'s str)> {
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
fn lex_list_top<'s, C: Codec>(s: &'s str, cx: &mut ReadCx<'_>) -> Option<(Vec<C::T>, &'s str)> {
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
    at: &FieldPath<'_>,
    cx: &mut ReadCx<'_>,
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

impl SlotCodec for Req {
    fn read<C: Codec>(
        map: &mut Fields<'_, '_>,
        key: &str,
        at: &FieldPath<'_>,
        cx: &mut ReadCx<'_>,
    ) -> Option<C::T> {
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
    fn lex_flow<C: Codec>(s: &mut &str, key: &str, first: &mut bool, cx: &mut ReadCx<'_>) -> Option<C::T> {
        flow_field(s, key, first, |t| C::lex(t, cx))?.filter(|v| !C::is_blank(v))
    }
    fn lex_top<C: Codec>(s: &mut &str, key: &str, cx: &mut ReadCx<'_>) -> Option<C::T> {
        top_field(s, key, |t| C::lex_top(t, cx))?.filter(|v| !C::is_blank(v))
    }
    fn encode<C: Codec>(v: &C::T, w: &mut Encoder) {
        C::encode(v, w);
    }
    fn decode<C: Codec>(r: &mut Decoder<'_>, _: bool) -> Option<C::T> {
        C::decode(r)
    }
    fn cells<'a, C: Codec>(v: Option<&'a C::T>, pass: Pass, personal: bool, out: &mut Vec<Cell<'a>>) {
        C::cells(v, pass, personal, out);
    }
    fn json<C: Codec>(key: &str, v: &C::T, personal: bool, with: bool, out: &mut JsonRow) {
        C::json_field(key, Some(v), personal, with, out);
    }
}

impl SlotCodec for Opt {
    fn read<C: Codec>(
        map: &mut Fields<'_, '_>,
        key: &str,
        at: &FieldPath<'_>,
        cx: &mut ReadCx<'_>,
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
        cx: &mut ReadCx<'_>,
    ) -> Option<Option<C::T>> {
        flow_field(s, key, first, |t| C::lex(t, cx))
    }
    fn lex_top<C: Codec>(s: &mut &str, key: &str, cx: &mut ReadCx<'_>) -> Option<Option<C::T>> {
        top_field(s, key, |t| C::lex_top(t, cx))
    }
    fn encode<C: Codec>(v: &Option<C::T>, w: &mut Encoder) {
        w.0.push(u8::from(v.is_some()));
        if let Some(v) = v {
            C::encode(v, w);
        }
    }
    fn decode<C: Codec>(r: &mut Decoder<'_>, _: bool) -> Option<Option<C::T>> {
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

impl SlotCodec for Dflt {
    fn read<C: Codec>(
        map: &mut Fields<'_, '_>,
        key: &str,
        at: &FieldPath<'_>,
        cx: &mut ReadCx<'_>,
    ) -> Option<C::T> {
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
    fn lex_flow<C: Codec>(s: &mut &str, key: &str, first: &mut bool, cx: &mut ReadCx<'_>) -> Option<C::T> {
        lexed_dflt::<C>(flow_field(s, key, first, |t| C::lex(t, cx))?)
    }
    fn lex_top<C: Codec>(s: &mut &str, key: &str, cx: &mut ReadCx<'_>) -> Option<C::T> {
        lexed_dflt::<C>(top_field(s, key, |t| C::lex_top(t, cx))?)
    }
    fn encode<C: Codec>(v: &C::T, w: &mut Encoder) {
        C::encode(v, w);
    }
    fn decode<C: Codec>(r: &mut Decoder<'_>, _: bool) -> Option<C::T> {
        C::decode(r)
    }
    fn cells<'a, C: Codec>(v: Option<&'a C::T>, pass: Pass, personal: bool, out: &mut Vec<Cell<'a>>) {
        C::cells(v, pass, personal, out);
    }
    fn json<C: Codec>(key: &str, v: &C::T, personal: bool, with: bool, out: &mut JsonRow) {
        C::json_field(key, Some(v), personal, with, out);
    }
}

impl<const DISTINCT: bool> SlotCodec for List<DISTINCT> {
    fn read<C: Codec>(
        map: &mut Fields<'_, '_>,
        key: &str,
        at: &FieldPath<'_>,
        cx: &mut ReadCx<'_>,
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
    fn lex_flow<C: Codec>(
        s: &mut &str,
        key: &str,
        first: &mut bool,
        cx: &mut ReadCx<'_>,
    ) -> Option<Vec<C::T>> {
        lexed_list(flow_field(s, key, first, |t| lex_items::<C>(t, cx))?).filter(|v| !DISTINCT || distinct(v))
    }
    fn lex_top<C: Codec>(s: &mut &str, key: &str, cx: &mut ReadCx<'_>) -> Option<Vec<C::T>> {
        lexed_list(top_field(s, key, |t| lex_list_top::<C>(t, cx))?).filter(|v| !DISTINCT || distinct(v))
    }
    fn encode<C: Codec>(vs: &Vec<C::T>, w: &mut Encoder) {
        w.u64(vs.len() as u64);
        vs.iter().for_each(|v| C::encode(v, w));
    }
    fn decode<C: Codec>(r: &mut Decoder<'_>, _: bool) -> Option<Vec<C::T>> {
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
impl SlotCodec for Log {
    fn read<C: Codec>(
        map: &mut Fields<'_, '_>,
        key: &str,
        at: &FieldPath<'_>,
        cx: &mut ReadCx<'_>,
    ) -> Option<Vec<C::T>> {
        <List>::read::<C>(map, key, at, cx)
    }
    fn top<C: Codec>(key: &str, vs: &Vec<C::T>, out: &mut String) {
        <List>::top::<C>(key, vs, out);
    }
    fn flow<C: Codec>(key: &str, vs: &Vec<C::T>, out: &mut String) {
        <List>::flow::<C>(key, vs, out);
    }
    fn lex_flow<C: Codec>(
        s: &mut &str,
        key: &str,
        first: &mut bool,
        cx: &mut ReadCx<'_>,
    ) -> Option<Vec<C::T>> {
        <List>::lex_flow::<C>(s, key, first, cx)
    }
    fn lex_top<C: Codec>(s: &mut &str, key: &str, cx: &mut ReadCx<'_>) -> Option<Vec<C::T>> {
        <List>::lex_top::<C>(s, key, cx)
    }
    fn encode<C: Codec>(vs: &Vec<C::T>, w: &mut Encoder) {
        let mut inner = Encoder(Vec::with_capacity(64 * vs.len()));
        <List>::encode::<C>(vs, &mut inner);
        w.u64(inner.0.len() as u64);
        w.0.extend_from_slice(&inner.0);
    }
    fn decode<C: Codec>(r: &mut Decoder<'_>, brief: bool) -> Option<Vec<C::T>> {
        let len = r.count()?;
        let end = r.at.checked_add(len)?;
        let body = r.b.get(..end)?;
        let out = if brief {
            Vec::new()
        } else {
            let mut inner = Decoder { b: body, at: r.at };
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
