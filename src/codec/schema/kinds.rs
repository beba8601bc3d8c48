//! The codecs: each kind of value a field may hold.

use super::*;

/// A value lsms reads by its own rules (a word, an amount, a date) from
/// the characters as written, whatever YAML takes them for.
fn parsed<T>(
    n: &Node<'_>,
    at: &FieldPath<'_>,
    cx: &mut ReadCx<'_>,
    f: impl FnOnce(&str) -> Result<T, String>,
) -> Option<T> {
    let Some(s) = n.written() else {
        cx.bad(at, format!("`{at}` should be text"));
        return None;
    };
    f(s).map_err(|e| cx.bad(at, e)).ok()
}

/// Text: a string to every YAML reader. A plain scalar that a reader
/// takes for something else (`0x1F`, `yes`, `1e3`, `2026-11-24`) is
/// refused, not written back as another value: in quotes it is text.
fn parsed_text<T>(
    n: &Node<'_>,
    at: &FieldPath<'_>,
    cx: &mut ReadCx<'_>,
    f: impl FnOnce(&str) -> Result<T, String>,
) -> Option<T> {
    match n {
        Node::Str(s) => f(s).map_err(|e| cx.bad(at, e)).ok(),
        Node::Scalar(_, raw) if n.written().is_some() => {
            let quoted = crate::model::text::scalar(raw);
            let quoted = if quoted.starts_with('"') { quoted } else { format!("\"{raw}\"").into() };
            cx.bad(
                at,
                format!(
                    "`{at}` is {raw} as written, which a YAML reader takes for {}, not text: \
                     put it in quotes ({quoted}) so that every reader keeps the words",
                    n.reading()
                ),
            );
            None
        }
        _ => {
            cx.bad(at, format!("`{at}` should be text"));
            None
        }
    }
}

/// A string read in one pass, through its kind's own `read`: kept where it
/// reads as it is written (a kind that tidies what it reads, such as a
/// category in capitals, was not given lsms's form of it).
fn as_read(
    text: Cow<'_, str>,
    cx: &mut ReadCx<'_>,
    read: fn(&Node<'_>, &FieldPath<'_>, &mut ReadCx<'_>) -> Option<String>,
) -> Option<String> {
    let before = cx.problems.len();
    let n = Node::Str(text);
    let v = read(&n, &FieldPath::TOP, cx)?;
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
    ($name:ident, check: $check:expr $(, top: $top:path, lex_top: $lex_top:path)?) => {
        impl Codec for $name {
            fn read(n: &Node<'_>, at: &FieldPath<'_>, cx: &mut ReadCx<'_>) -> Option<String> {
                let vocab = cx.vocab;
                let check: fn(&Vocab, &FieldPath<'_>, &str) -> Result<String, String> = $check;
                parsed_text(n, at, cx, |s| check(vocab, at, s))
            }
            fn flow(v: &String, out: &mut String) {
                out.push_str(&scalar(v));
            }
            fn is_blank(v: &String) -> bool {
                v.trim().is_empty()
            }
            fn lex<'s>(s: &'s str, cx: &mut ReadCx<'_>) -> Option<(String, &'s str)> {
                let (text, rest) = lex::string(s)?;
                as_read(text, cx, Self::read).map(|v| (v, rest))
            }
            $(
                fn top(key: &str, v: &String, out: &mut String) {
                    $top(key, v, out);
                }
                fn lex_top<'s>(s: &'s str, cx: &mut ReadCx<'_>) -> Option<(String, &'s str)> {
                    let (text, rest) = $lex_top(s)?;
                    as_read(text, cx, Self::read).map(|v| (v, rest))
                }
            )?
            fn encode(v: &String, w: &mut Encoder) {
                w.str(v);
            }
            fn decode(r: &mut Decoder<'_>) -> Option<String> {
                r.string()
            }
            fn cell(v: &String) -> Cell<'_> {
                text_cell(v)
            }
        }
    };
}

