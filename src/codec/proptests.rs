//! Property tests of the record's written form: for arbitrary records with
//! arbitrary Unicode in every text field, what lsms writes is read back as
//! the same record by serde_yaml, by the one-pass reader and through the
//! cache codec; and for arbitrary edits of a written file, the one-pass
//! reader gives nothing, or a record that is written as that very file
//! and is what serde_yaml gives. `PROPTEST_CASES` runs them longer by hand. (PyYAML reads the
//! same files in the integration test `roundtrip`.)

use crate::model::text::LINE_BREAKS;
use crate::model::*;
use proptest::prelude::*;
use serde_yaml::Value;

/// Characters that have tripped YAML writers: breaks of every kind,
/// controls, quotes, indicators, spaces of every kind, a BOM, emoji, Welsh.
const TRICKY: &[char] = &[
    '\n', '\r', '\t', '\u{85}', '\u{2028}', '\u{2029}', '\u{FEFF}', '\u{7F}', '\u{0}', '\u{1B}', '\u{9B}',
    '\u{A0}', '\u{3000}', '\u{FFFE}', '\u{FFFF}', '#', ':', ' ', '"', '\'', '\\', '-', '?', '{', '}', '[',
    ']', ',', '&', '*', '!', '|', '>', '%', '@', '`', '~', '=', '<', '0', '1', '.', '+', 'e', 'y', 'ŵ', '😀',
    '\u{202E}',
];

fn any_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(prop_oneof![3 => any::<char>(), 2 => proptest::sample::select(TRICKY)], 0..24)
        .prop_map(String::from_iter)
}

fn one_line() -> impl Strategy<Value = String> {
    any_text().prop_map(|s| s.chars().filter(|c| !LINE_BREAKS.contains(c)).collect())
}

/// A one-line text that is not blank (required fields).
fn required_line() -> impl Strategy<Value = String> {
    one_line().prop_map(|s| if s.trim().is_empty() { format!("x{s}") } else { s })
}

fn stamp(secs: i64) -> Stamp {
    chrono::DateTime::from_timestamp(1_790_000_000 + secs, 0).unwrap_or_default().fixed_offset()
}

fn entry() -> impl Strategy<Value = Entry> {
    (
        0i64..10_000_000,
        required_line(),
        required_line(),
        proptest::option::of(one_line()),
        proptest::option::of(any_text()),
        proptest::option::of(any_text()),
        proptest::option::of(any_text()),
    )
        .prop_map(|(t, by, action, field, from, to, detail)| Entry {
            at: stamp(t),
            by,
            action,
            field,
            from,
            to,
            detail,
            extra: Default::default(),
        })
}

fn person() -> impl Strategy<Value = Person> {
    (
        proptest::sample::select(Role::ALL),
        proptest::sample::select(Party::ALL),
        proptest::option::of(one_line()),
    )
        .prop_map(|(role, party, name)| Person { role, party, name, extra: Default::default() })
}

fn sanction() -> impl Strategy<Value = Sanction> {
    (proptest::sample::select(SanctionClass::ALL), required_line(), proptest::option::of(any_text()))
        .prop_map(|(class, kind, note)| Sanction {
            class,
            kind,
            date: chrono::NaiveDate::from_ymd_opt(2026, 12, 1),
            review_on: None,
            note,
            extra: Default::default(),
        })
}

fn base() -> impl Strategy<Value = Incident> {
    let texts = (
        required_line(),
        proptest::option::of(one_line()),
        proptest::option::of(one_line()),
        proptest::option::of(any_text()),
        proptest::option::of(one_line()),
        proptest::option::of(one_line()),
        proptest::option::of(one_line()),
        required_line(),
    );
    let parts = (
        proptest::collection::vec(person(), 0..3),
        proptest::collection::vec(sanction(), 0..3),
        proptest::collection::vec(entry(), 1..4),
        proptest::option::of(any_text()),
        proptest::option::of(any_text()),
        proptest::sample::select(STANDARD_CATEGORIES),
        any::<u128>(),
        proptest::option::of(one_line()),
    );
    (texts, parts).prop_map(
        |(
            (summary, site, location, description, reporter, crime_ref, assignee, recorded_by),
            (people, sanctions, history, closure_note, extra_value, category, uuid, basis),
        )| {
            let closed = closure_note.is_some();
            Incident {
                id: Id::new(chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default(), [1, 2, 3, 4]),
                uuid: uuid::Uuid::from_u128(uuid),
                status: if closed { Status::Closed } else { Status::Investigating },
                category: category.to_string(),
                summary,
                occurred_at: stamp(0),
                reported_at: stamp(60),
                recorded_at: stamp(120),
                recorded_by,
                reporter: reporter.map(|name| Reporter {
                    name: Some(name),
                    party: Party::Staff,
                    extra: Default::default(),
                }),
                site,
                location,
                description,
                assets: vec![Asset::People],
                people,
                harm: Some(Harm::Low),
                medical_factors: Some(Tri::No),
                police: crime_ref.map(|r| Police {
                    informed: true,
                    crime_ref: Some(r),
                    extra: Default::default(),
                }),
                riddor: basis.map(|b| Riddor {
                    status: RiddorStatus::NotReportable,
                    basis: Some(b),
                    hse_ref: None,
                    reported_on: None,
                    extra: Default::default(),
                }),
                losses: Some(Losses {
                    estimated: Money(12050),
                    recovered: Money::ZERO,
                    extra: Default::default(),
                }),
                assignee,
                sanctions,
                outcome: closed.then_some(Outcome::Referred),
                closed_at: closed.then(|| stamp(300)),
                closure_note,
                history,
                extra: extra_value
                    .map(|v| Extra {
                        after: Some("harm"),
                        key: Value::from("ward_note"),
                        value: Value::from(v),
                        raw: None,
                    })
                    .into_iter()
                    .collect(),
                ..Default::default()
            }
        },
    )
}

