//! `lsms person NAME --sar --output DIR`: a subject access bundle. Every
//! incident naming the person (as reporter or one of the people), what the
//! register holds about them, with everyone else replaced by role and party
//! (`model::redact`), as HTML to read and print and as JSON, a review file
//! for the LSMS, and a `disclosed` entry on each incident.

use super::{Ctx, gather};
use crate::error::{Error, Result};
use crate::model::disclosure::disclosure;
use crate::model::redact::{Doubt, Names, Other, Redactor, names_subject, words};
use crate::model::workflow::Act;
use crate::model::{DisclosureForm, Incident, Recipient};
use crate::query::Filter;
use crate::render::casefile::{SAR_EVIDENCE, SAR_HISTORY, SAR_PEOPLE, SAR_SANCTIONS, Sar, SarCase, sar_html};
use crate::store::Store;
use std::fmt::Write as _;
use std::path::Path;

/// The lawful basis a bundle records unless told otherwise.
pub const ART_15: &str = "UK GDPR Art. 15 (right of access)";

/// The files of a bundle.
pub const HTML: &str = "subject-access.html";
pub const JSON: &str = "subject-access.json";
/// For the LSMS before release: not to be sent.
pub const REVIEW: &str = "REVIEW-BEFORE-RELEASE.txt";

pub struct Request<'a> {
    pub name: &'a str,
    pub dir: &'a Path,
    pub with_evidence: bool,
    pub basis: Option<&'a str>,
    pub filter: &'a Filter,
}

/// What the LSMS is to look at before release, one line each.
#[derive(Default)]
struct Review(Vec<String>);

impl Review {
    fn doubts(&mut self, id: &str, field: &str, ds: Vec<Doubt>) {
        for d in ds {
            self.0.push(format!("{id} {field}: {:?}: {}", d.written, d.why));
        }
    }
}

