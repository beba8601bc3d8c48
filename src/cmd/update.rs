//! `lsms update`: change an incident's fields, each change in the history.

use super::args::IncidentFields;
use super::{Ctx, change, refused, text_or_stdin};
use crate::error::{Error, Result};
use crate::model::draft::parse_person;
use crate::model::time::{parse_date, parse_when, rfc3339};
use crate::model::workflow::{FieldChange, show, show_date};
use crate::model::*;

const AFTER_HELP: &str = "\
An empty value clears an optional field (--site '', --location '', --police-ref '',
--weapon ''). --person, --asset and --flag add to the lists; --no-people and --no-assets
empty them first; --unflag takes a flag off. --ref SYSTEM=REF sets the case's reference in
another system (Datix, say), replacing the one there; --unref SYSTEM removes it.

Examples:
  lsms update 7QF3 --harm moderate --medical-factors yes
  lsms update 7QF3 --riddor not-reportable --riddor-basis 'No injury to staff'
  lsms update 7QF3 --status awaiting-external
  lsms update 7QF3 --person witness:visitor:J. Smith
  lsms update 7QF3 --flag weapon --weapon 'kitchen knife' --unflag alcohol
  lsms update 7QF3 --ref datix=DX-1001";

/// Change an incident's fields
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The incident's id, or its last four characters
    pub id: String,
    #[command(flatten)]
    pub fields: IncidentFields,
    /// yes, no or unknown
    #[arg(long, value_name = "Y/N")]
    pub medical_factors: Option<String>,
    /// Were the police told? yes or no
    #[arg(long, value_name = "Y/N")]
    pub police_informed: Option<String>,
    /// not-reportable, reportable, reported or undecided
    #[arg(long, value_name = "S")]
    pub riddor: Option<String>,
    /// Why RIDDOR applies or not
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub riddor_basis: Option<String>,
    /// The HSE's reference for a RIDDOR report
    #[arg(long, value_name = "REF")]
    pub hse_ref: Option<String>,
    /// When it was reported to the HSE, day first (24/11/2026) or 2026-11-24
    #[arg(long, value_name = "DATE")]
    pub riddor_reported_on: Option<String>,
    /// investigating or awaiting-external
    #[arg(long, value_name = "S")]
    pub status: Option<String>,
    /// Empty the list of people first
    #[arg(long)]
    pub no_people: bool,
    /// Empty the list of assets first
    #[arg(long)]
    pub no_assets: bool,
    /// Set the case's reference in another system (repeatable), e.g. datix=DX-1001
    #[arg(long = "ref", value_name = "SYSTEM=REF")]
    pub refs: Vec<String>,
    /// Remove the case's reference in SYSTEM (repeatable)
    #[arg(long, value_name = "SYSTEM")]
    pub unref: Vec<String>,
    /// Take this flag off (repeatable)
    #[arg(long, value_name = "F")]
    pub unflag: Vec<String>,
}

fn fail(flag: &str) -> impl Fn(String) -> Error + '_ {
    move |m| Error::failed(format!("--{flag}: {m}"))
}

/// An optional one-line text: empty clears it.
fn opt_line(flag: &str, v: &Option<String>) -> Result<Option<Option<String>>> {
    match v.as_deref().map(str::trim) {
        None => Ok(None),
        Some("") => Ok(Some(None)),
        Some(s) if s.contains(crate::model::text::LINE_BREAKS) => {
            Err(Error::failed(format!("--{flag}: give one line")))
        }
        Some(s) => Ok(Some(Some(s.to_string()))),
    }
}

fn yes_no(flag: &str, v: &str) -> Result<bool> {
    match Tri::parse(v).map_err(fail(flag))? {
        Tri::Yes => Ok(true),
        Tri::No => Ok(false),
        Tri::Unknown => Err(Error::failed(format!("--{flag}: say yes or no"))),
    }
}

fn people_text(p: &[Person]) -> Option<String> {
    let v: Vec<String> = p
        .iter()
        .map(|p| match &p.name {
            Some(n) => format!("{}:{}:{n}", p.role, p.party),
            None => format!("{}:{}", p.role, p.party),
        })
        .collect();
    (!v.is_empty()).then(|| v.join("; "))
}

fn assets_text(a: &[Asset]) -> Option<String> {
    (!a.is_empty()).then(|| a.iter().map(|a| a.as_str()).collect::<Vec<_>>().join(", "))
}

