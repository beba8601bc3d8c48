//! An incident's sealed values, found through the record declaration
//! (`Record::each_sealed`): masked for a reader without the key, opened
//! for one with it, and sealed again before a write. A value that did not
//! change keeps its sealed form byte for byte, so a rewrite changes only
//! the lines that changed, and two clones still merge line by line.

use super::*;
use crate::model::Incident;
use crate::model::schema::Record;
use std::collections::{HashMap, VecDeque};

/// A sealed value that did not open, or could not be written: its field
/// (declared path) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub field: String,
    pub why: Why,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// It does not open: changed, cut short, re-wrapped, or moved from
    /// another field or incident.
    Broken,
    /// Neither the incident's data key nor the value is wrapped to this identity.
    NotForYou,
    /// A change without an identity would move a sealed value to another
    /// field (where it would not open): it needs the key to seal it again.
    Moved,
    /// The recipients could not be wrapped to.
    Wrap(String),
}

/// What the sealed values of an incident were, as read: so that a value
/// written back unchanged keeps its sealed form.
#[derive(Debug, Default)]
pub struct Carry {
    /// The values were opened: the map is (path, text) → sealed forms,
    /// in file order; else it is (path, sealed form) → nothing.
    opened: bool,
    map: HashMap<(String, String), VecDeque<String>>,
    /// The incident's data key, where it was unwrapped.
    key: Option<DataKey>,
}

impl Carry {
    /// A carry that keeps nothing: every value is sealed anew (`rekey`).
    pub fn fresh() -> Carry {
        Carry { opened: true, ..Carry::default() }
    }
}

fn path(prefix: &str, key: &str) -> String {
    format!("{prefix}{key}")
}

/// The incident's data key, where one of its wrapped lines opens with `me`.
pub fn data_key(inc: &Incident, me: &Identity) -> Option<DataKey> {
    inc.sealed.iter().filter(|(n, _)| !n.ends_with(PREVIOUS)).find_map(|(_, w)| unwrap(w, me))
}

/// The name suffix of the data key a `rekey` replaced, kept wrapped to the
/// recipients of the new one: a value sealed under it on a clone that had
/// not yet seen the rekey (a note added meanwhile) still opens once merged.
pub const PREVIOUS: &str = "~previous";

/// The data key the last `rekey` replaced, where `me` can unwrap it.
fn previous_key(inc: &Incident, me: &Identity) -> Option<DataKey> {
    inc.sealed.iter().filter(|(n, _)| n.ends_with(PREVIOUS)).find_map(|(_, w)| unwrap(w, me))
}

/// Every sealed value shown as `(sealed)`; how many there were. (For
/// reading only: a masked record is never written.)
pub fn mask(inc: &mut Incident) -> usize {
    let mut n = 0;
    inc.each_sealed("", &mut |_, _, v| {
        if is_sealed(v) {
            *v = SHOWN.to_string();
            n += 1;
        }
    });
    n
}

/// Opens every sealed value in place with `me`; the first that does not
/// open is refused (never shown as empty).
pub fn open_all(inc: &mut Incident, me: &Identity) -> Result<Carry, Refused> {
    let id = inc.id.to_string();
    let key = data_key(inc, me);
    let mut carry = Carry { opened: true, map: HashMap::new(), key: key.clone() };
    let mut failed = None;
    // The key a rekey replaced, unwrapped only where a value needs it.
    let inc_has_previous = inc.sealed.iter().any(|(n, _)| n.ends_with(PREVIOUS));
    let before = if inc_has_previous { inc.clone() } else { Incident::default() };
    let mut previous: Option<Option<DataKey>> = None;
    inc.each_sealed("", &mut |prefix, k, v| {
        if failed.is_some() || !is_sealed(v) {
            return;
        }
        let p = path(prefix, k);
        let opened = match open(key.as_ref(), me, &id, &p, v) {
            Err(_) if v.starts_with(V1) && inc_has_previous => {
                let previous = previous.get_or_insert_with(|| previous_key(&before, me));
                open(previous.as_ref(), me, &id, &p, v)
            }
            done => done,
        };
        match opened {
            Ok(text) => {
                let blob = std::mem::replace(v, text);
                carry.map.entry((p, v.clone())).or_default().push_back(blob);
            }
            Err(e) => {
                let why = match e {
                    // A data key wrapped to no one this identity is, or a
                    // value alone to others: not for this identity.
                    NotOpened::NotForYou => Why::NotForYou,
                    NotOpened::Broken if key.is_none() && v.starts_with(V1) => Why::NotForYou,
                    NotOpened::Broken => Why::Broken,
                };
                failed = Some(Refused { field: p, why });
            }
        }
    });
    match failed {
        Some(r) => Err(r),
        None => Ok(carry),
    }
}

