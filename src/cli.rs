//! The command line: global options, the subcommands, and the filter and
//! format options that several commands share.

use crate::cmd;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Examples:
  lsms init --trust '5 Boroughs Partnership NHS Trust'
  lsms report --category theft --summary 'Laptop taken from ward office' --occurred 'yesterday 22:00'
  lsms list --category physical-assault,non-physical-assault --since 2026-10-01
  lsms list --format ids | xargs -n1 lsms show
  lsms check

The store is -C/--store DIR, else $LSMS_STORE, else the nearest folder upwards holding lsms.yaml.";

/// The security incident register of an NHS trust's Local Security
/// Management Specialists: one YAML file per incident, kept in git.
#[derive(Debug, Parser)]
#[command(name = "lsms", version, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    /// The store's folder [default: the nearest folder upwards holding lsms.yaml]
    #[arg(short = 'C', long = "store", env = "LSMS_STORE", global = true, value_name = "DIR")]
    pub store: Option<PathBuf>,

    /// Who is acting, as written in the case history [default: $LSMS_USER, git's user.name, $USER]
    #[arg(long = "as", env = "LSMS_USER", global = true, value_name = "NAME")]
    pub actor: Option<String>,

    /// When to colour the output (NO_COLOR is honoured)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Say nothing on stderr but errors
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Commit each change to git (as `git: { commit: true }` in lsms.yaml)
    #[arg(long, global = true)]
    pub commit: bool,

    /// Read every file, not the cache in .lsms/cache (which is then left as it is)
    #[arg(long, global = true)]
    pub no_cache: bool,

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
    Init(cmd::init::Args),
    Report(cmd::report::Args),
    List(cmd::list::Args),
    Show(cmd::show::Args),
    Assign(cmd::assign::Args),
    Note(cmd::note::Args),
    Update(cmd::update::Args),
    Sanction(cmd::sanction::Args),
    Loss(cmd::loss::Args),
    Close(cmd::close::Args),
    Reopen(cmd::reopen::Args),
    Export(cmd::export::Args),
    Summary(cmd::summary::Args),
    Board(cmd::board::Args),
    Due(cmd::due::Args),
    Check(cmd::check::Args),
    Fmt(cmd::fmt::Args),
    Import(cmd::import::Args),
    MergeFile(cmd::merge_file::Args),
    Completions(cmd::completions::Args),
    Man(cmd::man::Args),
}

/// Which incidents a command reads: one meaning everywhere.
#[derive(Debug, Clone, Default, Args)]
pub struct FilterArgs {
    /// Only these statuses (comma-separated): reported, assigned, investigating, awaiting-external, closed
    #[arg(long, value_delimiter = ',', value_name = "S[,S]", conflicts_with_all = ["open", "closed", "all"], help_heading = "Filters")]
    pub status: Vec<String>,

    /// Only open incidents (every status but closed)
    #[arg(long, conflicts_with_all = ["closed", "all"], help_heading = "Filters")]
    pub open: bool,

    /// Only closed incidents
    #[arg(long, conflicts_with = "all", help_heading = "Filters")]
    pub closed: bool,

    /// Every incident, open or closed
    #[arg(long, help_heading = "Filters")]
    pub all: bool,

    /// Only these categories (comma-separated)
    #[arg(long, value_delimiter = ',', value_name = "C[,C]", help_heading = "Filters")]
    pub category: Vec<String>,

    /// Only this site
    #[arg(long, value_name = "SITE", help_heading = "Filters")]
    pub site: Option<String>,

    /// Only incidents assigned to NAME
    #[arg(long, value_name = "NAME", conflicts_with = "unassigned", help_heading = "Filters")]
    pub assignee: Option<String>,

    /// Only incidents nobody is assigned to
    #[arg(long, help_heading = "Filters")]
    pub unassigned: bool,

    /// Only incidents that occurred at or after WHEN (a date or a time)
    #[arg(long, value_name = "WHEN", help_heading = "Filters")]
    pub since: Option<String>,

    /// Only incidents that occurred at or before WHEN (a date means the whole day)
    #[arg(long, value_name = "WHEN", help_heading = "Filters")]
    pub until: Option<String>,

    /// Only incidents whose summary, description, location or notes contain TEXT (any case)
    #[arg(long, value_name = "TEXT", help_heading = "Filters")]
    pub grep: Option<String>,
}
