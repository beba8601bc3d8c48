//! A compact binary form of a record, for the store's cache: reading it
//! back is a few allocations, no parsing. Pure: bytes in, bytes out. Any
//! malformed input decodes to `None`, never to a wrong record.

use crate::model::enums::*;
use crate::model::id::Id;
use crate::model::incident::*;
use crate::model::money::Money;
use crate::model::time::Stamp;
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde_yaml::Mapping;
use uuid::Uuid;

/// Bumped whenever the encoding changes: an old cache is then rebuilt.
pub const VERSION: u8 = 3;

/// Appends values to bytes (also used for the cache's own framing).
pub(crate) struct W(pub(crate) Vec<u8>);

impl W {
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
    pub(crate) fn opt_str(&mut self, s: &Option<String>) {
        match s {
            None => self.0.push(0),
            Some(s) => {
                self.0.push(1);
                self.str(s);
            }
        }
    }
    pub(crate) fn stamp(&mut self, t: &Stamp) {
        self.i64(t.timestamp());
        self.u64(u64::from(t.timestamp_subsec_nanos()));
        self.i64(i64::from(t.offset().local_minus_utc()));
    }
    pub(crate) fn opt_stamp(&mut self, t: &Option<Stamp>) {
        self.0.push(u8::from(t.is_some()));
        if let Some(t) = t {
            self.stamp(t);
        }
    }
    pub(crate) fn date(&mut self, d: &Option<NaiveDate>) {
        self.0.push(u8::from(d.is_some()));
        if let Some(d) = d {
            self.i64(i64::from(chrono::Datelike::num_days_from_ce(d)));
        }
    }
    /// An enum as its index (0 = absent for optional ones).
    fn tag<T: PartialEq>(&mut self, all: &[T], v: Option<&T>) {
        self.0.push(v.and_then(|v| all.iter().position(|x| x == v)).map_or(0, |i| i as u8 + 1));
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
pub(crate) struct R<'a> {
    pub(crate) b: &'a [u8],
    pub(crate) at: usize,
}

impl<'a> R<'a> {
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
    pub(crate) fn opt_str(&mut self) -> Option<Option<String>> {
        match self.byte()? {
            0 => Some(None),
            1 => Some(Some(self.string()?)),
            _ => None,
        }
    }
    pub(crate) fn stamp(&mut self) -> Option<Stamp> {
        let secs = self.i64()?;
        let nanos = u32::try_from(self.u64()?).ok()?;
        let off = FixedOffset::east_opt(i32::try_from(self.i64()?).ok()?)?;
        Some(DateTime::from_timestamp(secs, nanos)?.with_timezone(&off))
    }
    pub(crate) fn opt_stamp(&mut self) -> Option<Option<Stamp>> {
        match self.byte()? {
            0 => Some(None),
            1 => Some(Some(self.stamp()?)),
            _ => None,
        }
    }
    pub(crate) fn date(&mut self) -> Option<Option<NaiveDate>> {
        match self.byte()? {
            0 => Some(None),
            1 => Some(Some(NaiveDate::from_num_days_from_ce_opt(i32::try_from(self.i64()?).ok()?)?)),
            _ => None,
        }
    }
    fn tag<T: Copy>(&mut self, all: &[T]) -> Option<Option<T>> {
        match self.byte()? {
            0 => Some(None),
            i => Some(Some(*all.get(usize::from(i) - 1)?)),
        }
    }
    fn req<T: Copy>(&mut self, all: &[T]) -> Option<T> {
        self.tag(all)?
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

/// The record's bytes.
pub fn encode(i: &Incident) -> Vec<u8> {
    let mut w = W(Vec::with_capacity(512));
    w.0.push(VERSION);
    w.str(i.id.as_str());
    w.0.extend_from_slice(i.uuid.as_bytes());
    w.tag(Status::ALL, Some(&i.status));
    w.str(&i.category);
    w.str(&i.summary);
    w.stamp(&i.occurred_at);
    w.stamp(&i.reported_at);
    w.stamp(&i.recorded_at);
    w.str(&i.recorded_by);
    w.0.push(u8::from(i.reporter.is_some()));
    if let Some(r) = &i.reporter {
        w.opt_str(&r.name);
        w.tag(Party::ALL, Some(&r.party));
        w.extra(&r.extra);
    }
    w.opt_str(&i.site);
    w.opt_str(&i.location);
    w.opt_str(&i.description);
    w.u64(i.assets.len() as u64);
    i.assets.iter().for_each(|a| w.tag(Asset::ALL, Some(a)));
    w.u64(i.people.len() as u64);
    for p in &i.people {
        w.tag(Role::ALL, Some(&p.role));
        w.tag(Party::ALL, Some(&p.party));
        w.opt_str(&p.name);
        w.extra(&p.extra);
    }
    w.tag(Harm::ALL, i.harm.as_ref());
    w.tag(Tri::ALL, i.medical_factors.as_ref());
    w.u64(i.flags.len() as u64);
    i.flags.iter().for_each(|f| w.str(f));
    w.opt_str(&i.weapon);
    w.0.push(u8::from(i.police.is_some()));
    if let Some(p) = &i.police {
        w.0.push(u8::from(p.informed));
        w.opt_str(&p.crime_ref);
        w.extra(&p.extra);
    }
    w.0.push(u8::from(i.riddor.is_some()));
    if let Some(r) = &i.riddor {
        w.tag(RiddorStatus::ALL, Some(&r.status));
        w.opt_str(&r.basis);
        w.opt_str(&r.hse_ref);
        w.date(&r.reported_on);
        w.extra(&r.extra);
    }
    w.0.push(u8::from(i.losses.is_some()));
    if let Some(l) = &i.losses {
        w.u64(l.estimated.0);
        w.u64(l.recovered.0);
        w.extra(&l.extra);
    }
    w.u64(i.refs.len() as u64);
    for (system, r) in &i.refs {
        w.str(system);
        w.str(r);
    }
    w.opt_str(&i.assignee);
    w.u64(i.links.len() as u64);
    for l in &i.links {
        w.str(l.id.as_str());
        w.tag(LinkKind::ALL, Some(&l.kind));
        w.opt_str(&l.note);
        w.extra(&l.extra);
    }
    w.u64(i.notified.len() as u64);
    for n in &i.notified {
        w.tag(Authority::ALL, Some(&n.to));
        w.date(&Some(n.date));
        w.opt_str(&n.reference);
        w.opt_str(&n.note);
        w.extra(&n.extra);
    }
    w.u64(i.evidence.len() as u64);
    for e in &i.evidence {
        w.str(&e.sha256);
        w.str(&e.name);
        w.u64(e.size);
        w.stamp(&e.added_at);
        w.str(&e.added_by);
        w.opt_str(&e.source);
        w.opt_str(&e.note);
        w.extra(&e.extra);
    }
    w.u64(i.sanctions.len() as u64);
    for s in &i.sanctions {
        w.tag(SanctionClass::ALL, Some(&s.class));
        w.str(&s.kind);
        w.date(&s.date);
        w.date(&s.review_on);
        w.opt_str(&s.note);
        w.extra(&s.extra);
    }
    w.tag(Outcome::ALL, i.outcome.as_ref());
    w.opt_stamp(&i.closed_at);
    w.opt_str(&i.closure_note);
    w.u64(i.history.len() as u64);
    for e in &i.history {
        w.stamp(&e.at);
        w.str(&e.by);
        w.str(&e.action);
        w.opt_str(&e.field);
        w.opt_str(&e.from);
        w.opt_str(&e.to);
        w.opt_str(&e.detail);
        w.extra(&e.extra);
    }
    w.u64(i.extra.len() as u64);
    for x in &i.extra {
        w.0.push(x.after.and_then(|a| KEYS.iter().position(|k| *k == a)).map_or(0, |p| p as u8 + 1));
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
    w.0
}

/// The record again, or `None` if the bytes are not a whole record. Without
/// `history` the entries are checked and skipped, not built, and the record
/// comes back with an empty history (for readers that never look at it:
/// most of a record's size is its history).
pub fn decode_with(b: &[u8], history: bool) -> Option<Incident> {
    let mut r = R { b, at: 0 };
    if r.byte()? != VERSION {
        return None;
    }
    let id = Id::parse(r.str()?).ok()?;
    let uuid = Uuid::from_slice(r.b.get(r.at..r.at + 16)?).ok()?;
    r.at += 16;
    let status = r.req(Status::ALL)?;
    let category = r.string()?;
    let summary = r.string()?;
    let occurred_at = r.stamp()?;
    let reported_at = r.stamp()?;
    let recorded_at = r.stamp()?;
    let recorded_by = r.string()?;
    let reporter = match r.byte()? {
        0 => None,
        _ => Some(Reporter { name: r.opt_str()?, party: r.req(Party::ALL)?, extra: r.extra()? }),
    };
    let site = r.opt_str()?;
    let location = r.opt_str()?;
    let description = r.opt_str()?;
    let assets = (0..r.count()?).map(|_| r.req(Asset::ALL)).collect::<Option<Vec<_>>>()?;
    let people = (0..r.count()?)
        .map(|_| {
            Some(Person {
                role: r.req(Role::ALL)?,
                party: r.req(Party::ALL)?,
                name: r.opt_str()?,
                extra: r.extra()?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let harm = r.tag(Harm::ALL)?;
    let medical_factors = r.tag(Tri::ALL)?;
    let flags = (0..r.count()?).map(|_| r.string()).collect::<Option<Vec<_>>>()?;
    let weapon = r.opt_str()?;
    let police = match r.byte()? {
        0 => None,
        _ => Some(Police { informed: r.byte()? == 1, crime_ref: r.opt_str()?, extra: r.extra()? }),
    };
    let riddor = match r.byte()? {
        0 => None,
        _ => Some(Riddor {
            status: r.req(RiddorStatus::ALL)?,
            basis: r.opt_str()?,
            hse_ref: r.opt_str()?,
            reported_on: r.date()?,
            extra: r.extra()?,
        }),
    };
    let losses = match r.byte()? {
        0 => None,
        _ => Some(Losses { estimated: Money(r.u64()?), recovered: Money(r.u64()?), extra: r.extra()? }),
    };
    let refs = (0..r.count()?).map(|_| Some((r.string()?, r.string()?))).collect::<Option<Vec<_>>>()?;
    let assignee = r.opt_str()?;
    let links = (0..r.count()?)
        .map(|_| {
            Some(Link {
                id: Id::parse(r.str()?).ok()?,
                kind: r.req(LinkKind::ALL)?,
                note: r.opt_str()?,
                extra: r.extra()?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let notified = (0..r.count()?)
        .map(|_| {
            Some(Notice {
                to: r.req(Authority::ALL)?,
                date: r.date()??,
                reference: r.opt_str()?,
                note: r.opt_str()?,
                extra: r.extra()?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let evidence = (0..r.count()?)
        .map(|_| {
            Some(Evidence {
                sha256: r.string()?,
                name: r.string()?,
                size: r.u64()?,
                added_at: r.stamp()?,
                added_by: r.string()?,
                source: r.opt_str()?,
                note: r.opt_str()?,
                extra: r.extra()?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let sanctions = (0..r.count()?)
        .map(|_| {
            Some(Sanction {
                class: r.req(SanctionClass::ALL)?,
                kind: r.string()?,
                date: r.date()?,
                review_on: r.date()?,
                note: r.opt_str()?,
                extra: r.extra()?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let outcome = r.tag(Outcome::ALL)?;
    let closed_at = r.opt_stamp()?;
    let closure_note = r.opt_str()?;
    let n = r.count()?;
    let history = if !history {
        for _ in 0..n {
            r.stamp()?;
            r.str()?;
            r.str()?;
            for _ in 0..4 {
                if r.byte()? == 1 {
                    r.str()?;
                }
            }
            r.str()?;
        }
        Vec::new()
    } else {
        (0..n)
            .map(|_| {
                Some(Entry {
                    at: r.stamp()?,
                    by: r.string()?,
                    action: r.string()?,
                    field: r.opt_str()?,
                    from: r.opt_str()?,
                    to: r.opt_str()?,
                    detail: r.opt_str()?,
                    extra: r.extra()?,
                })
            })
            .collect::<Option<Vec<_>>>()?
    };
    let extra = (0..r.count()?)
        .map(|_| {
            let anchor = match r.byte()? {
                0 => None,
                i => Some(*KEYS.get(usize::from(i) - 1)?),
            };
            let is_raw = match r.byte()? {
                0 => false,
                1 => true,
                _ => return None,
            };
            let text = r.str()?;
            let one: Mapping = serde_yaml::from_str(text).ok()?;
            let (key, value) = one.into_iter().next()?;
            Some(Extra { after: anchor, key, value, raw: is_raw.then(|| text.to_string()) })
        })
        .collect::<Option<Vec<Extra>>>()?;
    if r.at != b.len() {
        return None;
    }
    Some(Incident {
        id,
        uuid,
        status,
        category,
        summary,
        occurred_at,
        reported_at,
        recorded_at,
        recorded_by,
        reporter,
        site,
        location,
        description,
        assets,
        people,
        harm,
        medical_factors,
        flags,
        weapon,
        police,
        riddor,
        losses,
        refs,
        assignee,
        links,
        notified,
        evidence,
        sanctions,
        outcome,
        closed_at,
        closure_note,
        history,
        extra,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_yaml::Value;

    fn sample() -> Vec<Incident> {
        let vocab = Vocab {
            categories: STANDARD_CATEGORIES
                .iter()
                .map(|s| s.to_string())
                .chain(["lone-worker-alarm".to_string()])
                .collect(),
            sites: None,
            flags: STANDARD_FLAGS.iter().map(|s| s.to_string()).collect(),
        };
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
            key: Value::from("external"),
            value: serde_yaml::from_str("{datix: X}").unwrap(),
            raw: Some("external:\n  datix: X  # kept\n".into()),
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