/// One incident redacted for the subject.
fn redact_case(inc: &Incident, searched: &[String], tz: chrono_tz::Tz, review: &mut Review) -> SarCase {
    let id = inc.id.to_string();
    // Everyone named, with their label: the subject as themselves.
    let mut subject_names: Vec<String> = Vec::new();
    let mut others: Vec<Other> = Vec::new();
    let mut counts: std::collections::HashMap<String, usize> = Default::default();
    let mut people = Vec::new();
    let mut parts: Vec<String> = Vec::new();
    let mut unnamed = 0;
    let mut label_of: Vec<(String, String)> = Vec::new(); // folded name → label
    for p in &inc.people {
        let role = p.role.to_string();
        let n = counts.entry(role.clone()).or_default();
        *n += 1;
        let label = format!("[{role} {n}, {}]", p.party);
        let who = match p.name.as_deref() {
            Some(name) => match names_subject(searched, name) {
                Names::Yes => {
                    subject_names.push(name.to_string());
                    parts.push(role.clone());
                    format!("you ({name})")
                }
                m => {
                    if m == Names::Maybe {
                        review.0.push(format!(
                            "{id} people: {name:?} ({role}) may be the subject: shown as {label}; decide"
                        ));
                    }
                    others.push(Other { label: label.clone(), name: Some(name.to_string()) });
                    label_of.push((words(name).join(" "), label.clone()));
                    label.clone()
                }
            },
            None => {
                unnamed += 1;
                label.clone()
            }
        };
        people.push(vec![role, p.party.to_string(), who]);
    }
    if let Some(r) = &inc.reporter {
        let who = match r.name.as_deref() {
            Some(name) if names_subject(searched, name) == Names::Yes => {
                subject_names.push(name.to_string());
                parts.insert(0, "reporter".into());
                format!("you ({name})")
            }
            Some(name) => {
                let folded = words(name).join(" ");
                let label = label_of
                    .iter()
                    .find(|(f, _)| *f == folded)
                    .map(|(_, l)| l.clone())
                    .unwrap_or_else(|| format!("[reporter, {}]", r.party));
                if names_subject(searched, name) == Names::Maybe {
                    review.0.push(format!(
                        "{id} reporter: {name:?} may be the subject: shown as {label}; decide"
                    ));
                }
                others.push(Other { label: label.clone(), name: Some(name.to_string()) });
                label
            }
            None => format!("[reporter, {}]", r.party),
        };
        people.insert(0, vec!["reporter".into(), r.party.to_string(), who]);
    }
    if unnamed > 0 {
        review.0.push(format!(
            "{id}: {unnamed} person(s) recorded without a name: a name of theirs in the text is not known to lsms and was not replaced; read the text"
        ));
    }
    // Names the record held once and holds no longer (a person withdrawn,
    // a name corrected) stand in the history's changes: redacted too.
    let mut known: Vec<String> =
        others.iter().filter_map(|o| o.name.as_deref()).map(|n| words(n).join(" ")).collect();
    for e in &inc.history {
        let values = [e.from.as_deref(), e.to.as_deref()];
        let named: Vec<(String, String)> = match e.field.as_deref() {
            // `role:party:name` items, `; ` between them (withdraw::person_text).
            Some("people") => values
                .iter()
                .flatten()
                .flat_map(|v| v.split("; "))
                .filter_map(|item| {
                    let mut it = item.splitn(3, ':');
                    let (role, party, name) = (it.next()?, it.next()?, it.next()?);
                    Some((name.to_string(), format!("[earlier {role}, {party}]")))
                })
                .collect(),
            Some("reporter.name") => {
                values.iter().flatten().map(|n| (n.to_string(), "[earlier reporter]".to_string())).collect()
            }
            _ => Vec::new(),
        };
        for (name, label) in named {
            let folded = words(&name).join(" ");
            match names_subject(searched, &name) {
                Names::Yes => subject_names.push(name),
                _ if known.contains(&folded) => {}
                m => {
                    if m == Names::Maybe {
                        review.0.push(format!(
                            "{id} history: {name:?} may be the subject: shown as {label}; decide"
                        ));
                    }
                    known.push(folded);
                    others.push(Other { label, name: Some(name) });
                }
            }
        }
    }
    let mut subject: Vec<&str> = subject_names.iter().map(String::as_str).collect();
    let searched_name = searched.join(" ");
    subject.push(&searched_name);
    let r = Redactor::new(&subject, &others);
    let mut red = |field: &str, t: &str| {
        let (out, ds) = r.redact(t);
        review.doubts(&id, field, ds);
        out
    };
    let when = |t: &crate::model::Stamp| t.with_timezone(&tz).format("%d/%m/%Y %H:%M").to_string();
    let mut fields: Vec<(String, String)> = vec![
        ("Incident".into(), id.clone()),
        ("Your part".into(), parts.join(", ")),
        ("Category".into(), inc.category.clone()),
        ("Status".into(), inc.status.to_string()),
        ("Occurred".into(), when(&inc.occurred_at)),
        ("Reported".into(), when(&inc.reported_at)),
        ("Summary".into(), red("summary", &inc.summary)),
    ];
    let mut opt =
        |label: &str, field: &str, v: Option<&str>, redact: bool, fields: &mut Vec<(String, String)>| {
            if let Some(v) = v {
                let v = if redact { red(field, v) } else { v.to_string() };
                fields.push((label.into(), v));
            }
        };
    opt("Site", "site", inc.site.as_deref(), false, &mut fields);
    opt("Location", "location", inc.location.as_deref(), true, &mut fields);
    opt("Description", "description", inc.description.as_deref(), true, &mut fields);
    let harm = inc.harm.map(|h| h.to_string());
    opt("Harm", "harm", harm.as_deref(), false, &mut fields);
    let flags = (!inc.flags.is_empty()).then(|| inc.flags.join(", "));
    opt("Flags", "flags", flags.as_deref(), false, &mut fields);
    opt("Weapon", "weapon", inc.weapon.as_deref(), true, &mut fields);
    let police = inc.police.as_ref().map(|p| match &p.crime_ref {
        Some(r) => format!("informed; crime reference {r}"),
        None if p.informed => "informed".into(),
        None => "not informed".into(),
    });
    opt("Police", "police", police.as_deref(), false, &mut fields);
    let losses =
        inc.losses.as_ref().map(|l| format!("estimated £{}, recovered £{}", l.estimated, l.recovered));
    opt("Losses", "losses", losses.as_deref(), false, &mut fields);
    let notified = (!inc.notified.is_empty()).then(|| {
        inc.notified
            .iter()
            .map(|n| format!("{} on {}", n.to, n.date.format("%d/%m/%Y")))
            .collect::<Vec<_>>()
            .join("; ")
    });
    opt("Notified", "notified", notified.as_deref(), false, &mut fields);
    let outcome = inc.outcome.map(|o| o.to_string());
    opt("Outcome", "outcome", outcome.as_deref(), false, &mut fields);
    let closed = inc.closed_at.as_ref().map(when);
    opt("Closed", "closed_at", closed.as_deref(), false, &mut fields);
    opt("Closure note", "closure_note", inc.closure_note.as_deref(), true, &mut fields);
    let sanctions = inc
        .sanctions
        .iter()
        .map(|s| {
            vec![
                s.class.to_string(),
                red("sanctions.kind", &s.kind),
                s.date.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default(),
                s.note.as_deref().map(|n| red("sanctions.note", n)).unwrap_or_default(),
            ]
        })
        .collect();
    let mut hist: Vec<&crate::model::Entry> = inc.history.iter().collect();
    hist.sort_by_key(|e| e.at);
    let history = hist
        .iter()
        .map(|e| {
            let mut what = e.action.clone();
            if let Some(f) = &e.field {
                let _ = write!(what, " {f}");
            }
            let change = crate::model::incident::change_shown(&e.action, e.from.as_deref(), e.to.as_deref())
                .unwrap_or_default();
            let detail = [change, e.detail.clone().unwrap_or_default()].join("\n").trim().to_string();
            vec![when(&e.at), what, red("history", &detail)]
        })
        .collect();
    let evidence = inc
        .evidence
        .iter()
        .map(|e| {
            vec![
                e.sha256.clone(),
                red("evidence.name", &e.name),
                format!("{} bytes", e.size),
                when(&e.added_at),
                e.source.as_deref().map(|s| red("evidence.source", s)).unwrap_or_default(),
            ]
        })
        .collect::<Vec<_>>();
    if !inc.evidence.is_empty() {
        review.0.push(format!(
            "{id}: {} evidence file(s) listed: their content is not redacted; view each before any copy is released",
            inc.evidence.len()
        ));
    }
    if !inc.extra.is_empty() {
        review.0.push(format!(
            "{id}: {} key(s) of the trust's own are not in the bundle; read the record (`lsms show {id} --format yaml`) for anything about the subject",
            inc.extra.len()
        ));
    }
    SarCase { id, fields, people, sanctions, history, evidence }
}

