//! The kinds of value a field may hold, and for each how a person types it
//! and how it is shown back. (How each is read from a file, written,
//! cached and exported is `codec::schema::kinds`.)

use super::*;
use crate::model::enums::{Tri, Word};
use crate::model::id::Id;
use crate::model::incident::Schema1;
use crate::model::money::Money;
use crate::model::time::{Stamp, rfc3339};
use chrono::NaiveDate;
use uuid::Uuid;

/// A kind whose values are strings; each differs in what it accepts.
macro_rules! string_kind {
    ($(#[$m:meta])* $name:ident, text: $text:expr, example: $example:literal $(, input: $input:expr)?) => {
        $(#[$m])*
        pub struct $name;

        impl Kind for $name {
            type T = String;
            const TEXT: bool = $text;
            fn shown(v: &String) -> String {
                v.clone()
            }
            #[cfg(test)]
            fn example() -> String {
                $example.to_string()
            }
            $(
                fn input(s: &str, cx: &InputCx<'_>) -> Result<String, String> {
                    let input: fn(&Vocab, &str) -> Result<String, String> = $input;
                    input(cx.vocab, s)
                }
            )?
        }
    };
}

string_kind!(
    /// One line of text.
    Line, text: true, example: "A&E reception", input: |_, s| typed_line(s)
);

/// One line as typed: trimmed, and no line break in it.
fn typed_line(s: &str) -> Result<String, String> {
    let t = s.trim();
    if crate::model::text::is_one_line(t) { Ok(t.to_string()) } else { Err("give one line".into()) }
}

string_kind!(
    /// An email address as typed: one line with an `@`, no spaces, no
    /// angle brackets or commas (one address, not a list).
    Email, text: true, example: "a.nurse@nhs.net", input: |_, s| typed_email(s)
);

/// An email address as typed, trimmed; or why not.
fn typed_email(s: &str) -> Result<String, String> {
    let t = s.trim();
    let ok = t.split_once('@').is_some_and(|(a, d)| !a.is_empty() && !d.is_empty())
        && !t.contains(|c: char| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'));
    if ok {
        Ok(t.to_string())
    } else {
        Err(format!("'{t}' is not an email address: write one address, like a.nurse@nhs.net"))
    }
}

string_kind!(
    /// A category the store knows.
    Category, text: true, example: "theft", input: |v, s| v.check_category(s)
);

string_kind!(
    /// A site: any one line, or one of the store's `sites:` where it lists them.
    Site, text: true, example: "Hollins Park", input: |v, s| v.check_site(s.trim())
);

string_kind!(
    /// A flag the store knows.
    FlagWord, text: false, example: "weapon", input: |v, s| v.check_flag(s)
);

string_kind!(
    /// A SHA-256 as 64 lower-case hex digits.
    Sha256, text: false, example: ""
);

string_kind!(
    /// A bare file name: what an evidence file is called when it is copied out.
    FileName, text: true, example: "cctv.mp4"
);

string_kind!(
    /// Text that may run over lines: a literal block at the top of the file.
    Text, text: true, example: "What happened.", input: |_, s| Ok(s.to_string())
);

/// A word of a closed vocabulary.
pub struct Of<E>(std::marker::PhantomData<E>);

impl<E: Word + Debug> Kind for Of<E> {
    type T = E;
    fn declarations(out: &mut Vec<&'static str>) {
        out.extend(E::ALL.iter().map(|e| e.word()));
    }
    fn input(s: &str, _: &InputCx<'_>) -> Result<E, String> {
        E::parse_word(s)
    }
    fn shown(v: &E) -> String {
        v.word().to_string()
    }
    #[cfg(test)]
    fn example() -> String {
        E::ALL[E::ALL.len() - 1].word().to_string()
    }
}

/// Yes, no or unknown.
pub struct Answer;

impl Kind for Answer {
    type T = Tri;
    fn input(s: &str, _: &InputCx<'_>) -> Result<Tri, String> {
        Tri::parse(s)
    }
    fn shown(v: &Tri) -> String {
        v.as_str().to_string()
    }
    #[cfg(test)]
    fn example() -> String {
        "yes".into()
    }
}

/// An incident's id.
pub struct IdKind;

impl Kind for IdKind {
    type T = Id;
    fn shown(v: &Id) -> String {
        v.as_str().to_string()
    }
}

/// A record's identity for other systems.
pub struct UuidKind;

impl Kind for UuidKind {
    type T = Uuid;
    fn shown(v: &Uuid) -> String {
        v.to_string()
    }
}

/// An instant, RFC 3339 with the store zone's offset.
pub struct Time;

impl Kind for Time {
    type T = Stamp;
    fn input(s: &str, cx: &InputCx<'_>) -> Result<Stamp, String> {
        crate::model::time::parse_when(s, cx.tz, cx.now)
    }
    fn shown(v: &Stamp) -> String {
        rfc3339(v)
    }
    #[cfg(test)]
    fn example() -> String {
        "24/11/2026 14:30".into()
    }
}

/// A calendar date.
pub struct Date;

impl Kind for Date {
    type T = NaiveDate;
    fn input(s: &str, _: &InputCx<'_>) -> Result<NaiveDate, String> {
        crate::model::time::parse_date(s)
    }
    fn shown(v: &NaiveDate) -> String {
        v.to_string()
    }
    #[cfg(test)]
    fn example() -> String {
        "24/11/2026".into()
    }
}

/// Pounds and pence, exact.
pub struct Pounds;

impl Kind for Pounds {
    type T = Money;
    fn input(s: &str, _: &InputCx<'_>) -> Result<Money, String> {
        Money::parse(s)
    }
    fn shown(v: &Money) -> String {
        v.to_string()
    }
    #[cfg(test)]
    fn example() -> String {
        "£1,250.50".into()
    }
}

/// True or false.
pub struct Flag;

impl Kind for Flag {
    type T = bool;
    /// Yes or no (unknown is not an answer here).
    fn input(s: &str, _: &InputCx<'_>) -> Result<bool, String> {
        match Tri::parse(s)? {
            Tri::Yes => Ok(true),
            Tri::No => Ok(false),
            Tri::Unknown => Err("say yes or no".into()),
        }
    }
    fn shown(v: &bool) -> String {
        v.to_string()
    }
    #[cfg(test)]
    fn example() -> String {
        "yes".into()
    }
}

/// A size in bytes.
pub struct Bytes;

impl Kind for Bytes {
    type T = u64;
    fn shown(v: &u64) -> String {
        v.to_string()
    }
}

/// A record inside a record.
pub struct Nested<T>(std::marker::PhantomData<T>);

impl<T: Record> Kind for Nested<T> {
    type T = T;
    const SEP: &'static str = "; ";
    const REPEATS: bool = true;
    fn declarations(out: &mut Vec<&'static str>) {
        T::declarations(out);
    }
    fn input(s: &str, cx: &InputCx<'_>) -> Result<T, String> {
        T::parse_text(s, cx)
    }
    fn shown(v: &T) -> String {
        v.text()
    }
    fn blank() -> Option<T> {
        Some(T::blank())
    }
    fn search(v: &T, needle: &str) -> bool {
        v.search(needle)
    }
    fn declared(prefix: &str, out: &mut Vec<Declared>) {
        T::declared(prefix, out);
    }
    fn nested_input(v: &mut T, path: &str, op: Op<'_>, cx: &InputCx<'_>) -> Option<Result<(), String>> {
        v.input(path, op, cx)
    }
    fn nested_shown(v: &T, path: &str) -> Option<Option<String>> {
        v.shown(path)
    }
    /// The record as one piece of text, made from its fields' examples.
    #[cfg(test)]
    fn example() -> String {
        let vocab = Vocab::standard();
        let cx = InputCx { vocab: &vocab, tz: chrono_tz::Europe::London, now: chrono::Utc::now() };
        let mut v = T::blank();
        let mut fields = Vec::new();
        T::declared("", &mut fields);
        for d in fields.iter().filter(|d| !d.nested && !d.list) {
            if let Some(x) = T::example(&d.path) {
                let _ = v.input(&d.path, Op::Set(&x), &cx);
            }
        }
        v.text()
    }
    #[cfg(test)]
    fn nested_example(path: &str) -> Option<String> {
        T::example(path)
    }
}

/// References in other systems: system to reference.
pub struct Refs;

impl Kind for Refs {
    type T = Vec<(String, String)>;
    /// `SYSTEM=REF`: the case's reference in that system, replacing the
    /// one there (a system already held keeps its spelling).
    fn input_into(v: &mut Self::T, s: &str, _: &InputCx<'_>) -> Result<(), String> {
        let (k, r) = crate::model::refs::parse_pair(s)?;
        let k = crate::model::refs::position(v, &k).map_or(k, |i| v[i].0.clone());
        crate::model::refs::set(v, k, r);
        Ok(())
    }
    fn shown(v: &Self::T) -> String {
        v.iter().map(|(k, r)| format!("{k}={r}")).collect::<Vec<_>>().join(", ")
    }
    /// The references, not the systems' names.
    fn search(v: &Self::T, needle: &str) -> bool {
        v.iter().any(|(_, r)| r.to_lowercase().contains(needle))
    }
    #[cfg(test)]
    fn example() -> String {
        "datix=DX-1001".into()
    }
}

/// `schema: 1`.
pub struct SchemaKind;

impl Kind for SchemaKind {
    type T = Schema1;
    fn shown(_: &Schema1) -> String {
        "1".into()
    }
}