// One line of text.
string_kind!(Line, check: |_, at, s| one_line(at, s));

/// One line of text, or why not.
fn one_line(at: &FieldPath<'_>, s: &str) -> Result<String, String> {
    if crate::model::text::is_one_line(s) {
        Ok(s.to_string())
    } else {
        Err(format!("`{at}` should be one line"))
    }
}

// An email address: read as one line (a hand edit is kept as written;
// `--reporter-email` checks the form).
string_kind!(Email, check: |_, at, s| one_line(at, s));

// A category the store knows.
string_kind!(Category, check: |v: &Vocab, _, s| v.check_category(s));

// A site: any one line, or one of the store's `sites:` where it lists them.
string_kind!(Site, check: |v: &Vocab, _, s| v.check_site(s));

// A flag the store knows.
string_kind!(FlagWord, check: |v: &Vocab, _, s| v.check_flag(s));

// A SHA-256 as 64 lower-case hex digits.
string_kind!(Sha256, check: |_, _, s: &str| if crate::model::incident::is_sha256(s) {
    Ok(s.to_string())
} else {
    Err(format!("'{s}' is not a SHA-256 (64 lower-case hex digits)"))
});

// A bare file name: what an evidence file is called when it is copied out.
string_kind!(FileName, check: |_, at, s| {
    one_line(at, s).and_then(|s| crate::model::incident::check_file_name(&s).map(|()| s))
});

// Text that may run over lines: a literal block at the top of the file.
string_kind!(Text, check: |_, _, s: &str| Ok(s.to_string()), top: literal_top, lex_top: lex::literal_top);

fn literal_top(key: &str, v: &str, out: &mut String) {
    literal(out, key, v);
}

/// A word of a closed vocabulary.
impl<E: Word + fmt::Debug> Codec for Of<E> {
    fn read(n: &Node<'_>, at: &FieldPath<'_>, cx: &mut ReadCx<'_>) -> Option<E> {
        parsed(n, at, cx, E::parse_word)
    }
    fn flow(v: &E, out: &mut String) {
        out.push_str(v.word());
    }
    fn lex<'s>(s: &'s str, _: &mut ReadCx<'_>) -> Option<(E, &'s str)> {
        let (t, rest) = lex::token(s);
        E::parse_word(t).ok().filter(|v| v.word() == t).map(|v| (v, rest))
    }
    fn encode(v: &E, w: &mut Encoder) {
        w.0.push(E::ALL.iter().position(|x| x == v).map_or(0, |i| i as u8));
    }
    fn decode(r: &mut Decoder<'_>) -> Option<E> {
        E::ALL.get(usize::from(r.byte()?)).copied()
    }
    fn cell(v: &E) -> Cell<'_> {
        text_cell(v.word())
    }
}

impl Codec for Answer {
    fn read(n: &Node<'_>, at: &FieldPath<'_>, cx: &mut ReadCx<'_>) -> Option<Tri> {
        match n {
            // `yes`, `no`, `true` and `false` plain: every reader means the same answer.
            Node::Scalar(Value::Bool(true), _) => Some(Tri::Yes),
            Node::Scalar(Value::Bool(false), _) => Some(Tri::No),
            _ => parsed(n, at, cx, Tri::parse),
        }
    }
    fn flow(v: &Tri, out: &mut String) {
        out.push_str(&scalar(v.as_str()));
    }
    fn lex<'s>(s: &'s str, _: &mut ReadCx<'_>) -> Option<(Tri, &'s str)> {
        let (t, rest) = lex::string(s)?;
        Tri::parse(&t).ok().filter(|v| v.as_str() == t).map(|v| (v, rest))
    }
    fn encode(v: &Tri, w: &mut Encoder) {
        <Of<Tri>>::encode(v, w);
    }
    fn decode(r: &mut Decoder<'_>) -> Option<Tri> {
        <Of<Tri>>::decode(r)
    }
    fn cell(v: &Tri) -> Cell<'_> {
        text_cell(v.as_str())
    }
}

