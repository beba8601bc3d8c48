//! The command line: the global options (`Cli`), the subcommands
//! (`Command`) and how each is run. One file per command, each with its
//! `Args` (clap) and `run`, reaching the outside world only through `Ctx`;
//! what several share is in `args` (options) and `ctx` (plumbing).

pub mod args;
pub mod assign;
pub mod board;
pub mod casefile;
pub mod check;
pub mod close;
pub mod complete;
pub mod completions;
mod ctx;
pub mod disclosures;
pub mod dispose;
pub mod due;
pub mod evidence;
pub mod export;
pub mod fmt;
pub mod hold;
pub mod import;
pub mod init;
pub mod intake;
pub mod keys;
pub mod link;
pub mod list;
pub mod loss;
pub mod man;
pub mod merge_file;
pub mod note;
pub mod notify;
pub mod person;
pub mod reopen;
pub mod report;
pub mod resolve;
pub mod sanction;
pub mod sar;
pub mod seal;
pub mod show;
pub mod summary;
pub mod sync;
pub mod update;
pub mod void;
pub mod withdraw;

pub use ctx::*;

use crate::error::Result;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Examples:
  lsms init --trust '5 Boroughs Partnership NHS Trust'
  lsms report --category theft --summary 'Laptop taken from ward office' \\
      --occurred 'yesterday 22:00'
  lsms list --category physical-assault,non-physical-assault --since 2026-10-01
  lsms list --format ids | xargs -r -n1 lsms show
  lsms check

The store is -C/--store DIR, else $LSMS_STORE, else the nearest folder
upwards holding lsms.yaml. `lsms help COMMAND` or `lsms COMMAND --help` says
more about each; `lsms man --dir ~/.local/share/man/man1` installs the manual.";

/// The heading of the options every command takes, in every command's help.
const GLOBAL: &str = "Global options";

/// The security incident register of an NHS trust's Local Security
/// Management Specialists: one YAML file per incident, kept in git.
#[derive(Debug, Parser)]
#[command(name = "lsms", version, after_help = AFTER_HELP)]
pub struct Cli {
    /// The store's folder [default: the nearest folder upwards holding lsms.yaml]
    #[arg(short = 'C', long = "store", env = "LSMS_STORE", hide_env_values = true, global = true, help_heading = GLOBAL, value_name = "DIR")]
    pub store: Option<PathBuf>,

    /// Who is acting, as written in the case history [default: $LSMS_USER, git's user.name, $USER]
    #[arg(long = "as", env = "LSMS_USER", hide_env_values = true, global = true, help_heading = GLOBAL, value_name = "NAME")]
    pub actor: Option<String>,

    /// When to colour the output (NO_COLOR is honoured)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true, help_heading = GLOBAL, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Say nothing on stderr but errors
    #[arg(short, long, global = true, help_heading = GLOBAL)]
    pub quiet: bool,

    /// Commit each change to git (as `git: { commit: true }` in lsms.yaml)
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub commit: bool,

    /// Read every file, not the cache in .lsms/cache (which is then left as it is)
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub no_cache: bool,

    /// Tables at their full width, every column and every word, even on a narrow terminal
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub wide: bool,

    /// The identity that opens sealed personal data [default: $LSMS_IDENTITY, else identity.txt in ~/.config/lsms]
    #[arg(long, global = true, help_heading = GLOBAL, value_name = "FILE")]
    pub identity: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Init(init::Args),
    Report(report::Args),
    List(list::Args),
    Show(show::Args),
    Assign(assign::Args),
    Note(note::Args),
    Notify(notify::Args),
    Update(Box<update::Args>),
    Sanction(sanction::Args),
    Loss(loss::Args),
    Link(link::LinkArgs),
    Unlink(link::UnlinkArgs),
    Close(close::Args),
    Reopen(reopen::Args),
    Void(void::Args),
    Hold(hold::HoldArgs),
    Release(hold::ReleaseArgs),
    Dispose(dispose::Args),
    Withdraw(withdraw::Args),
    Export(export::Args),
    Summary(summary::Args),
    Board(board::Args),
    Casefile(casefile::Args),
    Disclosures(disclosures::Args),
    Due(due::Args),
    Check(check::Args),
    Fmt(fmt::Args),
    Import(import::Args),
    Intake(intake::Args),
    Person(person::Args),
    Evidence(evidence::Args),
    Keys(keys::Args),
    Seal(seal::SealArgs),
    Unseal(seal::UnsealArgs),
    Rekey(seal::RekeyArgs),
    Sync(sync::Args),
    Resolve(resolve::Args),
    MergeFile(merge_file::Args),
    Completions(completions::Args),
    Man(man::Args),
    #[command(hide = true)]
    Complete(complete::Args),
}

