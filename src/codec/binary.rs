//! A compact binary form of a record, for the store's cache: reading it
//! back is a few allocations, no parsing. Pure: bytes in, bytes out. Any
//! malformed input decodes to `None`, never to a wrong record.

use crate::model::time::Stamp;
use chrono::{DateTime, FixedOffset};
use serde_yaml::{Mapping, Value};

/// Bumped only when how a kind of value is encoded changes (a new field,
/// record or word changes the declaration, which the cache fingerprints by
/// itself: `store::cache::layout`): an old cache is then rebuilt.
pub const VERSION: u8 = 4;

/// Appends values to bytes (also used for the cache's own framing).
pub(crate) struct Encoder(pub(crate) Vec<u8>);

impl Encoder {
    pub(crate) fn u64(&mut self, mut v: u64) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.0.push(b);
                return;
            }
            self.0.push(b | 0x80);
        }
    }
    pub(crate) fn i64(&mut self, v: i64) {
        self.u64(((v << 1) ^ (v >> 63)) as u64);
    }
    pub(crate) fn str(&mut self, s: &str) {
        self.u64(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }
    pub(crate) fn stamp(&mut self, t: &Stamp) {
        self.i64(t.timestamp());
        self.u64(u64::from(t.timestamp_subsec_nanos()));
        self.i64(i64::from(t.offset().local_minus_utc()));
    }
    /// Keys of one's own, as values (read back with no YAML parsing).
    pub(crate) fn extra(&mut self, m: &Mapping) {
        self.u64(m.len() as u64);
        for (k, v) in m {
            self.value(k);
            self.value(v);
        }
    }
    /// Any YAML value, exactly: a tag byte, then what it holds.
    pub(crate) fn value(&mut self, v: &Value) {
        match v {
            Value::Null => self.0.push(0),
            Value::Bool(b) => self.0.push(1 + u8::from(*b)),
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => {
                    self.0.push(3);
                    self.u64(u);
                }
                (None, Some(i)) => {
                    self.0.push(4);
                    self.i64(i);
                }
                (None, None) => {
                    self.0.push(5);
                    self.0.extend_from_slice(&n.as_f64().unwrap_or(f64::NAN).to_bits().to_le_bytes());
                }
            },
            Value::String(s) => {
                self.0.push(6);
                self.str(s);
            }
            Value::Sequence(items) => {
                self.0.push(7);
                self.u64(items.len() as u64);
                items.iter().for_each(|x| self.value(x));
            }
            Value::Mapping(m) => {
                self.0.push(8);
                self.extra(m);
            }
            Value::Tagged(t) => {
                self.0.push(9);
                self.str(&t.tag.to_string());
                self.value(&t.value);
            }
        }
    }
}

/// Reads values back; every read is checked.
pub(crate) struct Decoder<'a> {
    pub(crate) b: &'a [u8],
    pub(crate) at: usize,
}

