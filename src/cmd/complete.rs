//! `lsms complete KIND`: the words a shell offers for an option's value,
//! one a line, asked for by the completion scripts (`lsms completions`).
//! Hidden: it is for the shell, not for people.

use super::{Ctx, emit};
use crate::error::Result;
use crate::model::{
    Asset, Authority, Harm, LinkKind, Outcome, Party, RiddorStatus, Role, SanctionClass, Status, Tri,
};

/// The words for one kind of value
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What the value is: category, site, member, status, harm, outcome, by, period, party, role, asset, flag, answer, riddor, class, link, authority, marking
    #[arg(value_name = "KIND")]
    pub kind: String,
}

/// The option a script completes, by its long name, and the kind of its
/// value: every option whose values are a vocabulary, the store's or
/// lsms's own.
pub const OPTIONS: &[(&str, &str)] = &[
    ("category", "category"),
    ("site", "site"),
    ("assignee", "member"),
    ("to", "member"),
    ("as", "member"),
    ("status", "status"),
    ("harm", "harm"),
    ("outcome", "outcome"),
    ("by", "by"),
    ("period", "period"),
    ("compare", "period"),
    ("reporter-party", "party"),
    ("asset", "asset"),
    ("flag", "flag"),
    ("unflag", "flag"),
    ("medical-factors", "answer"),
    ("police-informed", "answer"),
    ("riddor", "riddor"),
    ("class", "class"),
    ("marking", "marking"),
];

/// Where one command's option of that name takes other values: by the
/// command's last word and the option's long name, its kind, or `None`
/// for a file or folder name (`evidence export --to DIR`).
pub const IN_COMMAND: &[(&str, &str, Option<&str>)] =
    &[("notify", "to", Some("authority")), ("export", "to", None)];

/// The kind of an option's value in a command (its last word), where it
/// is a vocabulary.
pub fn kind_in(command: &str, long: &str) -> Option<&'static str> {
    match IN_COMMAND.iter().find(|(c, o, _)| *c == command && *o == long) {
        Some((_, _, kind)) => *kind,
        None => OPTIONS.iter().find(|(o, _)| *o == long).map(|(_, k)| *k),
    }
}

/// The words of a closed vocabulary, or of the store (none where there
/// is no store here: a completion never fails loudly).
fn words(ctx: &Ctx, kind: &str) -> Vec<String> {
    fn all<T: Copy>(v: &[T], f: fn(T) -> &'static str) -> Vec<String> {
        v.iter().map(|w| f(*w).to_string()).collect()
    }
    let store = || ctx.store().ok();
    match kind {
        "status" => all(Status::ALL, Status::as_str),
        "harm" => all(Harm::ALL, Harm::as_str),
        "outcome" => all(Outcome::ALL, Outcome::as_str),
        "party" => all(Party::ALL, Party::as_str),
        "role" => all(Role::ALL, Role::as_str),
        "asset" => all(Asset::ALL, Asset::as_str),
        "answer" => all(Tri::ALL, Tri::as_str),
        "riddor" => all(RiddorStatus::ALL, RiddorStatus::as_str),
        "class" => all(SanctionClass::ALL, SanctionClass::as_str),
        "link" => all(LinkKind::ALL, LinkKind::as_str),
        "authority" => all(Authority::ALL, Authority::as_str),
        "marking" => crate::store::config::MARKINGS.iter().map(|m| m.to_string()).collect(),
        "by" => crate::report::dimension::Dimension::names().into_iter().map(String::from).collect(),
        "period" => [
            "this-month",
            "last-month",
            "this-quarter",
            "last-quarter",
            "this-year",
            "last-year",
            "this-fy",
            "last-fy",
        ]
        .map(String::from)
        .to_vec(),
        "category" => store().map(|s| s.config.categories.clone()).unwrap_or_default(),
        "site" => store().and_then(|s| s.config.sites.clone()).unwrap_or_default(),
        "member" => store().and_then(|s| s.config.team.clone()).unwrap_or_default(),
        "flag" => store().map(|s| s.config.vocab().flags).unwrap_or_default(),
        _ => Vec::new(),
    }
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let words = words(ctx, args.kind.trim());
    emit(&mut ctx.out(), |o| words.iter().try_for_each(|w| writeln!(o, "{w}")))
}