fn json_case(c: &SarCase) -> serde_json::Value {
    let rows = |head: &[&str], rows: &[Vec<String>]| -> serde_json::Value {
        rows.iter()
            .map(|r| {
                let m: serde_json::Map<String, serde_json::Value> = head
                    .iter()
                    .zip(r)
                    .map(|(h, v)| {
                        (h.to_lowercase().replace([' ', '-'], "_"), serde_json::Value::from(v.as_str()))
                    })
                    .collect();
                serde_json::Value::Object(m)
            })
            .collect()
    };
    let fields: serde_json::Map<String, serde_json::Value> = c
        .fields
        .iter()
        .map(|(k, v)| (k.to_lowercase().replace(' ', "_"), serde_json::Value::from(v.as_str())))
        .collect();
    serde_json::json!({
        "id": c.id,
        "record": fields,
        "people": rows(&SAR_PEOPLE, &c.people),
        "sanctions": rows(&SAR_SANCTIONS, &c.sanctions),
        "history": rows(&SAR_HISTORY, &c.history),
        "evidence": rows(&SAR_EVIDENCE, &c.evidence),
    })
}

/// Writes `bytes` as a new owner-only file in the bundle.
fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::store::fsio::write_atomic_perm(path, bytes, crate::store::Mode::CreateNew, 0o600)
        .map_err(Error::io("write", path))
}