/// The sealed values as they stand, unopened (a writer without an identity).
pub fn carry_unopened(inc: &mut Incident) -> Carry {
    let mut carry = Carry::default();
    inc.each_sealed("", &mut |prefix, k, v| {
        if is_sealed(v) {
            carry.map.entry((path(prefix, k), v.clone())).or_default();
        }
    });
    carry
}

/// Seals every value that is not sealed yet before the incident is
/// written: a value as it was read keeps its sealed form; a new one is
/// sealed under the incident's data key where it is known (an incident
/// with no data key gets one, wrapped to every recipient), else on its
/// own to the recipients.
pub fn seal_all(inc: &mut Incident, to: &[(String, Recipient)], mut carry: Carry) -> Result<(), Refused> {
    let id = inc.id.to_string();
    let wrap_err = |e: String| Refused { field: "sealed".into(), why: Why::Wrap(e) };
    if inc.sealed.is_empty() {
        let key = DataKey::new();
        let mut block = Vec::with_capacity(to.len());
        for (name, r) in to {
            block.push((name.clone(), wrap(&key, r).map_err(wrap_err)?));
        }
        inc.sealed = block;
        carry.key = Some(key);
    }
    let all: Vec<&Recipient> = to.iter().map(|(_, r)| r).collect();
    let mut failed = None;
    inc.each_sealed("", &mut |prefix, k, v| {
        if failed.is_some() {
            return;
        }
        let p = path(prefix, k);
        let kept = if carry.opened {
            carry.map.get_mut(&(p.clone(), v.clone())).and_then(VecDeque::pop_front)
        } else if carry.map.contains_key(&(p.clone(), v.clone())) {
            return;
        } else if is_sealed(v) {
            failed = Some(Refused { field: p, why: Why::Moved });
            return;
        } else {
            None
        };
        *v = match (kept, &carry.key) {
            (Some(blob), _) => blob,
            (None, Some(key)) => seal(key, &id, &p, v),
            (None, None) => match seal_alone(&all, &id, &p, v) {
                Ok(s) => s,
                Err(e) => {
                    failed = Some(wrap_err(e));
                    return;
                }
            },
        };
    });
    match failed {
        Some(r) => Err(r),
        None => Ok(()),
    }
}

/// Opens one sealed value of an incident given its `sealed:` block (the
/// merge driver's view, each side with its own block), under the current
/// data key or the one a rekey replaced. `None`: it does not open for `me`.
pub fn open_one(
    block: &[(String, String)],
    me: &Identity,
    id: &str,
    path: &str,
    sealed: &str,
) -> Option<String> {
    let key = |previous: bool| {
        block.iter().filter(|(n, _)| n.ends_with(PREVIOUS) == previous).find_map(|(_, w)| unwrap(w, me))
    };
    open(key(false).as_ref(), me, id, path, sealed)
        .ok()
        .or_else(|| open(key(true).as_ref(), me, id, path, sealed).ok())
}

/// Opens every value and drops the data key (`lsms unseal`).
pub fn unseal(inc: &mut Incident, me: &Identity) -> Result<(), Refused> {
    open_all(inc, me)?;
    inc.sealed.clear();
    Ok(())
}

