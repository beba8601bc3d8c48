//! The options several commands share: how rows are written (`Format`),
//! which incidents are read (`FilterArgs`), and the fields of an incident
//! that `report` sets and `update` changes (`IncidentFields`).

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
}

/// The fields of an incident that `report` sets and `update` changes:
/// declared once, flattened into both.
#[derive(Debug, Clone, Default, Args)]
pub struct IncidentFields {
    /// One of the standard categories, or one lsms.yaml adds
    #[arg(long, value_name = "C")]
    pub category: Option<String>,
    /// One line that says what happened
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub summary: Option<String>,
    /// When it happened: 24/11/2026 14:30 (day first), 2026-11-24 14:30, today 14:30, …
    #[arg(long, value_name = "WHEN")]
    pub occurred: Option<String>,
    /// When it was reported
    #[arg(long, value_name = "WHEN")]
    pub reported: Option<String>,
    /// The site (one of lsms.yaml's `sites` when it lists them)
    #[arg(long, value_name = "SITE")]
    pub site: Option<String>,
    /// Where at the site, e.g. A&E reception
    #[arg(long, value_name = "PLACE", allow_hyphen_values = true)]
    pub location: Option<String>,
    /// What happened, in the reporter's words (`-` reads standard input)
    #[arg(long, value_name = "TEXT|-", allow_hyphen_values = true)]
    pub description: Option<String>,
    /// The reporter's name (leave out for an anonymous report)
    #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
    pub reporter: Option<String>,
    /// staff, patient, visitor, contractor, volunteer, public, unknown or anonymous
    #[arg(long, value_name = "P")]
    pub reporter_party: Option<String>,
    /// What was at risk: people, property, drugs, prescription-forms, hazardous-materials (repeatable)
    #[arg(long = "asset", value_name = "A")]
    pub assets: Vec<String>,
    /// Someone involved, as ROLE:PARTY[:NAME], e.g. victim:staff:A. Nurse (repeatable)
    #[arg(long = "person", value_name = "ROLE:PARTY[:NAME]")]
    pub people: Vec<String>,
    /// none, low, moderate, severe or death
    #[arg(long, value_name = "H")]
    pub harm: Option<String>,
    /// The police crime reference (marks the police as informed)
    #[arg(long, value_name = "REF", allow_hyphen_values = true)]
    pub police_ref: Option<String>,
    /// A flag: hate-motivated, weapon, lone-worker, restraint, alcohol, drugs, sexual, or one
    /// lsms.yaml adds under `flags:` (repeatable)
    #[arg(long = "flag", value_name = "F")]
    pub flags: Vec<String>,
    /// What was used as a weapon, e.g. 'kitchen knife' (one line; for police information sharing)
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub weapon: Option<String>,
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
        }
    }
}
