//! Property test of sealing: for arbitrary records (every declared field,
//! arbitrary Unicode in every text, from the declaration's own generator),
//! every personal value round-trips through its sealed file, and none of
//! its text is in that file beyond where the plain fields hold it too.

use super::record::{carry_unopened, mask, open_all, seal_all};
use super::*;
use crate::model::Incident;
use crate::model::schema::Record;
use proptest::prelude::*;

/// The sealed values' texts, with where each is declared.
fn personal(inc: &mut Incident) -> Vec<String> {
    let mut out = Vec::new();
    inc.each_sealed("", &mut |_, _, v| out.push(v.clone()));
    out
}

fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(128),
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_personal_value_round_trips_sealed_and_its_text_is_not_in_the_file(seed in any::<u64>()) {
        let (text, public) = new_identity("test");
        let me = Identity::parse(&text).unwrap();
        let to = vec![("me".to_string(), Recipient::parse(&public).unwrap())];
        let mut plain = crate::codec::arbitrary::incident(seed);
        plain.sealed.clear();
        let values = personal(&mut plain);
        let mut sealed = plain.clone();
        let carry = carry_unopened(&mut sealed);
        seal_all(&mut sealed, &to, carry).unwrap();
        let file = sealed.to_yaml();
        // Read back as the store reads it, opened: every value as it was.
        let value: serde_yaml::Value = serde_yaml::from_str(&file).unwrap();
        let mut back = Incident::from_value(&value, &crate::model::Vocab::standard()).unwrap();
        open_all(&mut back, &me).unwrap();
        back.sealed.clear();
        prop_assert_eq!(&back, &plain);
        // No value's text (four bytes or more) is in the file, but where the
        // file's plain parts hold it anyway (the same file with every
        // sealed value masked). Values of base64's own letters are looked
        // for from 16 bytes, below which a random ciphertext may hold them.
        let mut masked = sealed.clone();
        mask(&mut masked);
        let masked = masked.to_yaml();
        let b64 = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        for v in values.iter().filter(|v| v.len() >= 4 && (v.len() >= 16 || !b64(v))) {
            prop_assert!(
                count(&file, v) <= count(&masked, v),
                "{:?} is in the sealed file:\n{}", v, file
            );
        }
    }
}