impl Command {
    /// Runs the command.
    pub fn run(&self, ctx: &Ctx) -> Result<()> {
        match self {
            Command::Init(a) => init::run(ctx, a),
            Command::Report(a) => report::run(ctx, a),
            Command::List(a) => list::run(ctx, a),
            Command::Show(a) => show::run(ctx, a),
            Command::Assign(a) => assign::run(ctx, a),
            Command::Note(a) => note::run(ctx, a),
            Command::Notify(a) => notify::run(ctx, a),
            Command::Update(a) => update::run(ctx, a),
            Command::Sanction(a) => sanction::run(ctx, a),
            Command::Loss(a) => loss::run(ctx, a),
            Command::Link(a) => link::run_link(ctx, a),
            Command::Unlink(a) => link::run_unlink(ctx, a),
            Command::Close(a) => close::run(ctx, a),
            Command::Reopen(a) => reopen::run(ctx, a),
            Command::Void(a) => void::run(ctx, a),
            Command::Hold(a) => hold::run_hold(ctx, a),
            Command::Release(a) => hold::run_release(ctx, a),
            Command::Dispose(a) => dispose::run(ctx, a),
            Command::Withdraw(a) => withdraw::run(ctx, a),
            Command::Export(a) => export::run(ctx, a),
            Command::Summary(a) => summary::run(ctx, a),
            Command::Board(a) => board::run(ctx, a),
            Command::Casefile(a) => casefile::run(ctx, a),
            Command::Disclosures(a) => disclosures::run(ctx, a),
            Command::Due(a) => due::run(ctx, a),
            Command::Check(a) => check::run(ctx, a),
            Command::Fmt(a) => fmt::run(ctx, a),
            Command::Import(a) => import::run(ctx, a),
            Command::Intake(a) => intake::run(ctx, a),
            Command::Person(a) => person::run(ctx, a),
            Command::Evidence(a) => evidence::run(ctx, a),
            Command::Keys(a) => keys::run(ctx, a),
            Command::Seal(a) => seal::run_seal(ctx, a),
            Command::Unseal(a) => seal::run_unseal(ctx, a),
            Command::Rekey(a) => seal::run_rekey(ctx, a),
            Command::Sync(a) => sync::run(ctx, a),
            Command::Resolve(a) => resolve::run(ctx, a),
            Command::MergeFile(a) => merge_file::run(ctx, a),
            Command::Completions(a) => completions::run(ctx, a),
            Command::Man(a) => man::run(ctx, a),
            Command::Complete(a) => complete::run(ctx, a),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::cmd::Cli;
    use clap::CommandFactory;

    /// Every option and positional of every command says what it is for.
    #[test]
    fn every_argument_is_described() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for a in cmd.get_arguments() {
                if a.get_help().is_none() && a.get_long_help().is_none() {
                    missing.push(format!("{path} {}", a.get_id()));
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut cmd = Cli::command();
        cmd.build();
        let mut missing = Vec::new();
        walk(&cmd, "lsms", &mut missing);
        assert!(missing.is_empty(), "arguments without help:\n{}", missing.join("\n"));
    }

    /// The ward trap: a field declared with no way in, or an option whose
    /// value is stored nowhere. Every field the record declares is set by
    /// an option of its own or names a command that sets it; every option
    /// declared is an option of `report` and/or `update`; and each, given
    /// its example, changes the record and its file.
    #[test]
    fn every_declared_field_is_set_by_a_command_and_every_option_stores_its_value() {
        use crate::model::schema::{InputCx, Op, Record, declared};
        use crate::model::{Incident, Vocab};
        let declared = declared::<Incident>();
        let mut cmd = Cli::command();
        cmd.build();
        let sub = |name: &str| {
            cmd.find_subcommand(name)
                .map(|c| c.get_arguments().map(|a| a.get_id().to_string()).collect::<Vec<_>>())
        };
        let mut wrong = Vec::new();
        for d in declared {
            // A record's own fields are listed after it; a list of records is set whole.
            let set_by_parent =
                declared.iter().any(|p| d.path.starts_with(&format!("{}.", p.path)) && p.by.is_some());
            if d.nested || set_by_parent {
                continue;
            }
            match (d.input, d.by) {
                (None, None) => wrong.push(format!(
                    "{}: declared with no option (`in Input::new`) and no `by \"command\"`",
                    d.path
                )),
                (_, Some(by)) => {
                    for part in by.split(", ") {
                        let command = part.split_whitespace().next().unwrap_or_default();
                        if cmd.find_subcommand(command).is_none() {
                            wrong.push(format!("{}: `by \"{by}\"` names no command `{command}`", d.path));
                        }
                    }
                }
                (Some(input), None) => {
                    for (command, wanted) in [("report", input.report), ("update", input.update)] {
                        let has = sub(command).unwrap_or_default().iter().any(|a| a == input.name);
                        if wanted && !has {
                            wrong.push(format!("{}: --{} is not an option of {command}", d.path, input.name));
                        }
                    }
                    let vocab = Vocab::standard();
                    let cx =
                        InputCx { vocab: &vocab, tz: chrono_tz::Europe::London, now: chrono::Utc::now() };
                    let blank = Incident::default();
                    let mut inc = Incident::default();
                    let example = Incident::example(&d.path).unwrap_or_default();
                    match inc.input(&d.path, Op::Set(&example), &cx) {
                        Some(Ok(()))
                            if inc.shown(&d.path).flatten().is_some() && inc.to_yaml() != blank.to_yaml() => {
                        }
                        Some(Ok(())) => {
                            wrong.push(format!("{}: --{} {example:?} stores nothing", d.path, input.name))
                        }
                        Some(Err(e)) => {
                            wrong.push(format!("{}: --{} {example:?} is refused: {e}", d.path, input.name))
                        }
                        None => wrong.push(format!("{}: no field at this path takes input", d.path)),
                    }
                }
            }
        }
        assert!(
            wrong.is_empty(),
            "declared fields with no way in, or options stored nowhere:\n{}",
            wrong.join("\n")
        );
        // And the check can fail: a field with neither is named.
        assert!(declared.iter().all(|d| !d.path.is_empty()));
    }
}
