//! The values of a register mapped to lsms's own: one table per
//! vocabulary of the record (category, harm, party, role, site, status,
//! outcome, asset, flag, sanction class), each compared without regard to
//! case or surrounding space; the values no table maps and lsms does not
//! know, gathered so that all of them are named at once.

use crate::model::enums::{Asset, Harm, Outcome, Party, Role, SanctionClass, Status};
use crate::model::{Vocab, suggest};
use std::collections::{BTreeMap, HashMap};

/// A vocabulary of the record whose values a mapping file maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Vocabulary {
    Category,
    Harm,
    Party,
    Role,
    Site,
    Status,
    Outcome,
    Asset,
    Flag,
    SanctionClass,
}

impl Vocabulary {
    /// Its key in a mapping file.
    pub fn key(self) -> &'static str {
        match self {
            Vocabulary::Category => "categories",
            Vocabulary::Harm => "harms",
            Vocabulary::Party => "parties",
            Vocabulary::Role => "roles",
            Vocabulary::Site => "sites",
            Vocabulary::Status => "statuses",
            Vocabulary::Outcome => "outcomes",
            Vocabulary::Asset => "assets",
            Vocabulary::Flag => "flags",
            Vocabulary::SanctionClass => "sanction_classes",
        }
    }

    /// One of its values, as messages and a mapping file name it.
    pub fn one(self) -> &'static str {
        match self {
            Vocabulary::Category => "category",
            Vocabulary::Harm => "harm",
            Vocabulary::Party => "party",
            Vocabulary::Role => "role",
            Vocabulary::Site => "site",
            Vocabulary::Status => "status",
            Vocabulary::Outcome => "outcome",
            Vocabulary::Asset => "asset",
            Vocabulary::Flag => "flag",
            Vocabulary::SanctionClass => "sanction class",
        }
    }

    /// The option that maps its values on the command line, where one does.
    pub fn option(self) -> Option<&'static str> {
        match self {
            Vocabulary::Category => Some("--category-map"),
            Vocabulary::Status => Some("--status-map"),
            Vocabulary::Outcome => Some("--outcome-map"),
            _ => None,
        }
    }

    /// The vocabulary of the field a column maps to (`person:ROLE`: the
    /// cell holds the person's party). `None`: the field's values are free.
    pub fn of_field(field: &str) -> Option<Vocabulary> {
        Some(match field {
            "category" => Vocabulary::Category,
            "harm" => Vocabulary::Harm,
            "reporter_party" => Vocabulary::Party,
            "site" => Vocabulary::Site,
            "status" => Vocabulary::Status,
            "outcome" => Vocabulary::Outcome,
            "asset" => Vocabulary::Asset,
            "flag" => Vocabulary::Flag,
            "sanction_class" => Vocabulary::SanctionClass,
            f if f.starts_with("person:") => Vocabulary::Party,
            _ => return None,
        })
    }

    /// Every value lsms knows here (`None`: any one line, as sites are
    /// where lsms.yaml lists none).
    pub fn allowed(self, vocab: &Vocab) -> Option<Vec<String>> {
        fn words<T: Copy>(all: &[T], f: impl Fn(T) -> &'static str) -> Option<Vec<String>> {
            Some(all.iter().map(|w| f(*w).to_string()).collect())
        }
        match self {
            Vocabulary::Category => Some(vocab.categories.clone()),
            Vocabulary::Harm => words(Harm::ALL, Harm::as_str),
            Vocabulary::Party => words(Party::ALL, Party::as_str),
            Vocabulary::Role => words(Role::ALL, Role::as_str),
            Vocabulary::Site => vocab.sites.clone(),
            Vocabulary::Status => words(Status::ALL, Status::as_str),
            Vocabulary::Outcome => words(Outcome::ALL, Outcome::as_str),
            Vocabulary::Asset => words(Asset::ALL, Asset::as_str),
            Vocabulary::Flag => Some(vocab.flags.clone()),
            Vocabulary::SanctionClass => words(SanctionClass::ALL, SanctionClass::as_str),
        }
    }

    /// lsms's spelling of `v`, where it is one of the values lsms knows.
    pub fn known(self, v: &str, vocab: &Vocab) -> Option<String> {
        let t = v.trim();
        match self.allowed(vocab) {
            Some(all) => all.into_iter().find(|w| w.eq_ignore_ascii_case(t)),
            None => crate::model::text::is_one_line(t).then(|| t.to_string()),
        }
    }
}

/// How values are compared: without regard to case or surrounding space.
pub fn fold(v: &str) -> String {
    v.trim().to_lowercase()
}

/// The value tables of a mapping, checked: each maps to a value lsms knows.
#[derive(Debug, Default)]
pub struct ValueMaps {
    maps: HashMap<Vocabulary, HashMap<String, String>>,
}