/// The investigation's fields: arbitrary text in each, beside the rest.
fn incident() -> impl Strategy<Value = Incident> {
    let file_name = required_line().prop_map(|s| {
        if crate::model::incident::check_file_name(&s).is_ok() { s } else { "cctv.mp4".into() }
    });
    let link = (proptest::sample::select(LinkKind::ALL), proptest::option::of(any_text())).prop_map(
        |(kind, note)| Link {
            id: Id::new(chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default(), [9, 9, 9, 9]),
            kind,
            note,
            extra: Default::default(),
        },
    );
    let notice = (
        proptest::sample::select(Authority::ALL),
        proptest::option::of(one_line()),
        proptest::option::of(any_text()),
    )
        .prop_map(|(to, reference, note)| Notice {
            to,
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default(),
            reference,
            note,
            extra: Default::default(),
        });
    let evidence = (
        file_name,
        any::<u64>(),
        required_line(),
        proptest::option::of(one_line()),
        proptest::option::of(any_text()),
    )
        .prop_map(|(name, size, added_by, source, note)| Evidence {
            sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
            name,
            size,
            added_at: stamp(400),
            added_by,
            source,
            note,
            extra: Default::default(),
        });
    let system = required_line().prop_map(|s| s.replace('=', "-"));
    let refs = proptest::collection::vec((system, required_line()), 0..3).prop_map(|mut v| {
        let mut seen = std::collections::HashSet::new();
        v.retain(|(k, _)| seen.insert(k.clone()));
        v
    });
    (
        base(),
        proptest::option::of(one_line()),
        refs,
        proptest::collection::vec(link, 0..2),
        proptest::collection::vec(notice, 0..2),
        proptest::collection::vec(evidence, 0..2),
        proptest::sample::subsequence(STANDARD_FLAGS, 0..3),
    )
        .prop_map(|(mut i, weapon, refs, links, notified, evidence, flags)| {
            i.weapon = weapon;
            i.refs = refs;
            i.links = links;
            i.notified = notified;
            i.evidence = evidence;
            i.flags = flags.iter().map(|f| f.to_string()).collect();
            i
        })
}

fn vocab() -> Vocab {
    Vocab::standard()
}

/// What the store reads from a file in lsms's own form: the one-pass
/// reader's record (else the file goes to serde_yaml).
fn fast_path(text: &str, v: &Vocab) -> Option<Incident> {
    Incident::lex(text, v)
}

fn slow_path(text: &str, v: &Vocab) -> Option<Incident> {
    let value: Value = serde_yaml::from_str(text).ok()?;
    Incident::from_value(&value, v).ok()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512),
        ..ProptestConfig::default()
    })]

    #[test]
    fn what_lsms_writes_every_reader_reads_back(inc in incident()) {
        let v = vocab();
        let text = inc.to_yaml();
        let back = slow_path(&text, &v);
        prop_assert_eq!(back.as_ref(), Some(&inc), "serde_yaml read back something else from:\n{}", text);
        // Keys of one's own are left to serde_yaml; every other record
        // lsms writes is read in one pass.
        let fast = fast_path(&text, &v);
        let want = inc.extra.is_empty().then_some(&inc);
        prop_assert_eq!(fast.as_ref(), want, "the one-pass reader read it otherwise:\n{}", text);
        let cached = crate::codec::binary::decode_with(&crate::codec::binary::encode(&inc), true);
        prop_assert_eq!(cached.as_ref(), Some(&inc));
        prop_assert!(text.ends_with('\n') && !text.contains('\r'));
    }

    #[test]
    fn an_edited_file_is_read_fast_only_as_serde_yaml_reads_it(
        inc in incident(),
        edits in proptest::collection::vec((any::<proptest::sample::Index>(), prop_oneof![any::<char>(), proptest::sample::select(TRICKY)], 0u8..3), 1..4),
    ) {
        let v = vocab();
        let mut chars: Vec<char> = inc.to_yaml().chars().collect();
        for (at, c, how) in edits {
            let i = at.index(chars.len().max(1)).min(chars.len());
            match how {
                0 => chars.insert(i, c),
                1 if i < chars.len() => chars[i] = c,
                _ if i < chars.len() => { chars.remove(i); }
                _ => chars.push(c),
            }
        }
        let text: String = chars.into_iter().collect();
        if let Some(fast) = fast_path(&text, &v) {
            prop_assert_eq!(&fast.to_yaml(), &text, "read in one pass, but not in lsms's form");
            let slow = slow_path(&text, &v);
            prop_assert!(slow.is_some(), "read fast but not by serde_yaml:\n{}", text);
            let mut slow = slow.unwrap_or(fast.clone());
            slow.extra.iter_mut().for_each(|x| x.raw = None);
            prop_assert_eq!(fast, slow, "the readers differ on:\n{}", text);
        }
    }
}
