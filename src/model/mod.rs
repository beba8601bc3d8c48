//! The domain: the incident record and its vocabularies, ids, money,
//! time, workflow and merge rules. Nothing here reads files, the
//! environment or the clock; how a record is stored is in `codec`.

pub mod custody;
pub mod disclosure;
pub mod draft;
pub mod enums;
pub mod id;
pub mod incident;
pub mod intake;
pub mod links;
pub mod merge;
pub mod money;
pub mod notify;
pub mod redact;
pub mod refs;
pub mod retention;
pub mod schema;
pub mod team;
pub mod text;
pub mod time;
pub mod vocab;
pub mod withdraw;
pub mod workflow;

pub use enums::*;
pub use id::{Id, IdQuery};
pub use incident::*;
pub use money::Money;
pub use time::Stamp;

/// The closest of `choices` to `word`, if it is close enough to be a typo.
pub fn suggest<'a>(word: &str, choices: &[&'a str]) -> Option<&'a str> {
    let w = word.trim().to_lowercase();
    choices
        .iter()
        .map(|c| (strsim::levenshtein(&w, &c.to_lowercase()), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3) || c.starts_with(&w) && w.len() >= 3)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// "unknown party 'stafff' (did you mean 'staff'?): one of staff, patient, …"
pub fn unknown_word(what: &str, word: &str, choices: &[&str]) -> String {
    let hint = suggest(word, choices).map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default();
    format!("unknown {what} '{word}'{hint}: use one of {}", choices.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_misses_only() {
        let c = ["physical-assault", "theft", "harassment"];
        assert_eq!(suggest("theif", &c), Some("theft"));
        assert_eq!(suggest("physical", &c), Some("physical-assault"));
        assert_eq!(suggest("zzzzzz", &c), None);
    }
}