impl Codec for IdKind {
    fn read(n: &Node<'_>, at: &FieldPath<'_>, cx: &mut ReadCx<'_>) -> Option<Id> {
        parsed(n, at, cx, Id::parse)
    }
    fn flow(v: &Id, out: &mut String) {
        out.push_str(v.as_str());
    }
    fn lex<'s>(s: &'s str, _: &mut ReadCx<'_>) -> Option<(Id, &'s str)> {
        let (t, rest) = lex::token(s);
        Id::parse(t).ok().filter(|v| v.as_str() == t).map(|v| (v, rest))
    }
    fn encode(v: &Id, w: &mut Encoder) {
        w.str(v.as_str());
    }
    fn decode(r: &mut Decoder<'_>) -> Option<Id> {
        Id::parse(r.str()?).ok()
    }
    fn cell(v: &Id) -> Cell<'_> {
        text_cell(v.as_str())
    }
}

impl Codec for UuidKind {
    fn read(n: &Node<'_>, at: &FieldPath<'_>, cx: &mut ReadCx<'_>) -> Option<Uuid> {
        parsed(n, at, cx, |s| Uuid::parse_str(s.trim()).map_err(|_| format!("'{s}' is not a UUID")))
    }
    fn flow(v: &Uuid, out: &mut String) {
        out.push_str(v.hyphenated().encode_lower(&mut Uuid::encode_buffer()));
    }
    fn lex<'s>(s: &'s str, _: &mut ReadCx<'_>) -> Option<(Uuid, &'s str)> {
        let (t, rest) = lex::token(s);
        let lower = t.len() == 36 && !t.bytes().any(|b| b.is_ascii_uppercase());
        lower.then(|| Uuid::try_parse(t).ok()).flatten().map(|v| (v, rest))
    }
    fn encode(v: &Uuid, w: &mut Encoder) {
        w.0.extend_from_slice(v.as_bytes());
    }
    fn decode(r: &mut Decoder<'_>) -> Option<Uuid> {
        let u = Uuid::from_slice(r.b.get(r.at..r.at.checked_add(16)?)?).ok()?;
        r.at += 16;
        Some(u)
    }
    fn cell(v: &Uuid) -> Cell<'_> {
        owned_cell(v.to_string())
    }
}

impl Codec for Time {
    fn read(n: &Node<'_>, at: &FieldPath<'_>, cx: &mut ReadCx<'_>) -> Option<Stamp> {
        parsed(n, at, cx, parse_stored)
    }
    fn flow(v: &Stamp, out: &mut String) {
        crate::model::time::push_rfc3339(out, v);
    }
    fn lex<'s>(s: &'s str, _: &mut ReadCx<'_>) -> Option<(Stamp, &'s str)> {
        lex::stamp(s).filter(|(t, _)| crate::model::time::writable(*t, "").is_ok())
    }
    fn encode(v: &Stamp, w: &mut Encoder) {
        w.stamp(v);
    }
    fn decode(r: &mut Decoder<'_>) -> Option<Stamp> {
        r.stamp()
    }
    fn cell(v: &Stamp) -> Cell<'_> {
        owned_cell(rfc3339(v))
    }
}

impl Codec for Date {
    fn read(n: &Node<'_>, at: &FieldPath<'_>, cx: &mut ReadCx<'_>) -> Option<NaiveDate> {
        parsed(n, at, cx, parse_stored_date)
    }
    fn flow(v: &NaiveDate, out: &mut String) {
        use fmt::Write;
        let _ = write!(out, "{v}");
    }
    fn lex<'s>(s: &'s str, _: &mut ReadCx<'_>) -> Option<(NaiveDate, &'s str)> {
        lex::date(s)
            .filter(|(d, _)| (crate::model::time::FIRST_YEAR..=9999).contains(&chrono::Datelike::year(d)))
    }
    fn encode(v: &NaiveDate, w: &mut Encoder) {
        w.i64(i64::from(chrono::Datelike::num_days_from_ce(v)));
    }
    fn decode(r: &mut Decoder<'_>) -> Option<NaiveDate> {
        NaiveDate::from_num_days_from_ce_opt(i32::try_from(r.i64()?).ok()?)
    }
    fn cell(v: &NaiveDate) -> Cell<'_> {
        owned_cell(v.to_string())
    }
}