pub fn run(ctx: &Ctx, store: &Store, req: &Request<'_>) -> Result<()> {
    let searched = words(req.name);
    if searched.is_empty() {
        return Err(Error::usage(
            "the name is empty",
            "give the data subject's name, like lsms person 'Sam Jones' --sar -o DIR",
        ));
    }
    let d =
        disclosure(DisclosureForm::SubjectAccess, Recipient::DataSubject, None, req.basis.unwrap_or(ART_15))
            .map_err(|e| Error::failed_with(e, "leave out --basis for UK GDPR Art. 15, or say the basis"))?;
    let actor = ctx.actor(store)?;
    let tz = store.config.tz;
    // The store's lock is held from the search to the recording, so the
    // bundle is the register as it stood when it was disclosed.
    let lock = store.lock()?;
    let (mut found, bad) = gather(store, true, |i| {
        // A void record naming them is left out as the filter says, and
        // said in the review (`--include-void` adds it).
        if !req.filter.matches(&i) && !req.filter.left_out_as_void(&i) {
            return None;
        }
        let named = i
            .reporter
            .iter()
            .filter_map(|r| r.name.as_deref())
            .chain(i.people.iter().filter_map(|p| p.name.as_deref()))
            .map(|n| (names_subject(&searched, n), n.to_string()))
            .filter(|(m, _)| *m != Names::No)
            .collect::<Vec<_>>();
        (!named.is_empty()).then_some((i, named))
    })?;
    // A bundle is whole or not at all: a file that cannot be read may name them.
    super::refuse_unread(ctx, bad, "and may name the subject: no bundle was written")?;
    found.sort_by(|(a, _), (b, _)| (a.occurred_at, &a.id).cmp(&(b.occurred_at, &b.id)));
    let mut review = Review::default();
    let mut cases = Vec::new();
    let mut included: Vec<&Incident> = Vec::new();
    for (inc, named) in &found {
        if inc.void.is_some() && !req.filter.include_void {
            if named.iter().any(|(m, _)| *m == Names::Yes) {
                review.0.push(format!(
                    "{}: a void record (entered in error) names the subject: NOT in the bundle; --include-void adds it",
                    inc.id
                ));
            }
        } else if named.iter().any(|(m, _)| *m == Names::Yes) {
            cases.push(redact_case(inc, &searched, tz, &mut review));
            included.push(inc);
        } else {
            let names: Vec<String> = named.iter().map(|(_, n)| format!("{n:?}")).collect();
            review.0.push(format!(
                "{}: names {} which may be the subject: NOT in the bundle; if it is them, run again with that name",
                inc.id,
                names.join(", ")
            ));
        }
    }
    if included.is_empty() {
        return Err(Error::failed_with(
            format!("no incident names {}: no bundle was written", req.name.trim()),
            "`lsms person NAME` lists the incidents naming a person, with the names as recorded",
        ));
    }
    // Every incident must take its `disclosed` entry before anything is written.
    for inc in &included {
        store.read_for_update(&inc.id, false)?;
    }
    let now = crate::model::time::in_zone(ctx.now, tz);
    let made = now.format("%d/%m/%Y %H:%M").to_string();
    let mut searched_rows = vec![
        ("Name searched for".to_string(), req.name.trim().to_string()),
        ("Searched".into(), "the reporter and every person named in every incident of the register, names matched ignoring case, accents and spacing".into()),
        ("When".into(), made.clone()),
        ("By".into(), actor.clone()),
        ("Register".into(), store.config.trust.clone()),
        ("Incidents found".into(), cases.len().to_string()),
        ("Lawful basis".into(), d.basis.clone()),
    ];
    if req.with_evidence {
        searched_rows
            .push(("Evidence".into(), "copied into evidence/ beside this file, with SHA256SUMS".into()));
    }
    let sar = Sar {
        trust: store.config.trust.clone(),
        marking: "OFFICIAL-SENSITIVE".into(),
        searched: searched_rows,
        cases,
        copied: req.with_evidence,
    };
    let html = sar_html(&sar);
    let json = serde_json::json!({
        "marking": sar.marking,
        "searched": sar.searched.iter().map(|(k, v)| serde_json::json!({ "what": k, "value": v })).collect::<Vec<_>>(),
        "incidents": sar.cases.iter().map(json_case).collect::<Vec<_>>(),
    });
    let json = serde_json::to_string_pretty(&json).map_err(|e| Error::failed(e.to_string()))? + "\n";
    let mut review_text = format!(
        "Subject access bundle for {:?}, made {made} by {actor}.\nFOR THE LSMS: read before release, and do not send this file.\n\n",
        req.name.trim()
    );
    review_text.push_str(
        "lsms replaces the names recorded for each person in a case. A name that appears only in the text \
         (someone never recorded as reporter or person) is not known to it: read the text of every incident.\n\n",
    );
    if review.0.is_empty() {
        review_text.push_str("Nothing else was found that could not be redacted with certainty.\n");
    } else {
        review_text.push_str("Names and parts that could not be redacted with certainty:\n");
        for l in &review.0 {
            let _ = writeln!(review_text, "- {l}");
        }
    }

    // Written only now, whole: a new or empty folder, owner-only.
    let made_dir = super::evidence::prepare_dir(store, req.dir, "--output")?;
    if !made_dir {
        // An empty folder given is made owner-only, as a new one is.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(req.dir, std::fs::Permissions::from_mode(0o700))
            .map_err(Error::io("make owner-only", req.dir))?;
    }
    let mut copies = Vec::new();
    let undo = |copies: &[super::evidence::CopiedOut]| {
        for c in copies {
            c.undo();
        }
        for f in [HTML, JSON, REVIEW] {
            let _ = std::fs::remove_file(req.dir.join(f));
        }
        let _ = std::fs::remove_dir(req.dir.join("evidence"));
        if made_dir {
            let _ = std::fs::remove_dir(req.dir);
        }
    };
    let written = (|| -> Result<()> {
        write_new(&req.dir.join(HTML), html.as_bytes())?;
        write_new(&req.dir.join(JSON), json.as_bytes())?;
        write_new(&req.dir.join(REVIEW), review_text.as_bytes())?;
        if req.with_evidence {
            for (inc, case) in included.iter().zip(&sar.cases).filter(|(i, _)| !i.evidence.is_empty()) {
                let root = req.dir.join("evidence");
                if !root.exists() {
                    use std::os::unix::fs::DirBuilderExt;
                    std::fs::DirBuilder::new().mode(0o700).create(&root).map_err(Error::io("make", &root))?;
                }
                // Copied under their names as the bundle lists them: redacted.
                let renamed: Vec<crate::model::Evidence> = inc
                    .evidence
                    .iter()
                    .map(|e| {
                        let listed = case.evidence.iter().find(|r| r[0] == e.sha256).map(|r| r[1].clone());
                        crate::model::Evidence { name: listed.unwrap_or_else(|| e.name.clone()), ..e.clone() }
                    })
                    .collect();
                let chosen: Vec<_> = renamed.iter().collect();
                copies.push(super::evidence::copy_all_out(
                    ctx,
                    store,
                    &chosen,
                    &root.join(inc.id.to_string()),
                    "--output",
                )?);
            }
        }
        Ok(())
    })();
    if let Err(e) = written {
        undo(&copies);
        return Err(e);
    }
    // Everything is written: each incident takes its `disclosed` entry, under the same hold of the lock.
    let act = Act::now(&actor, now);
    let mut entry = d.clone();
    entry.included =
        vec!["record, others redacted to role and party".into(), "history".into(), "evidence list".into()];
    if req.with_evidence {
        entry.included.push("evidence copies".into());
    }
    entry.omitted =
        vec!["other people's names".into(), "links to other cases".into(), "keys of the trust's own".into()];
    let ids: Vec<&crate::model::Id> = included.iter().map(|i| &i.id).collect();
    super::record_disclosure(
        ctx,
        store,
        lock,
        &act,
        &ids,
        &entry,
        "subject access: disclosed",
        req.dir,
        || undo(&copies),
    )?;
    ctx.say(format!(
        "Wrote a subject access bundle of {} incident(s) to {} ({HTML}, {JSON}); the disclosure is recorded on each.",
        included.len(),
        req.dir.display()
    ));
    ctx.say(format!(
        "Read {} before release ({} item(s) to review); do not send it.",
        req.dir.join(REVIEW).display(),
        review.0.len()
    ));
    Ok(())
}
