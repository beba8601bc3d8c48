//! The options several commands share: how rows are written (`Format`),
//! which incidents are read (`FilterArgs`), and the fields of an incident
//! that `report` sets and `update` changes (`IncidentFields`).

use crate::model::Incident;
use crate::model::schema::{self, Declared, Given, GivenOp, Input};
use clap::{Args, ValueEnum};

/// How a command writes rows: one set of names for every command. Each
/// command takes the ones that make sense for it (`Format::only`), and its
/// `--help` lists just those.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns for a person at a terminal
    Table,
    /// Tab-separated, no header, one row a line: for cut, sort, awk
    Tsv,
    /// A header and rows (RFC 4180), formulas neutralised
    Csv,
    /// One JSON array of objects
    Json,
    /// One JSON object a line
    Ndjson,
    /// Incident ids alone, one a line: for xargs
    Ids,
    /// A spreadsheet file (needs --output FILE)
    Xlsx,
}

impl Format {
    /// A value parser that takes only `allowed`.
    pub fn only(allowed: &'static [Format]) -> impl clap::builder::TypedValueParser<Value = Format> {
        use clap::builder::TypedValueParser;
        clap::builder::PossibleValuesParser::new(allowed.iter().filter_map(ValueEnum::to_possible_value))
            .map(|s| Format::from_str(&s, true).unwrap_or(Format::Table))
    }
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

    /// Only incidents that occurred at or after WHEN (a date or a time; 24/11/2026 is day first)
    #[arg(long, value_name = "WHEN", help_heading = "Filters")]
    pub since: Option<String>,

    /// Only incidents that occurred at or before WHEN (a date means the whole day)
    #[arg(long, value_name = "WHEN", help_heading = "Filters")]
    pub until: Option<String>,

    /// Only incidents with this flag (repeatable or comma-separated: any of them)
    #[arg(long = "flag", value_delimiter = ',', value_name = "F[,F]", help_heading = "Filters")]
    pub flag: Vec<String>,

    /// Only incidents whose summary, description, location, notes, reporter or people's names,
    /// crime reference, HSE reference, sanctions or references in other systems contain TEXT (any case)
    #[arg(long, value_name = "TEXT", help_heading = "Filters")]
    pub grep: Option<String>,

    /// Read void records too (entered in error, marked by `lsms void`): else left out of every list and figure
    #[arg(long, help_heading = "Filters")]
    pub include_void: bool,
}

/// The fields of an incident that `report` sets (`UPDATE = false`) and
/// `update` changes: an option for each field the record declares with an
/// `Input` (`model::incident`), so a field declared there is an option of
/// both with no edit here.
#[derive(Debug, Clone, Default)]
pub struct IncidentFields<const UPDATE: bool> {
    /// Each option given, in the order of the declaration.
    pub given: Vec<Given>,
}

/// The declared inputs of this command, with whether each is a list.
fn declared_inputs(update: bool) -> Vec<(Declared, &'static Input)> {
    schema::declared::<Incident>()
        .iter()
        .filter_map(|d| d.input.map(|i| (d.clone(), i)))
        .filter(|(_, i)| if update { i.update } else { i.report })
        .collect()
}

/// The name of the group every declared option is in (`report --from`
/// conflicts with all of them).
pub const FIELDS_GROUP: &str = "fields";

impl<const UPDATE: bool> clap::FromArgMatches for IncidentFields<UPDATE> {
    fn from_arg_matches(m: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let mut s = Self::default();
        s.update_from_arg_matches(m)?;
        Ok(s)
    }

    fn update_from_arg_matches(&mut self, m: &clap::ArgMatches) -> Result<(), clap::Error> {
        for (d, input) in declared_inputs(UPDATE) {
            let mut push = |op| self.given.push(Given { path: d.path.clone(), input, op });
            if let Some(c) = input.clear.filter(|_| UPDATE)
                && m.get_flag(c)
            {
                push(GivenOp::Clear);
            }
            for v in m.get_many::<String>(input.name).into_iter().flatten() {
                push(GivenOp::Set(v.clone()));
            }
            if let Some(r) = input.remove.filter(|_| UPDATE) {
                for v in m.get_many::<String>(r).into_iter().flatten() {
                    push(GivenOp::Remove(v.clone()));
                }
            }
        }
        Ok(())
    }
}

impl<const UPDATE: bool> Args for IncidentFields<UPDATE> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        use clap::{Arg, ArgAction};
        let long = |name: &str| name.replace('_', "-");
        let mut cmd = cmd;
        let mut names = Vec::new();
        for (d, input) in declared_inputs(UPDATE) {
            let action = if d.list { ArgAction::Append } else { ArgAction::Set };
            cmd = cmd.arg(
                Arg::new(input.name)
                    .long(long(input.name))
                    .value_name(input.value)
                    .help(input.help)
                    .allow_hyphen_values(input.hyphen)
                    .action(action),
            );
            names.push(input.name);
            if let Some(c) = input.clear.filter(|_| UPDATE) {
                let what = d.path.replace('_', " ");
                cmd = cmd.arg(
                    Arg::new(c)
                        .long(long(c))
                        .action(ArgAction::SetTrue)
                        .help(format!("Empty the list of {what} first")),
                );
                names.push(c);
            }
            if let Some(r) = input.remove.filter(|_| UPDATE) {
                cmd = cmd.arg(
                    Arg::new(r)
                        .long(long(r))
                        .value_name(input.value)
                        .action(ArgAction::Append)
                        .help(format!("Take this {} off (repeatable)", input.name.replace('_', " "))),
                );
                names.push(r);
            }
        }
        cmd.group(clap::ArgGroup::new(FIELDS_GROUP).multiple(true).required(false).args(names))
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

impl FilterArgs {
    /// The filter as plain words, for `query::Filter::new`.
    pub fn spec(&self) -> crate::query::FilterSpec {
        crate::query::FilterSpec {
            statuses: self.status.clone(),
            open: self.open,
            closed: self.closed,
            all: self.all,
            categories: self.category.clone(),
            site: self.site.clone(),
            assignee: self.assignee.clone(),
            unassigned: self.unassigned,
            since: self.since.clone(),
            until: self.until.clone(),
            grep: self.grep.clone(),
            flags: self.flag.clone(),
            include_void: self.include_void,
        }
    }
}

/// `--on WHEN`: when an action happened, for work entered after the fact.
/// Flattened into every command that adds to a case's history.
#[derive(Debug, Clone, Default, Args)]
pub struct OnArg {
    /// When it happened, if earlier than now: 24/11/2026 14:30 (day first), 24/11/2026,
    /// yesterday 09:00, … (the history keeps both when it happened and when it was written)
    #[arg(long, value_name = "WHEN")]
    pub on: Option<String>,
}
