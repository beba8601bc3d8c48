//! The team: who may be given a case. A member who has left (`left: DATE`
//! in lsms.yaml) stays a name the history may hold, as actor or handler,
//! but is never given a case again. Pure: "today" comes from the caller.

use super::workflow::Refusal;
use chrono::NaiveDate;

/// The team members who have left or are leaving, each with the day they
/// left: from that day on they are no longer on the team.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Leavers(pub Vec<(String, NaiveDate)>);

impl Leavers {
    /// The day `name` left or leaves (any case of the name), if it is said.
    pub fn left_on(&self, name: &str) -> Option<NaiveDate> {
        let name = name.trim();
        self.0.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, d)| *d)
    }

    /// The day `name` left, if that is `today` or earlier.
    pub fn has_left(&self, name: &str, today: NaiveDate) -> Option<NaiveDate> {
        self.left_on(name).filter(|d| *d <= today)
    }

    /// Those of `team` still on it `today`.
    pub fn current<'a>(&self, team: &'a [String], today: NaiveDate) -> Vec<&'a str> {
        team.iter().filter(|m| self.has_left(m, today).is_none()).map(String::as_str).collect()
    }
}

/// The name to give a case to, as lsms.yaml spells it, or a refusal: a
/// name not on the team (the nearest current member suggested), or one
/// who has left (saying when, and who is on the team). With no `team:`,
/// any one-line name.
pub fn assignee(
    team: Option<&[String]>,
    leavers: &Leavers,
    name: &str,
    today: NaiveDate,
) -> Result<String, Refusal> {
    let name = name.trim();
    let Some(team) = team else { return Ok(name.to_string()) };
    let current = leavers.current(team, today);
    let on_team = if current.is_empty() {
        "no one is on the team now".to_string()
    } else {
        format!("the team now: {}", current.join(", "))
    };
    let where_ = "the team is listed under `team:` in lsms.yaml";
    let Some(found) = team.iter().find(|m| m.eq_ignore_ascii_case(name)) else {
        let message = if current.is_empty() {
            format!("unknown team member '{name}': {on_team}")
        } else {
            super::unknown_word("team member", name, &current)
        };
        return Err(Refusal { message, help: Some(where_.into()) });
    };
    if let Some(day) = leavers.has_left(found, today) {
        return Err(Refusal {
            message: format!("{found} left the team on {day}, so cannot be given a case; {on_team}"),
            help: Some(format!(
                "give it to someone on the team; if {found} is back, remove `left:` from their entry under `team:` in lsms.yaml"
            )),
        });
    }
    Ok(found.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn team() -> Vec<String> {
        vec!["jfowlis".into(), "asmith".into(), "kdunn".into()]
    }

    fn leavers() -> Leavers {
        Leavers(vec![("asmith".into(), day("2026-03-31")), ("kdunn".into(), day("2026-12-31"))])
    }

    #[test]
    fn a_leaver_is_refused_as_assignee_from_the_day_they_left_naming_the_team() {
        let t = team();
        let r = assignee(Some(&t), &leavers(), "ASmith", day("2026-11-25")).unwrap_err();
        assert_eq!(
            r.message,
            "asmith left the team on 2026-03-31, so cannot be given a case; the team now: jfowlis, kdunn"
        );
        assert!(r.help.unwrap().contains("`left:`"));
        // The day before they left, they were still on the team.
        assert_eq!(assignee(Some(&t), &leavers(), "asmith", day("2026-03-30")).unwrap(), "asmith");
        // Leaving later: still on the team until then.
        assert_eq!(assignee(Some(&t), &leavers(), "kdunn", day("2026-11-25")).unwrap(), "kdunn");
        assert!(assignee(Some(&t), &leavers(), "kdunn", day("2026-12-31")).is_err());
    }

    #[test]
    fn an_unknown_name_is_offered_only_current_members() {
        let t = team();
        let r = assignee(Some(&t), &leavers(), "asmit", day("2026-11-25")).unwrap_err();
        assert!(!r.message.contains("asmith"), "a leaver is never offered: {}", r.message);
        assert!(r.message.contains("use one of jfowlis, kdunn"), "{}", r.message);
        let gone = Leavers(t.iter().map(|n| (n.clone(), day("2026-01-01"))).collect());
        let r = assignee(Some(&t), &gone, "x", day("2026-11-25")).unwrap_err();
        assert!(r.message.contains("no one is on the team now"), "{}", r.message);
        assert_eq!(assignee(None, &leavers(), " anyone ", day("2026-11-25")).unwrap(), "anyone");
    }
}