pub fn run(ctx: &Ctx, a: &Args) -> Result<()> {
    let description = a.fields.description.as_deref().map(|d| text_or_stdin(d, "description")).transpose()?;
    let done = change(ctx, &a.id, "updated", |inc, act, store| {
        let tz = store.config.tz;
        let vocab = store.config.vocab();
        let mut changes: Vec<FieldChange> = Vec::new();
        macro_rules! put {
            ($slot:expr, $new:expr, $field:literal, $show:expr) => {{
                let new = $new;
                if $slot != new {
                    changes.push(FieldChange { field: $field, from: $show(&$slot), to: $show(&new) });
                    $slot = new;
                }
            }};
        }
        macro_rules! diff {
            ($old:expr, $new:expr, $field:literal, $show:expr) => {{
                let (old, new) = ($old, $new);
                if old != new {
                    changes.push(FieldChange { field: $field, from: $show(&old), to: $show(&new) });
                }
            }};
        }
        let text = |s: &String| Some(s.clone());
        let stamp = |s: &Stamp| Some(rfc3339(s));

        if let Some(c) = &a.fields.category {
            put!(inc.category, vocab.check_category(c).map_err(fail("category"))?, "category", text);
        }
        if let Some(s) = &a.fields.summary {
            let s = s.trim();
            if s.is_empty() || s.contains(crate::model::text::LINE_BREAKS) {
                return Err(Error::failed("--summary: give one line that says what happened"));
            }
            put!(inc.summary, s.to_string(), "summary", text);
        }
        if let Some(w) = &a.fields.occurred {
            put!(
                inc.occurred_at,
                parse_when(w, tz, ctx.now).map_err(fail("occurred"))?,
                "occurred_at",
                stamp
            );
        }
        if let Some(w) = &a.fields.reported {
            put!(
                inc.reported_at,
                parse_when(w, tz, ctx.now).map_err(fail("reported"))?,
                "reported_at",
                stamp
            );
        }
        if inc.occurred_at > inc.reported_at {
            return Err(Error::failed(format!(
                "occurred time {} would be later than reported time {}",
                rfc3339(&inc.occurred_at),
                rfc3339(&inc.reported_at)
            )));
        }
        let now = time::in_zone(ctx.now, tz);
        if inc.occurred_at > now || inc.reported_at > now {
            return Err(Error::failed("--occurred/--reported: a time in the future"));
        }
        if let Some(site) = opt_line("site", &a.fields.site)? {
            let site = site.map(|s| vocab.check_site(&s).map_err(fail("site"))).transpose()?;
            put!(inc.site, site, "site", show);
        }
        if let Some(l) = opt_line("location", &a.fields.location)? {
            put!(inc.location, l, "location", show);
        }
        if let Some(d) = description {
            let d = Some(d).filter(|d| !d.trim().is_empty());
            put!(inc.description, d, "description", show);
        }
        if a.fields.reporter.is_some() || a.fields.reporter_party.is_some() {
            let old = inc.reporter.clone();
            let mut r = old.clone().unwrap_or(Reporter {
                name: None,
                party: Party::Unknown,
                extra: Default::default(),
            });
            if let Some(n) = opt_line("reporter", &a.fields.reporter)? {
                r.name = n;
            }
            if let Some(p) = &a.fields.reporter_party {
                r.party = Party::parse(p).map_err(fail("reporter-party"))?;
            }
            let (on, op) = (old.as_ref().and_then(|o| o.name.clone()), old.as_ref().map(|o| o.party));
            if on != r.name {
                changes.push(FieldChange { field: "reporter.name", from: on, to: r.name.clone() });
            }
            if op != Some(r.party) {
                changes.push(FieldChange {
                    field: "reporter.party",
                    from: show(&op),
                    to: Some(r.party.to_string()),
                });
            }
            inc.reporter = Some(r);
        }
        if let Some(h) = &a.fields.harm {
            put!(inc.harm, Some(Harm::parse(h).map_err(fail("harm"))?), "harm", show);
        }
        if let Some(m) = &a.medical_factors {
            put!(
                inc.medical_factors,
                Some(Tri::parse(m).map_err(fail("medical-factors"))?),
                "medical_factors",
                show
            );
        }
        if a.police_informed.is_some() || a.fields.police_ref.is_some() {
            let mut p = inc.police.clone().unwrap_or(Police {
                informed: false,
                crime_ref: None,
                extra: Default::default(),
            });
            if let Some(i) = &a.police_informed {
                p.informed = yes_no("police-informed", i)?;
            }
            if let Some(r) = opt_line("police-ref", &a.fields.police_ref)? {
                if r.is_some() {
                    p.informed = true;
                }
                p.crime_ref = r;
            }
            let old = inc.police.clone();
            diff!(inc.police.as_ref().map(|p| p.informed), Some(p.informed), "police.informed", show);
            diff!(
                old.as_ref().and_then(|p| p.crime_ref.clone()),
                p.crime_ref.clone(),
                "police.crime_ref",
                show
            );
            inc.police = Some(p);
        }
        if a.riddor.is_some()
            || a.riddor_basis.is_some()
            || a.hse_ref.is_some()
            || a.riddor_reported_on.is_some()
        {
            let old = inc.riddor.clone();
            let mut r = old.clone().unwrap_or(Riddor {
                status: RiddorStatus::Undecided,
                basis: None,
                hse_ref: None,
                reported_on: None,
                extra: Default::default(),
            });
            if let Some(s) = &a.riddor {
                r.status = RiddorStatus::parse(s).map_err(fail("riddor"))?;
            }
            if let Some(b) = opt_line("riddor-basis", &a.riddor_basis)? {
                r.basis = b;
            }
            if let Some(h) = opt_line("hse-ref", &a.hse_ref)? {
                r.hse_ref = h;
            }
            if let Some(d) = &a.riddor_reported_on {
                r.reported_on = Some(parse_date(d).map_err(fail("riddor-reported-on"))?);
            }
            diff!(old.as_ref().map(|o| o.status), Some(r.status), "riddor.status", show);
            diff!(old.as_ref().and_then(|o| o.basis.clone()), r.basis.clone(), "riddor.basis", show);
            diff!(old.as_ref().and_then(|o| o.hse_ref.clone()), r.hse_ref.clone(), "riddor.hse_ref", show);
            diff!(old.as_ref().and_then(|o| o.reported_on), r.reported_on, "riddor.reported_on", show_date);
            inc.riddor = Some(r);
        }
        if a.no_people || !a.fields.people.is_empty() {
            let mut people = if a.no_people { Vec::new() } else { inc.people.clone() };
            for p in &a.fields.people {
                people.push(parse_person(p).map_err(fail("person"))?);
            }
            let old = people_text(&inc.people);
            if old != people_text(&people) {
                changes.push(FieldChange { field: "people", from: old, to: people_text(&people) });
            }
            inc.people = people;
        }
        if a.no_assets || !a.fields.assets.is_empty() {
            let mut assets = if a.no_assets { Vec::new() } else { inc.assets.clone() };
            for x in &a.fields.assets {
                let x = Asset::parse(x).map_err(fail("asset"))?;
                if !assets.contains(&x) {
                    assets.push(x);
                }
            }
            put!(inc.assets, assets, "assets", |v: &Vec<Asset>| assets_text(v));
        }
        for r in &a.unref {
            let i = refs::position(&inc.refs, r).ok_or_else(|| {
                let held: Vec<&str> = inc.refs.iter().map(|(k, _)| k.as_str()).collect();
                Error::failed_with(
                    format!("--unref: {} has no reference in '{}'", inc.id, r.trim()),
                    if held.is_empty() {
                        "it has no references".to_string()
                    } else {
                        format!("it has references in: {}", held.join(", "))
                    },
                )
            })?;
            let (k, v) = inc.refs.remove(i);
            changes.push(FieldChange { field: "refs", from: Some(format!("{k}={v}")), to: None });
        }
        for r in &a.refs {
            let (k, v) = refs::parse_pair(r).map_err(fail("ref"))?;
            // A system already held keeps the spelling it has.
            let k = refs::position(&inc.refs, &k).map_or(k, |i| inc.refs[i].0.clone());
            let shown = |v: &str| format!("{k}={v}");
            let old = refs::set(&mut inc.refs, k.clone(), v.clone());
            if old.as_deref() != Some(v.as_str()) {
                changes.push(FieldChange {
                    field: "refs",
                    from: old.as_deref().map(shown),
                    to: Some(shown(&v)),
                });
            }
        }
        if !a.fields.flags.is_empty() || !a.unflag.is_empty() {
            let mut flags = inc.flags.clone();
            for f in &a.fields.flags {
                let f = vocab.check_flag(f).map_err(fail("flag"))?;
                if !flags.contains(&f) {
                    flags.push(f);
                }
            }
            for f in &a.unflag {
                let f = vocab.check_flag(f).map_err(fail("unflag"))?;
                if a.fields.flags.iter().any(|g| g.trim().eq_ignore_ascii_case(&f)) {
                    return Err(Error::failed(format!("--flag and --unflag both name '{f}': say which")));
                }
                flags.retain(|g| *g != f);
            }
            put!(inc.flags, flags, "flags", |v: &Vec<String>| (!v.is_empty()).then(|| v.join(", ")));
        }
        if let Some(w) = opt_line("weapon", &a.fields.weapon)? {
            put!(inc.weapon, w, "weapon", show);
        }
        let touched = !changes.is_empty();
        if touched && inc.status == Status::Closed {
            return Err(Error::failed_with(
                format!("{} is closed: its fields cannot be changed", inc.id),
                format!("reopen it first with `lsms reopen {} --reason TEXT`", inc.id),
            ));
        }
        for c in changes {
            inc.changed(act, c);
        }
        if let Some(s) = &a.status {
            let s = Status::parse(s).map_err(fail("status"))?;
            inc.set_workflow_status(act, s).map_err(refused)?;
        }
        Ok(())
    })?;
    if done.written {
        ctx.say(format!("{}: updated.", done.incident.id));
    }
    Ok(())
}
