//! Linked cases: a link is held on both incidents, each pointing at the
//! other. Pure: the caller reads and writes both records under one lock.
//!
//! The kinds read the same from either side (`related`, `same-offender`,
//! `repeat-victim`), except `duplicate-of`: "A is a duplicate of B" is held
//! on A as `duplicate-of B` and on B, the original, as `related A`; `show`
//! on B says that A is a duplicate of it.

use super::enums::LinkKind;
use super::id::Id;
use super::incident::{Incident, Link};
use super::workflow::{Act, Refusal, refuse};

/// How a link of `kind` from A to B is held on B.
pub fn inverse(kind: LinkKind) -> LinkKind {
    match kind {
        LinkKind::DuplicateOf => LinkKind::Related,
        k => k,
    }
}

fn has(inc: &Incident, other: &Id, kind: LinkKind) -> bool {
    inc.links.iter().any(|l| l.id == *other && l.kind == kind)
}

/// Links `a` to `b` as `kind` (and `b` back to `a` as its inverse), each
/// with a `linked` history entry. Refused, changing neither: a link to
/// itself, a link already held the same way, a note that is not text.
pub fn link(
    act: &Act<'_>,
    a: &mut Incident,
    b: &mut Incident,
    kind: LinkKind,
    note: Option<&str>,
) -> Result<(), Refusal> {
    if a.id == b.id {
        return Err(refuse(
            format!("{} cannot be linked to itself", a.id),
            "give the id of the other incident: `lsms link ID OTHER --kind KIND`",
        ));
    }
    if has(a, &b.id, kind) {
        return Err(refuse(
            format!("{} is already linked to {} as {kind}", a.id, b.id),
            format!("`lsms show {}` lists its links; `lsms unlink {} {}` removes one", a.id, a.id, b.id),
        ));
    }
    let note = note.map(str::trim_end).filter(|n| !n.trim().is_empty()).map(str::to_string);
    let with_note = |d: String| match &note {
        Some(n) => format!("{d}: {n}"),
        None => d,
    };
    a.links.push(Link { id: b.id.clone(), kind, note: note.clone(), extra: Default::default() });
    a.history.push(act.entry_with("linked", with_note(format!("{kind} {}", b.id))));
    let back = inverse(kind);
    if !has(b, &a.id, back) {
        b.links.push(Link { id: a.id.clone(), kind: back, note: note.clone(), extra: Default::default() });
        let detail = match kind {
            LinkKind::DuplicateOf => format!("{back} {} (a duplicate of this incident)", a.id),
            _ => format!("{back} {}", a.id),
        };
        b.history.push(act.entry_with("linked", with_note(detail)));
    }
    Ok(())
}

/// Removes the links between `a` and `b` (only those of `kind`, when
/// given) from both, each with an `unlinked` history entry. `b` is `None`
/// when the other incident is not in the store (a dangling link): only
/// `a` changes. Refused when there is no such link on `a`.
pub fn unlink(
    act: &Act<'_>,
    a: &mut Incident,
    b: Option<&mut Incident>,
    other: &Id,
    kind: Option<LinkKind>,
) -> Result<Vec<LinkKind>, Refusal> {
    let matches = |l: &Link, id: &Id| l.id == *id && kind.is_none_or(|k| l.kind == k);
    let removed: Vec<LinkKind> = a.links.iter().filter(|l| matches(l, other)).map(|l| l.kind).collect();
    if removed.is_empty() {
        let what = kind.map_or(String::new(), |k| format!(" as {k}"));
        return Err(refuse(
            format!("{} is not linked to {other}{what}", a.id),
            format!("`lsms show {}` lists its links", a.id),
        ));
    }
    a.links.retain(|l| !matches(l, other));
    for k in &removed {
        a.history.push(act.entry_with("unlinked", format!("{k} {other}")));
    }
    if let Some(b) = b {
        // What `a`'s removed links were held as on `b`, unless a link that
        // `a` keeps is held the same way there.
        let mut gone: Vec<LinkKind> = removed.iter().map(|k| inverse(*k)).collect();
        if kind.is_none() {
            // Every link between the two goes, whichever side made it.
            gone.extend(b.links.iter().filter(|l| l.id == a.id).map(|l| l.kind));
        }
        gone.retain(|k| !a.links.iter().any(|l| l.id == b.id && inverse(l.kind) == *k));
        gone.sort();
        gone.dedup();
        let from_b: Vec<LinkKind> =
            b.links.iter().filter(|l| l.id == a.id && gone.contains(&l.kind)).map(|l| l.kind).collect();
        b.links.retain(|l| !(l.id == a.id && gone.contains(&l.kind)));
        for k in from_b {
            b.history.push(act.entry_with("unlinked", format!("{k} {}", a.id)));
        }
    }
    Ok(removed)
}

/// What `a` becoming a duplicate of `b` would close into a loop: the
/// chain of `duplicate-of` links from `b` back to `a` (`dups` gives the
/// incidents an incident is a duplicate of), `b` first and `a` last.
/// `None` when there is none: every duplicate still leads to an original.
pub fn duplicate_loop(a: &Id, b: &Id, mut dups: impl FnMut(&Id) -> Vec<Id>) -> Option<Vec<Id>> {
    let mut seen = std::collections::HashSet::new();
    let mut paths = vec![vec![b.clone()]];
    while let Some(path) = paths.pop() {
        let last = &path[path.len() - 1];
        if last == a {
            return Some(path);
        }
        if !seen.insert(last.clone()) {
            continue;
        }
        for next in dups(last) {
            let mut longer = path.clone();
            longer.push(next);
            paths.push(longer);
        }
    }
    None
}