impl<'a> Decoder<'a> {
    pub(crate) fn byte(&mut self) -> Option<u8> {
        let v = *self.b.get(self.at)?;
        self.at += 1;
        Some(v)
    }
    pub(crate) fn u64(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }
    pub(crate) fn i64(&mut self) -> Option<i64> {
        let v = self.u64()?;
        Some(((v >> 1) as i64) ^ -((v & 1) as i64))
    }
    pub(crate) fn str(&mut self) -> Option<&'a str> {
        let n = usize::try_from(self.u64()?).ok()?;
        let end = self.at.checked_add(n)?;
        let s = std::str::from_utf8(self.b.get(self.at..end)?).ok()?;
        self.at = end;
        Some(s)
    }
    pub(crate) fn string(&mut self) -> Option<String> {
        self.str().map(String::from)
    }
    pub(crate) fn stamp(&mut self) -> Option<Stamp> {
        let secs = self.i64()?;
        let nanos = u32::try_from(self.u64()?).ok()?;
        let off = FixedOffset::east_opt(i32::try_from(self.i64()?).ok()?)?;
        Some(DateTime::from_timestamp(secs, nanos)?.with_timezone(&off))
    }
    pub(crate) fn extra(&mut self) -> Option<Mapping> {
        self.mapping(0)
    }
    fn mapping(&mut self, depth: usize) -> Option<Mapping> {
        let mut m = Mapping::new();
        for _ in 0..self.count()? {
            let k = self.value_at(depth)?;
            let v = self.value_at(depth)?;
            m.insert(k, v);
        }
        Some(m)
    }
    /// A value written by [`Encoder::value`]; `None` for anything else, or
    /// nested deeper than a file lsms reads can hold.
    pub(crate) fn value(&mut self) -> Option<Value> {
        self.value_at(0)
    }
    fn value_at(&mut self, depth: usize) -> Option<Value> {
        if depth > 256 {
            return None;
        }
        Some(match self.byte()? {
            0 => Value::Null,
            1 => Value::Bool(false),
            2 => Value::Bool(true),
            3 => Value::Number(self.u64()?.into()),
            4 => Value::Number(self.i64()?.into()),
            5 => {
                let bytes: [u8; 8] = self.b.get(self.at..self.at.checked_add(8)?)?.try_into().ok()?;
                self.at += 8;
                Value::Number(f64::from_bits(u64::from_le_bytes(bytes)).into())
            }
            6 => Value::String(self.string()?),
            7 => {
                Value::Sequence((0..self.count()?).map(|_| self.value_at(depth + 1)).collect::<Option<_>>()?)
            }
            8 => Value::Mapping(self.mapping(depth + 1)?),
            9 => {
                let tag = self.string().filter(|t| t.len() > 1)?;
                let value = self.value_at(depth + 1)?;
                Value::Tagged(Box::new(serde_yaml::value::TaggedValue {
                    tag: serde_yaml::value::Tag::new(tag),
                    value,
                }))
            }
            _ => return None,
        })
    }
    pub(crate) fn count(&mut self) -> Option<usize> {
        let n = usize::try_from(self.u64()?).ok()?;
        (n <= self.b.len()).then_some(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::record::{decode_with, encode};
    use crate::model::incident::*;

    /// Keys of one's own come back from the cache as YAML read them, with
    /// no second parse: every kind of value, nested and tagged.
    #[test]
    fn any_yaml_value_comes_back_exactly() {
        let text = "a: [1, -2, 3.5, .nan, -.inf, 18446744073709551615, true, ~, 'x: y']\nb: { c: !thing { d: [] } }\n\"é\": ''\n";
        let v: Value = serde_yaml::from_str(text).unwrap();
        let mut w = Encoder(Vec::new());
        w.value(&v);
        let mut r = Decoder { b: &w.0, at: 0 };
        assert_eq!(r.value(), Some(v));
        assert_eq!(r.at, w.0.len());
        // Cut short or with an unknown tag byte: nothing, never a wrong value.
        for end in 0..w.0.len() {
            assert_eq!(Decoder { b: &w.0[..end], at: 0 }.value(), None, "cut at {end}");
        }
        assert_eq!(Decoder { b: &[42], at: 0 }.value(), None);
    }
    use serde_yaml::Value;

    fn sample() -> Vec<Incident> {
        let mut vocab = Vocab::standard();
        vocab.categories.push("lone-worker-alarm".into());
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/store/incidents");
        let mut out = Vec::new();
        for y in std::fs::read_dir(root).unwrap() {
            for m in std::fs::read_dir(y.unwrap().path()).unwrap() {
                for f in std::fs::read_dir(m.unwrap().path()).unwrap() {
                    let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
                    let v: Value = serde_yaml::from_str(&text).unwrap();
                    out.push(Incident::from_value(&v, &vocab).unwrap());
                }
            }
        }
        out
    }

    #[test]
    fn every_sample_record_round_trips() {
        let all = sample();
        assert!(all.len() > 20);
        for i in all {
            assert_eq!(decode_with(&encode(&i), true).as_ref(), Some(&i), "{}", i.id);
        }
    }

    #[test]
    fn without_history_the_rest_is_the_same() {
        for i in sample() {
            let brief = decode_with(&encode(&i), false).unwrap();
            assert!(brief.history.is_empty());
            assert_eq!(Incident { history: i.history.clone(), ..brief }, i);
        }
    }

    #[test]
    fn keys_of_ones_own_round_trip_too() {
        let mut i = sample().remove(0);
        i.extra.push(Extra {
            after: Some("harm"),
            key: Value::from("ward_code"),
            value: Value::from("W3"),
            raw: None,
        });
        i.extra.push(Extra {
            after: None,
            key: Value::from("links"),
            value: serde_yaml::from_str("{datix: X}").unwrap(),
            raw: Some("links:\n  datix: X  # kept\n".into()),
        });
        i.history[0].extra.insert(Value::from("ext"), Value::from(4021));
        assert_eq!(decode_with(&encode(&i), true), Some(i));
    }

    #[test]
    fn damaged_bytes_never_decode_to_a_record() {
        let i = sample().remove(0);
        let bytes = encode(&i);
        for cut in 0..bytes.len() {
            assert_eq!(decode_with(&bytes[..cut], true), None, "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode_with(&longer, true), None);
        let mut other = bytes;
        other[0] = VERSION + 1;
        assert_eq!(decode_with(&other, true), None);
    }
}