/// A new data key wrapped to `to`, every value sealed anew under it
/// (`lsms rekey`): what was wrapped to a removed recipient no longer
/// opens what is written from now on.
pub fn rekey(inc: &mut Incident, me: &Identity, to: &[(String, Recipient)]) -> Result<(), Refused> {
    let old = open_all(inc, me)?.key;
    inc.sealed.clear();
    seal_all(inc, to, Carry::fresh())?;
    if let Some(old) = old {
        for (name, r) in to {
            let w = wrap(&old, r).map_err(|e| Refused { field: "sealed".into(), why: Why::Wrap(e) })?;
            inc.sealed.push((format!("{name}{PREVIOUS}"), w));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::incident::{Entry, Hold, Person, Void};
    use crate::model::{Id, Party, Role};

    fn keys() -> (Identity, Vec<(String, Recipient)>) {
        let (text, public) = new_identity("test");
        (Identity::parse(&text).unwrap(), vec![("me".into(), Recipient::parse(&public).unwrap())])
    }

    fn incident() -> Incident {
        let mut inc = Incident {
            id: Id::parse("20261124-7QF3").unwrap(),
            summary: "Jo Bloggs struck a nurse".into(),
            description: Some("In the waiting room".into()),
            category: "physical-assault".into(),
            ..Default::default()
        };
        inc.people.push(Person {
            role: Role::Victim,
            party: Party::Staff,
            name: Some("A. Nurse".into()),
            ..Default::default()
        });
        inc.history.push(Entry {
            by: "jfowlis".into(),
            action: "note".into(),
            detail: Some("Rang Jo".into()),
            ..Default::default()
        });
        inc.history.push(Entry {
            by: "jfowlis".into(),
            action: "updated".into(),
            field: Some("status".into()),
            from: Some("reported".into()),
            to: Some("investigating".into()),
            ..Default::default()
        });
        // Who placed a hold or voided the record is a team member, named
        // plain as every history entry's actor is; why is sealed.
        inc.hold = Some(Hold {
            by: "rpatel".into(),
            reason: "Claim by Jo's solicitor".into(),
            ..Default::default()
        });
        inc.void =
            Some(Void { by: "asmith".into(), reason: "Entered twice for Jo".into(), ..Default::default() });
        inc
    }

    #[test]
    fn personal_values_are_sealed_and_the_rest_stays_plain() {
        let (me, to) = keys();
        let plain = incident();
        let mut inc = plain.clone();
        let carry = carry_unopened(&mut inc);
        seal_all(&mut inc, &to, carry).unwrap();
        let text = inc.to_yaml();
        for s in ["Jo Bloggs", "waiting room", "A. Nurse", "Rang Jo", "solicitor", "Entered twice"] {
            assert!(!text.contains(s), "{s} in\n{text}");
        }
        for s in ["physical-assault", "jfowlis", "investigating", "by: rpatel", "by: asmith"] {
            assert!(text.contains(s), "{s} not in\n{text}");
        }
        let mut opened = inc.clone();
        let carry = open_all(&mut opened, &me).unwrap();
        assert_eq!(Incident { sealed: Vec::new(), ..opened.clone() }, plain);
        // Written back unchanged, every sealed form is kept.
        seal_all(&mut opened, &to, carry).unwrap();
        assert_eq!(opened.to_yaml(), text);
    }

    #[test]
    fn a_value_moved_to_another_field_is_refused() {
        let (me, to) = keys();
        let mut inc = incident();
        let carry = carry_unopened(&mut inc);
        seal_all(&mut inc, &to, carry).unwrap();
        let mut moved = inc.clone();
        moved.location = Some(moved.summary.clone());
        let e = open_all(&mut moved, &me).unwrap_err();
        assert_eq!((e.field.as_str(), e.why), ("location", Why::Broken));
        // Without the key, a change that would move one is refused too.
        let mut raw = inc.clone();
        let carry = carry_unopened(&mut raw);
        raw.history[0].to = raw.description.clone();
        assert_eq!(seal_all(&mut raw, &to, carry).unwrap_err().why, Why::Moved);
    }
}
