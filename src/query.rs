//! Filters and sorting over records: pure, given the store's zone and "now".

use crate::model::{Incident, Status, Vocab, time};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

/// Which incidents a command reads.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// `None`: every status.
    pub statuses: Option<Vec<Status>>,
    pub categories: Vec<String>,
    pub site: Option<String>,
    pub assignee: Option<String>,
    pub unassigned: bool,
    pub since: Option<DateTime<Utc>>,
    /// Exclusive upper bound on occurred_at.
    pub before: Option<DateTime<Utc>>,
    /// Lower-cased.
    pub grep: Option<String>,
    /// Any of these flags (empty: no flag filter).
    pub flags: Vec<String>,
    /// Void records (entered in error) too: else they are left out.
    pub include_void: bool,
}

/// A filter as the user gave it, words not yet checked: what the command
/// line (or any other front end) hands to [`Filter::new`].
#[derive(Debug, Clone, Default)]
pub struct FilterSpec {
    /// Status words; empty: decided by `open`, `closed`, `all` or the default.
    pub statuses: Vec<String>,
    pub open: bool,
    pub closed: bool,
    pub all: bool,
    pub categories: Vec<String>,
    pub site: Option<String>,
    pub assignee: Option<String>,
    pub unassigned: bool,
    pub since: Option<String>,
    /// A date means the whole day.
    pub until: Option<String>,
    pub grep: Option<String>,
    /// Flag words: an incident with any of them matches.
    pub flags: Vec<String>,
    /// `--include-void`: void records (entered in error) are read too.
    pub include_void: bool,
}

/// What a command reads when no status filter is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultStatus {
    Open,
    All,
}

impl Filter {
    /// Checks the options against the store's words and zone. Errors name
    /// the option.
    pub fn new(
        i: &FilterSpec,
        default: DefaultStatus,
        vocab: &Vocab,
        tz: Tz,
        now: DateTime<Utc>,
    ) -> Result<Filter, String> {
        let statuses = if !i.statuses.is_empty() {
            let parsed: Result<Vec<Status>, String> = i.statuses.iter().map(|s| Status::parse(s)).collect();
            Some(parsed.map_err(|e| format!("--status: {e}"))?)
        } else if i.all {
            None
        } else if i.closed {
            Some(vec![Status::Closed])
        } else if i.open || default == DefaultStatus::Open {
            Some(Status::ALL.iter().copied().filter(|s| s.is_open()).collect())
        } else {
            None
        };
        let categories = i
            .categories
            .iter()
            .map(|c| vocab.check_category(c))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("--category: {e}"))?;
        let site = i
            .site
            .as_deref()
            .map(|s| vocab.check_site(s.trim()))
            .transpose()
            .map_err(|e| format!("--site: {e}"))?;
        let since = i
            .since
            .as_deref()
            .map(|s| time::parse_when(s, tz, now).map(|t| t.to_utc()))
            .transpose()
            .map_err(|e| format!("--since: {e}"))?;
        let before = i
            .until
            .as_deref()
            .map(|s| match time::parse_date(s) {
                Ok(d) => Ok(time::start_of_day(d + Duration::days(1), tz)),
                Err(_) => time::parse_when(s, tz, now).map(|t| t.to_utc() + Duration::seconds(1)),
            })
            .transpose()
            .map_err(|e| format!("--until: {e}"))?;
        let flags = i
            .flags
            .iter()
            .map(|f| vocab.check_flag(f))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("--flag: {e}"))?;
        if let (Some(s), Some(b)) = (since, before)
            && s >= b
        {
            return Err("--since is after --until: nothing can match".into());
        }
        Ok(Filter {
            statuses,
            categories,
            site,
            assignee: i.assignee.as_deref().map(|a| a.trim().to_string()),
            unassigned: i.unassigned,
            since,
            before,
            grep: i.grep.as_deref().map(str::to_lowercase).filter(|g| !g.is_empty()),
            flags,
            include_void: i.include_void,
        })
    }

    /// Whether the incident is one this filter reads: a void record only
    /// with `--include-void`.
    pub fn matches(&self, inc: &Incident) -> bool {
        (self.include_void || inc.void.is_none()) && self.matches_but_void(inc)
    }

    /// A void record that the filter would read but for being void: what a
    /// figure counts as left out ("2 void record(s) left out").
    pub fn left_out_as_void(&self, inc: &Incident) -> bool {
        !self.include_void && inc.void.is_some() && self.matches_but_void(inc)
    }

    fn matches_but_void(&self, inc: &Incident) -> bool {
        let eq = |a: &Option<String>, b: &str| a.as_deref().is_some_and(|a| a.eq_ignore_ascii_case(b));
        self.statuses.as_ref().is_none_or(|s| s.contains(&inc.status))
            && (self.categories.is_empty() || self.categories.contains(&inc.category))
            && self.site.as_deref().is_none_or(|s| eq(&inc.site, s))
            && self.assignee.as_deref().is_none_or(|a| eq(&inc.assignee, a))
            && (!self.unassigned || inc.assignee.is_none())
            && self.since.is_none_or(|s| inc.occurred_at >= s)
            && self.before.is_none_or(|b| inc.occurred_at < b)
            && self.grep.as_deref().is_none_or(|g| grep(inc, g))
            && (self.flags.is_empty() || inc.flags.iter().any(|f| self.flags.contains(f)))
    }
}

/// `--grep`: the fields the record marks `search` (`model::incident`),
/// and the notes of the history.
fn grep(inc: &Incident, needle: &str) -> bool {
    use crate::model::schema::Record;
    inc.search(needle)
        || inc.history.iter().any(|e| {
            e.action == "note" && e.detail.as_deref().is_some_and(|d| d.to_lowercase().contains(needle))
        })
}

/// What `--sort` takes.
pub const SORT_KEYS: &[&str] =
    &["occurred", "reported", "recorded", "id", "status", "category", "site", "assignee", "harm", "summary"];

/// A value to sort incidents by, taken from each as it is read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SortKey {
    Time(crate::model::Stamp),
    Text(Option<String>),
    Status(Status),
    Harm(Option<crate::model::Harm>),
}

/// Checks a `--sort` key (`None`: by occurred).
pub fn sort_key_name(key: Option<&str>) -> Result<&str, String> {
    let key = key.unwrap_or("occurred");
    if SORT_KEYS.contains(&key) {
        Ok(key)
    } else {
        Err(crate::model::unknown_word("sort key", key, SORT_KEYS))
    }
}

/// The incident's value for a checked sort key; ties go by id.
pub fn sort_key(inc: &Incident, key: &str) -> SortKey {
    match key {
        "reported" => SortKey::Time(inc.reported_at),
        "recorded" => SortKey::Time(inc.recorded_at),
        "id" => SortKey::Text(None),
        "status" => SortKey::Status(inc.status),
        "category" => SortKey::Text(Some(inc.category.clone())),
        "site" => SortKey::Text(inc.site.clone()),
        "assignee" => SortKey::Text(inc.assignee.clone()),
        "harm" => SortKey::Harm(inc.harm),
        "summary" => SortKey::Text(Some(inc.summary.to_lowercase())),
        _ => SortKey::Time(inc.occurred_at),
    }
}