impl Codec for Pounds {
    fn read(n: &Node<'_>, at: &FieldPath<'_>, cx: &mut ReadCx<'_>) -> Option<Money> {
        parsed(n, at, cx, Money::parse_stored)
    }
    fn flow(v: &Money, out: &mut String) {
        out.push_str(&scalar(&v.to_string()));
    }
    fn lex<'s>(s: &'s str, _: &mut ReadCx<'_>) -> Option<(Money, &'s str)> {
        let (t, rest) = lex::string(s)?;
        Money::parse_stored(&t).ok().filter(|v| v.to_string() == t).map(|v| (v, rest))
    }
    fn encode(v: &Money, w: &mut Encoder) {
        w.u64(v.0);
    }
    fn decode(r: &mut Decoder<'_>) -> Option<Money> {
        Some(Money(r.u64()?))
    }
    fn default() -> Option<Money> {
        Some(Money::ZERO)
    }
    fn cell(v: &Money) -> Cell<'_> {
        owned_cell(v.to_string())
    }
}

impl Codec for Flag {
    fn read(n: &Node<'_>, at: &FieldPath<'_>, cx: &mut ReadCx<'_>) -> Option<bool> {
        match n {
            Node::Scalar(Value::Bool(b), _) => Some(*b),
            Node::Str(s) if matches!(s.as_ref(), "true" | "yes") => Some(true),
            Node::Str(s) if matches!(s.as_ref(), "false" | "no") => Some(false),
            Node::Scalar(Value::String(s), _) if crate::codec::load::yaml11_bool(s) => {
                cx.bad(
                    at,
                    format!(
                        "`{at}` is {s}, which YAML 1.1 readers (PyYAML) take for true or false and \
                         YAML 1.2 readers for text: write true or false"
                    ),
                );
                None
            }
            _ => {
                cx.bad(at, format!("`{at}` should be true or false"));
                None
            }
        }
    }
    fn flow(v: &bool, out: &mut String) {
        out.push_str(if *v { "true" } else { "false" });
    }
    fn lex<'s>(s: &'s str, _: &mut ReadCx<'_>) -> Option<(bool, &'s str)> {
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
    fn encode(v: &bool, w: &mut Encoder) {
        w.0.push(u8::from(*v));
    }
    fn decode(r: &mut Decoder<'_>) -> Option<bool> {
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

impl Codec for Bytes {
    fn read(n: &Node<'_>, at: &FieldPath<'_>, cx: &mut ReadCx<'_>) -> Option<u64> {
        match n {
            // Digits only: `0x10`, `010` and `1_000` are numbers that YAML
            // readers do not agree on.
            Node::Scalar(Value::Number(x), raw)
                if raw.bytes().all(|b| b.is_ascii_digit()) && (raw == "0" || !raw.starts_with('0')) =>
            {
                x.as_u64()
            }
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
    fn lex<'s>(s: &'s str, _: &mut ReadCx<'_>) -> Option<(u64, &'s str)> {
        let (t, rest) = lex::token(s);
        let digits =
            !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) && (t == "0" || !t.starts_with('0'));
        digits.then(|| t.parse().ok()).flatten().map(|v| (v, rest))
    }
    fn encode(v: &u64, w: &mut Encoder) {
        w.u64(*v);
    }
    fn decode(r: &mut Decoder<'_>) -> Option<u64> {
        r.u64()
    }
    fn cell(v: &u64) -> Cell<'_> {
        Cell::Count(*v as usize)
    }
}

impl<T: Stored> Codec for Nested<T> {
    const BLOCK: bool = true;
    fn read(n: &Node<'_>, at: &FieldPath<'_>, cx: &mut ReadCx<'_>) -> Option<T> {
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
    fn lex<'s>(s: &'s str, cx: &mut ReadCx<'_>) -> Option<(T, &'s str)> {
        let (v, rest) = T::lex_flow(s.strip_prefix("{ ")?, cx)?;
        Some((v, rest.strip_prefix(" }")?))
    }
    fn encode(v: &T, w: &mut Encoder) {
        v.encode_fields(w);
    }
    fn decode(r: &mut Decoder<'_>) -> Option<T> {
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

impl Codec for Refs {
    fn read(n: &Node<'_>, at: &FieldPath<'_>, cx: &mut ReadCx<'_>) -> Option<Self::T> {
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
            let Some(system) = k.as_str().filter(|s| !s.trim().is_empty()) else {
                cx.bad(at, format!("`{at}` has a key that is not a system's name"));
                continue;
            };
            let key_at = FieldPath { parent: Some(at), key: system, index: None };
            if v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty()) {
                cx.bad(&key_at, format!("`{key_at}` is empty"));
                continue;
            }
            // The rule `--ref` keeps (no `=`, which the export's
            // `system=reference` items split on), the text kept exactly.
            if let Err(e) = crate::model::refs::check_system(system) {
                cx.bad(&key_at, e);
                continue;
            }
            if let (Some(r), true) = (Line::read(v, &key_at, cx), Line::read(k, &key_at, cx).is_some()) {
                out.push((system.to_string(), r));
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
    fn lex<'s>(s: &'s str, cx: &mut ReadCx<'_>) -> Option<(Self::T, &'s str)> {
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
        let v = Self::read(&n, &FieldPath::TOP, cx)?;
        let Node::Map(pairs) = &n else { return None };
        let same = pairs.len() == v.len()
            && pairs
                .iter()
                .zip(&v)
                .all(|((k, x), (kv, xv))| k.as_str() == Some(kv) && x.as_str() == Some(xv));
        (cx.problems.len() == before && same).then_some((v, rest))
    }
    fn encode(v: &Self::T, w: &mut Encoder) {
        w.u64(v.len() as u64);
        for (k, r) in v {
            w.str(k);
            w.str(r);
        }
    }
    fn decode(r: &mut Decoder<'_>) -> Option<Self::T> {
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

impl Codec for SchemaKind {
    fn read(n: &Node<'_>, at: &FieldPath<'_>, cx: &mut ReadCx<'_>) -> Option<Self::T> {
        match n {
            Node::Scalar(Value::Number(x), raw) if x.as_u64() == Some(1) && raw == "1" => {
                Some(crate::model::incident::Schema1)
            }
            other => {
                let shown = other.written().unwrap_or("that");
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
    fn lex<'s>(s: &'s str, _: &mut ReadCx<'_>) -> Option<(Self::T, &'s str)> {
        match lex::token(s) {
            ("1", rest) => Some((crate::model::incident::Schema1, rest)),
            _ => None,
        }
    }
    fn encode(_: &Self::T, _: &mut Encoder) {}
    fn decode(_: &mut Decoder<'_>) -> Option<Self::T> {
        Some(crate::model::incident::Schema1)
    }
    fn cell(_: &Self::T) -> Cell<'_> {
        Cell::Count(1)
    }
    fn columns(_: &str, _: Pass, _: bool, _: &mut Vec<String>) {}
    fn cells<'a>(_: Option<&'a Self::T>, _: Pass, _: bool, _: &mut Vec<Cell<'a>>) {}
    fn json_field(_: &str, _: Option<&Self::T>, _: bool, _: bool, _: &mut JsonRow) {}
}
