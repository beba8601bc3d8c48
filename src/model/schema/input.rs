//! A value as a person types it: the command-line option that sets a
//! field, declared with the field (`in Input::new(...)` in `record!`), and
//! what `report`, `update`, `report --from` and `import` do with its text.
//! One path for every way in: a field with an `Input` is an option of
//! `report` and `update`, a key of a `--from` document and a column an
//! import may map, with no further edit.

use super::*;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// How a field is given on the command line. `name` is the option
/// (`--name`, with `_` as `-`) and the key of a `--from` document or an
/// import mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Input {
    pub name: &'static str,
    /// What the value looks like in `--help` (`WHEN`, `TEXT`).
    pub value: &'static str,
    pub help: &'static str,
    /// An option of `report` (and a key of its `--from` documents).
    pub report: bool,
    /// An option of `update`.
    pub update: bool,
    /// For a list: the `update` option that empties it first (`no-people`).
    pub clear: Option<&'static str>,
    /// For a list: the `update` option that takes one item off (`unflag`).
    pub remove: Option<&'static str>,
    /// `-` reads standard input (free text).
    pub stdin: bool,
    /// A value may begin with `-` (free text, references).
    pub hyphen: bool,
}

impl Input {
    pub const fn new(name: &'static str, value: &'static str, help: &'static str) -> Input {
        Input {
            name,
            value,
            help,
            report: true,
            update: true,
            clear: None,
            remove: None,
            stdin: false,
            hyphen: false,
        }
    }
    pub const fn clear(self, option: &'static str) -> Input {
        Input { clear: Some(option), ..self }
    }
    pub const fn remove(self, option: &'static str) -> Input {
        Input { remove: Some(option), ..self }
    }
    /// Free text: may begin with `-`, and `-` alone reads standard input.
    pub const fn stdin(self) -> Input {
        Input { stdin: true, hyphen: true, ..self }
    }
    pub const fn hyphen(self) -> Input {
        Input { hyphen: true, ..self }
    }
}

/// One declared field, found by walking the declaration: its path in the
/// record (`reporter.name`), how it is given (if it is), or the command
/// that sets it (`by`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    pub path: String,
    pub input: Option<&'static Input>,
    pub by: Option<&'static str>,
    /// A record of its own (`reporter`): its fields are listed after it.
    pub nested: bool,
    /// A list: given once per item.
    pub list: bool,
    /// Written sealed in a sealed store (`personal`, not `staff`).
    pub sealed: bool,
}

/// What typed input is read with: the store's words and zone, and "now"
/// (for `today 14:30`, and to refuse a time in the future).
pub struct InputCx<'a> {
    pub vocab: &'a Vocab,
    pub tz: Tz,
    pub now: DateTime<Utc>,
}

/// What an input does to its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op<'s> {
    /// Sets the value (a list: adds an item). Blank clears an optional field.
    Set(&'s str),
    /// Empties a list.
    Clear,
    /// Takes an item off a list.
    Remove(&'s str),
}

/// Every field of a record's declaration, nested records' fields after
/// their own (`reporter`, then `reporter.name`, `reporter.party`).
/// Walked once a run (`Record::fields`): an import asks for each cell.
pub fn declared<T: Record>() -> &'static [Declared] {
    T::fields()
}

/// The fields given as options of `report` (`update: false`) or `update`.
pub fn inputs<T: Record>(update: bool) -> Vec<(String, &'static Input)> {
    declared::<T>()
        .iter()
        .filter_map(|d| d.input.map(|i| (d.path.clone(), i)))
        .filter(|(_, i)| if update { i.update } else { i.report })
        .collect()
}

/// The declared field a `--from` key or an import column names: the
/// option's name (`police_ref`, `person`) or the field's path (`people`,
/// `occurred_at`), `-` read as `_`.
pub fn input_named<T: Record>(name: &str) -> Option<&'static Declared> {
    let name = name.trim().replace('-', "_");
    declared::<T>()
        .iter()
        .find(|d| d.input.is_some_and(|i| i.name == name) || (d.input.is_some() && d.path == name))
}

/// One input given (an option, a key of a `--from` document, a cell of an
/// import): the field it sets and what it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Given {
    pub path: String,
    pub input: &'static Input,
    pub op: GivenOp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GivenOp {
    Set(String),
    Clear,
    Remove(String),
}

impl Given {
    pub fn op(&self) -> Op<'_> {
        match &self.op {
            GivenOp::Set(s) => Op::Set(s),
            GivenOp::Clear => Op::Clear,
            GivenOp::Remove(s) => Op::Remove(s),
        }
    }

    /// The option as typed (`--flag`, `--no-people`, `--unflag`).
    pub fn flag(&self) -> String {
        let name = match self.op {
            GivenOp::Set(_) => self.input.name,
            GivenOp::Clear => self.input.clear.unwrap_or(self.input.name),
            GivenOp::Remove(_) => self.input.remove.unwrap_or(self.input.name),
        };
        format!("--{}", name.replace('_', "-"))
    }
}
