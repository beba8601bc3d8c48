//! Filters and sorting over records: pure, given the store's zone and "now".

use crate::cli::FilterArgs;
use crate::model::{Incident, Status, Vocab, time};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use std::cmp::Ordering;

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
        i: &FilterArgs,
        default: DefaultStatus,
        vocab: &Vocab,
        tz: Tz,
        now: DateTime<Utc>,
    ) -> Result<Filter, String> {
        let statuses = if !i.status.is_empty() {
            let parsed: Result<Vec<Status>, String> = i.status.iter().map(|s| Status::parse(s)).collect();
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
            .category
            .iter()
            .map(|c| vocab.check_category(c))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("--category: {e}"))?;
        let site =
            i.site.as_deref().map(|s| vocab.check_site(s)).transpose().map_err(|e| format!("--site: {e}"))?;
        let since = i
            .since
            .as_deref()
            .map(|s| time::parse_when(s, tz, now).map(|t| t.to_utc()))
            .transpose()
            .map_err(|e| format!("--since: {e}"))?;
        let before = i
            .until
            .as_deref()
            .map(|s| match NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
                Ok(d) => Ok(time::start_of_day(d + Duration::days(1), tz)),
                Err(_) => time::parse_when(s, tz, now).map(|t| t.to_utc() + Duration::seconds(1)),
            })
            .transpose()
            .map_err(|e| format!("--until: {e}"))?;
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
        })
    }

    pub fn matches(&self, inc: &Incident) -> bool {
        let eq = |a: &Option<String>, b: &str| a.as_deref().is_some_and(|a| a.eq_ignore_ascii_case(b));
        self.statuses.as_ref().is_none_or(|s| s.contains(&inc.status))
            && (self.categories.is_empty() || self.categories.contains(&inc.category))
            && self.site.as_deref().is_none_or(|s| eq(&inc.site, s))
            && self.assignee.as_deref().is_none_or(|a| eq(&inc.assignee, a))
            && (!self.unassigned || inc.assignee.is_none())
            && self.since.is_none_or(|s| inc.occurred_at >= s)
            && self.before.is_none_or(|b| inc.occurred_at < b)
            && self.grep.as_deref().is_none_or(|g| grep(inc, g))
    }
}

fn grep(inc: &Incident, needle: &str) -> bool {
    let has = |s: &str| s.to_lowercase().contains(needle);
    has(&inc.summary)
        || inc.description.as_deref().is_some_and(has)
        || inc.location.as_deref().is_some_and(has)
        || inc.closure_note.as_deref().is_some_and(has)
        || inc.history.iter().any(|e| e.action == "note" && e.detail.as_deref().is_some_and(has))
}

/// What `--sort` takes.
pub const SORT_KEYS: &[&str] =
    &["occurred", "reported", "recorded", "id", "status", "category", "site", "assignee", "harm", "summary"];

/// Sorts by `key` (then by id, so the order is total); `None`: by occurred.
pub fn sort(incidents: &mut [&Incident], key: Option<&str>, reverse: bool) -> Result<(), String> {
    let key = key.unwrap_or("occurred");
    let cmp: fn(&Incident, &Incident) -> Ordering = match key {
        "occurred" => |a, b| a.occurred_at.cmp(&b.occurred_at),
        "reported" => |a, b| a.reported_at.cmp(&b.reported_at),
        "recorded" => |a, b| a.recorded_at.cmp(&b.recorded_at),
        "id" => |_, _| Ordering::Equal,
        "status" => |a, b| a.status.cmp(&b.status),
        "category" => |a, b| a.category.cmp(&b.category),
        "site" => |a, b| a.site.cmp(&b.site),
        "assignee" => |a, b| a.assignee.cmp(&b.assignee),
        "harm" => |a, b| a.harm.cmp(&b.harm),
        "summary" => |a, b| a.summary.to_lowercase().cmp(&b.summary.to_lowercase()),
        other => return Err(crate::model::unknown_word("sort key", other, SORT_KEYS)),
    };
    incidents.sort_by(|a, b| cmp(a, b).then_with(|| a.id.cmp(&b.id)));
    if reverse {
        incidents.reverse();
    }
    Ok(())
}
