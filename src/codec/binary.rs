//! A compact binary form of a record, for the store's cache: reading it
//! back is a few allocations, no parsing. Pure: bytes in, bytes out. Any
//! malformed input decodes to `None`, never to a wrong record.

use crate::model::time::Stamp;
use chrono::{DateTime, FixedOffset};
use serde_yaml::Mapping;

/// Bumped only when how a kind of value is encoded changes (a new field,
/// record or word changes the declaration, which the cache fingerprints by
/// itself: `store::cache::layout`): an old cache is then rebuilt.
pub const VERSION: u8 = 3;

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
    pub(crate) fn extra(&mut self, m: &Mapping) {
        if m.is_empty() {
            self.str("");
        } else {
            self.str(&serde_yaml::to_string(m).unwrap_or_default());
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
        let s = self.str()?;
        if s.is_empty() { Some(Mapping::new()) } else { serde_yaml::from_str(s).ok() }
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
