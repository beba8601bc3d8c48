//! Property tests of the record's written form: for arbitrary records (every
//! declared field, made from the declaration) with arbitrary Unicode in
//! every text field, what lsms writes is read back as
//! the same record by serde_yaml, by the one-pass reader and through the
//! cache codec; and for arbitrary edits of a written file, the one-pass
//! reader gives nothing, or a record that is written as that very file
//! and is what serde_yaml gives. `PROPTEST_CASES` runs them longer by hand. (PyYAML reads the
//! same files in the integration test `roundtrip`.)

use super::arbitrary::TRICKY;
use crate::model::*;
use proptest::prelude::*;
use serde_yaml::Value;

/// An arbitrary incident: every field the record declares, drawn by the
/// declaration's own generator (`codec::arbitrary`).
fn incident() -> impl Strategy<Value = Incident> {
    any::<u64>().prop_map(super::arbitrary::incident)
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
        let cached = crate::codec::record::decode_with(&crate::codec::record::encode(&inc), true);
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

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512),
        ..ProptestConfig::default()
    })]

    /// No duration is ever negative, whatever the record's dates say
    /// (imported, entered after the fact, or edited by hand): one that
    /// cannot be known is left out.
    #[test]
    fn no_duration_is_ever_negative(seed in any::<u64>(), now_secs in 1_600_000_000i64..2_000_000_000) {
        let mut inc = super::arbitrary::incident(seed);
        // Half the time, closed: the generator's closing time stands as drawn.
        if seed % 2 == 0 {
            inc.status = Status::Closed;
            inc.closed_at.get_or_insert(inc.occurred_at);
        }
        let now = chrono::DateTime::from_timestamp(now_secs, 0).unwrap_or_default();
        prop_assert!(inc.days_to_close().is_none_or(|d| d >= 0), "{:?}", inc.days_to_close());
        prop_assert!(inc.days_open(now).is_none_or(|d| d >= 0), "{:?}", inc.days_open(now));
        let facts = crate::report::summary::facts(&inc, &[], chrono_tz::Europe::London);
        prop_assert!(facts.days_to_close.is_none_or(|d| d >= 0));
    }
}