impl ValueMaps {
    /// The tables as given (register value → lsms value), each target
    /// checked; the first that lsms does not know is the error, named with
    /// where it was given (`categories:` or `--category-map`).
    pub fn new(
        given: &BTreeMap<Vocabulary, (BTreeMap<String, String>, String)>,
        vocab: &Vocab,
    ) -> Result<ValueMaps, String> {
        let mut maps: HashMap<Vocabulary, HashMap<String, String>> = HashMap::new();
        // Every line that maps to a value lsms does not know, at once (a
        // file made by --suggest-map has a word to replace on each).
        let mut bad = Vec::new();
        for (voc, (table, place)) in given {
            let into = maps.entry(*voc).or_default();
            for (from, to) in table {
                let Some(known) = voc.known(to, vocab) else {
                    let all = voc.allowed(vocab).unwrap_or_default();
                    let names: Vec<&str> = all.iter().map(String::as_str).collect();
                    bad.push(format!(
                        "{place}: '{from}' maps to {}",
                        crate::model::unknown_word(voc.one(), to, &names)
                    ));
                    continue;
                };
                if let Some(old) = into.insert(fold(from), known.clone())
                    && old != known
                {
                    return Err(format!(
                        "{place}: '{}' is mapped twice, to {old} and to {known} (values are compared without regard to case)",
                        from.trim()
                    ));
                }
            }
        }
        match bad.len() {
            0 => Ok(ValueMaps { maps }),
            1 => Err(bad.remove(0)),
            n => Err(format!("{n} lines map to values lsms does not know:\n{}", bad.join("\n"))),
        }
    }

    /// lsms's value for a register's: through the table, else the value
    /// itself where lsms knows it. `None`: unknown.
    pub fn value(&self, voc: Vocabulary, v: &str, vocab: &Vocab) -> Option<String> {
        if let Some(to) = self.maps.get(&voc).and_then(|m| m.get(&fold(v))) {
            return Some(to.clone());
        }
        voc.known(v, vocab)
    }
}

/// How many rows held one unknown value, and the first of them.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The value as the register first wrote it (trimmed).
    pub value: String,
    pub rows: usize,
    pub first: Vec<usize>,
}

/// The values no table maps and lsms does not know, by column, each once
/// (compared as the tables compare), in the order the file first has them.
#[derive(Debug, Default)]
pub struct Unknown {
    /// (vocabulary, column) → the values, in order of first row.
    by_column: BTreeMap<(Vocabulary, String), Vec<Seen>>,
    index: HashMap<(Vocabulary, String, String), usize>,
}

/// How many of an unknown value's first rows are named.
const FIRST_ROWS: usize = 3;

impl Unknown {
    pub fn add(&mut self, voc: Vocabulary, column: &str, value: &str, row: usize) {
        let k = (voc, column.to_string(), fold(value));
        let list = self.by_column.entry((voc, column.to_string())).or_default();
        match self.index.get(&k) {
            Some(&i) => {
                let s = &mut list[i];
                s.rows += 1;
                if s.first.len() < FIRST_ROWS {
                    s.first.push(row);
                }
            }
            None => {
                self.index.insert(k, list.len());
                list.push(Seen { value: value.trim().to_string(), rows: 1, first: vec![row] });
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.by_column.is_empty()
    }

    /// How many distinct values are unknown.
    pub fn len(&self) -> usize {
        self.by_column.values().map(Vec::len).sum()
    }

    /// The report: each column's unknown values (how many rows, the first
    /// rows), then the lines to add to the mapping file, a near lsms value
    /// filled in where there is one (marked as a guess), else the word to
    /// replace; `from_file` false: said as the options that map them too.
    pub fn report(&self, vocab: &Vocab, from_file: bool) -> Vec<String> {
        let mut out = Vec::new();
        let mut tables: BTreeMap<Vocabulary, Vec<&Seen>> = BTreeMap::new();
        for ((voc, column), seen) in &self.by_column {
            out.push(format!(
                "column '{column}': {} value(s) that are not lsms {} values and that no `{}:` line maps:",
                seen.len(),
                voc.one(),
                voc.key()
            ));
            for s in seen {
                let more = if s.rows > s.first.len() { ", …" } else { "" };
                let rows: Vec<String> = s.first.iter().map(usize::to_string).collect();
                out.push(format!("  '{}' in {} row(s): {}{more}", s.value, s.rows, rows.join(", ")));
            }
            tables.entry(*voc).or_default().extend(seen);
        }
        out.push(if from_file {
            "Add these lines to the mapping file (each value with the lsms value it is), then run again:".into()
        } else {
            "Add these lines to a mapping file (--map-file), each value with the lsms value it is, then run again:"
                .into()
        });
        for (voc, seen) in &tables {
            let all = voc.allowed(vocab).unwrap_or_default();
            let names: Vec<&str> = all.iter().map(String::as_str).collect();
            out.push(format!("{}:   # {}", voc.key(), allowed_note(*voc, &names)));
            let mut done = std::collections::HashSet::new();
            for s in seen {
                if !done.insert(fold(&s.value)) {
                    continue;
                }
                out.push(match guess(&s.value, &names) {
                    Some(g) => format!("  {}: {g}   # a guess: check it", yaml_key(&s.value)),
                    None => format!("  {}: {}", yaml_key(&s.value), placeholder(*voc)),
                });
            }
        }
        if !from_file {
            for voc in tables.keys() {
                if let Some(opt) = voc.option() {
                    out.push(format!(
                        "(or map {} values with {opt} 'VALUE={}')",
                        voc.one(),
                        placeholder(*voc)
                    ));
                }
            }
        }
        out
    }
}

/// The lsms value a register's value most likely is: a near spelling,
/// else the one lsms value whose words the register's holds (`Moderate
/// harm` → moderate) or that begins with it (`Hollins` → Hollins Park).
pub fn guess<'a>(value: &str, names: &[&'a str]) -> Option<&'a str> {
    if let Some(g) = suggest(value, names) {
        return Some(g);
    }
    use super::suggest::{holds, words};
    let v = words(value);
    if v.is_empty() {
        return None;
    }
    let fits: Vec<&'a str> =
        names.iter().copied().filter(|n| holds(&v, n) || words(n).starts_with(&v)).collect();
    match fits.as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