/// Every loop of `duplicate-of` links (a hand edit can make one), each
/// once, starting at its smallest id: `[A, B]` says A is a duplicate of
/// B and B of A.
pub fn duplicate_loops(dups: &std::collections::BTreeMap<Id, Vec<Id>>) -> Vec<Vec<Id>> {
    let mut found = std::collections::BTreeSet::new();
    for (a, targets) in dups {
        for b in targets {
            if let Some(mut chain) = duplicate_loop(a, b, |i| dups.get(i).cloned().unwrap_or_default()) {
                // `b … a`, and a is a duplicate of b: the loop a → b → … → a.
                chain.pop();
                chain.insert(0, a.clone());
                let at = chain.iter().enumerate().min_by_key(|(_, i)| *i).map_or(0, |(n, _)| n);
                chain.rotate_left(at);
                found.insert(chain);
            }
        }
    }
    found.into_iter().collect()
}

/// A loop of duplicates as words: `A is a duplicate of B, and B of A`.
pub fn loop_shown(chain: &[Id]) -> String {
    let mut parts = Vec::new();
    for (n, id) in chain.iter().enumerate() {
        let next = &chain[(n + 1) % chain.len()];
        parts.push(if n == 0 { format!("{id} is a duplicate of {next}") } else { format!("{id} of {next}") });
    }
    match parts.len() {
        0 | 1 => parts.concat(),
        n => format!("{}, and {}", parts[..n - 1].join(", "), parts[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::draft::Draft;

    fn inc(random: [u8; 4]) -> Incident {
        Draft::built(&[("category", "theft"), ("summary", "x")], random)
    }

    fn act() -> Act<'static> {
        Act::now("b", chrono::DateTime::parse_from_rfc3339("2026-11-26T10:00:00+00:00").unwrap())
    }

    fn kinds(i: &Incident) -> Vec<(String, LinkKind)> {
        i.links.iter().map(|l| (l.id.to_string(), l.kind)).collect()
    }

    #[test]
    fn a_duplicate_and_a_related_link_share_the_original_side_until_both_are_gone() {
        let (mut a, mut b) = (inc([1; 4]), inc([2; 4]));
        link(&act(), &mut a, &mut b, LinkKind::Related, None).unwrap();
        link(&act(), &mut a, &mut b, LinkKind::DuplicateOf, None).unwrap();
        assert_eq!(kinds(&b), [(a.id.to_string(), LinkKind::Related)], "held once on the original");
        assert_eq!(b.history.len(), 2, "one `linked` entry on b: the second link added nothing there");
        assert_eq!(a.duplicate_of(), Some(&b.id));
        let bid = b.id.clone();
        // Removing one of a's two links leaves b's, which the other still needs.
        unlink(&act(), &mut a, Some(&mut b), &bid, Some(LinkKind::Related)).unwrap();
        assert_eq!(kinds(&b), [(a.id.to_string(), LinkKind::Related)]);
        unlink(&act(), &mut a, Some(&mut b), &bid, None).unwrap();
        assert!(a.links.is_empty() && b.links.is_empty());
        assert_eq!(b.history.last().map(|e| e.action.as_str()), Some("unlinked"));
        let refused = unlink(&act(), &mut a, Some(&mut b), &bid, None).unwrap_err();
        assert!(refused.message.contains("is not linked to"), "{refused:?}");
    }

    #[test]
    fn a_loop_of_duplicates_is_found_both_ways_and_longer_each_once() {
        let id = |n: u8| inc([n; 4]).id;
        let (a, b, c, d) = (id(1), id(2), id(3), id(4));
        let mut dups = std::collections::BTreeMap::new();
        dups.insert(b.clone(), vec![c.clone()]);
        dups.insert(c.clone(), vec![d.clone()]);
        let look = |m: &std::collections::BTreeMap<Id, Vec<Id>>| {
            let m = m.clone();
            move |i: &Id| m.get(i).cloned().unwrap_or_default()
        };
        assert_eq!(duplicate_loop(&a, &b, look(&dups)), None, "a chain to an original is no loop");
        assert_eq!(duplicate_loop(&d, &b, look(&dups)), Some(vec![b.clone(), c.clone(), d.clone()]));
        assert_eq!(duplicate_loop(&b, &c, look(&dups)), None, "c leads on to d, not back to b");
        dups.insert(d.clone(), vec![b.clone()]);
        dups.insert(a.clone(), vec![b.clone()]);
        let loops = duplicate_loops(&dups);
        assert_eq!(
            loops,
            [vec![b.clone(), c.clone(), d.clone()]],
            "one loop, once, a leading into it is no loop"
        );
        assert_eq!(loop_shown(&loops[0]), format!("{b} is a duplicate of {c}, {c} of {d}, and {d} of {b}"));
        let two =
            std::collections::BTreeMap::from([(a.clone(), vec![b.clone()]), (b.clone(), vec![a.clone()])]);
        let loops = duplicate_loops(&two);
        assert_eq!(loop_shown(&loops[0]), format!("{a} is a duplicate of {b}, and {b} of {a}"));
    }

    #[test]
    fn a_refused_link_changes_neither_incident() {
        let (mut a, mut b) = (inc([1; 4]), inc([2; 4]));
        link(&act(), &mut a, &mut b, LinkKind::SameOffender, Some("cctv")).unwrap();
        let (a0, b0) = (a.clone(), b.clone());
        assert!(link(&act(), &mut b, &mut a, LinkKind::SameOffender, None).is_err());
        let mut a2 = a.clone();
        assert!(link(&act(), &mut a, &mut a2, LinkKind::Related, None).is_err(), "to itself");
        assert_eq!((a, b), (a0, b0));
    }
}