/// What to write where the lsms value is still to be chosen: a word lsms
/// will refuse until it is replaced.
pub fn placeholder(voc: Vocabulary) -> String {
    voc.one().replace(' ', "_").to_uppercase()
}

/// The allowed values, as a comment says them.
pub fn allowed_note(voc: Vocabulary, names: &[&str]) -> String {
    if names.is_empty() {
        format!("any {} name (lsms.yaml lists none)", voc.one())
    } else {
        format!("one of {}", names.join(", "))
    }
}

/// A string as a YAML mapping key: plain where YAML reads it back as the
/// same string, else quoted.
pub fn yaml_key(s: &str) -> String {
    let plain = serde_yaml::to_string(s).unwrap_or_default();
    let plain = plain.trim_end_matches('\n');
    // A multi-line or block form is quoted instead.
    if plain.contains('\n') || plain.starts_with('|') || plain.starts_with('>') {
        return serde_json::to_string(s).unwrap_or_default();
    }
    // YAML 1.1 readers (PyYAML) take these plain words for booleans.
    const WORDS_1_1: &[&str] = &["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"];
    if plain == s && WORDS_1_1.contains(&s.to_ascii_lowercase().as_str()) {
        format!("'{s}'")
    } else {
        plain.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> Vocab {
        Vocab {
            categories: vec!["theft".into(), "physical-assault".into()],
            sites: Some(vec!["Hollins Park".into()]),
            flags: vec!["weapon".into()],
        }
    }

    #[test]
    fn values_map_without_regard_to_case_or_space_and_lsms_values_pass_through() {
        let mut given = BTreeMap::new();
        let table = BTreeMap::from([("Low harm".to_string(), "LOW".to_string())]);
        given.insert(Vocabulary::Harm, (table, "harms".to_string()));
        let m = ValueMaps::new(&given, &vocab()).unwrap();
        assert_eq!(m.value(Vocabulary::Harm, "  low HARM ", &vocab()).as_deref(), Some("low"));
        assert_eq!(m.value(Vocabulary::Harm, "Severe", &vocab()).as_deref(), Some("severe"));
        assert_eq!(m.value(Vocabulary::Harm, "Catastrophic", &vocab()), None);
        assert_eq!(m.value(Vocabulary::Site, "hollins park", &vocab()).as_deref(), Some("Hollins Park"));
    }

    #[test]
    fn a_table_mapping_to_a_value_lsms_does_not_know_is_refused_naming_it() {
        let mut given = BTreeMap::new();
        let table = BTreeMap::from([("Theft/loss".to_string(), "theif".to_string())]);
        given.insert(Vocabulary::Category, (table, "categories".to_string()));
        let e = ValueMaps::new(&given, &vocab()).unwrap_err();
        assert!(
            e.contains("categories: 'Theft/loss' maps to unknown category 'theif' (did you mean 'theft'?)"),
            "{e}"
        );
    }

    #[test]
    fn unknown_values_are_counted_once_each_with_their_first_rows() {
        let mut u = Unknown::default();
        for (row, v) in [
            (2, "Moderate harm"),
            (3, "moderate harm "),
            (4, "Nasty"),
            (5, "Moderate Harm"),
            (6, "Moderate harm"),
        ] {
            u.add(Vocabulary::Harm, "Severity", v, row);
        }
        assert_eq!(u.len(), 2);
        let r = u.report(&vocab(), true).join("\n");
        assert!(r.contains("'Moderate harm' in 4 row(s): 2, 3, 5, …"), "{r}");
        assert!(r.contains("'Nasty' in 1 row(s): 4\n"), "{r}");
        assert!(r.contains("harms:   # one of none, low, moderate, severe, death"), "{r}");
        assert!(r.contains("  Nasty: HARM"), "{r}");
    }

    #[test]
    fn keys_are_quoted_only_where_yaml_would_read_them_otherwise() {
        assert_eq!(yaml_key("Theft/loss"), "Theft/loss");
        assert_eq!(yaml_key("Yes"), "'Yes'");
        assert_eq!(yaml_key("a: b"), "'a: b'");
        assert_eq!(yaml_key("12"), "'12'");
    }
}
