//! `lsms close`: end a case with an outcome (and tell the reporter it).

use super::{Ctx, change, refused_all, text_or_stdin};
use crate::error::{Error, Result};
use crate::model::intake::{REF_SYSTEM, REPORTER_TOLD, outcome_words};
use crate::model::workflow::Act;
use crate::model::{Incident, Outcome, Party, Status};
use crate::store::Store;

/// Close an incident with an outcome and a closing note
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Outcomes: sanction-applied, no-further-action, unsubstantiated, referred, duplicate, withdrawn.\n\nA case does not close while a physical assault's medical factors are unknown, or while\nharm is above none and RIDDOR is undecided, nor as a duplicate without a duplicate-of link\n(`lsms link ID ORIGINAL --kind duplicate-of`), nor as sanction-applied with no sanction recorded\n(`lsms sanction ID --class C --kind K`): the refusal names the command that sets each.\n\n--tell-reporter (or `intake: { tell_reporter: true }` in lsms.yaml) emails the reporter the\noutcome in plain words from the template `intake: { outcome: }` (never a sanction or another\nperson's name), threaded on their report, and records a `reporter-told` entry. On a case\nclosed already it only tells them (`lsms due` lists closed cases whose reporter is not told).\n\nExamples:\n  lsms close 7QF3 --outcome sanction-applied --note 'Warning letter sent'\n  lsms close 7QF3 --outcome referred --note 'To police' --tell-reporter\n  lsms close 7QF3 --tell-reporter"
)]
pub struct Args {
    /// The incident's id, or its last four characters
    pub id: String,
    #[command(flatten)]
    pub on: super::args::OnArg,
    /// How the case ended
    #[arg(long, value_name = "OUTCOME", required_unless_present = "tell_reporter")]
    pub outcome: Option<String>,
    /// The closing note (`-` reads standard input)
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true, required_unless_present = "tell_reporter")]
    pub note: Option<String>,
    /// Email the reporter the outcome (the address they reported from)
    #[arg(long)]
    pub tell_reporter: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let always = store.config.intake.tell_reporter;
    if args.tell_reporter && store.config.intake.send.is_none() {
        return Err(Error::failed_with(
            "--tell-reporter: lsms.yaml gives no way to send email: nothing was changed",
            "add intake: { from: 'LSMS <lsms@trust.nhs.uk>', send: 'sendmail -t -i' } (or outbox: DIR) to lsms.yaml",
        ));
    }
    // In a sealed store the reporter's name and address open only with a
    // key: asked to tell without one, nothing is done; told by lsms.yaml
    // to, the case closes and `due` lists the reporter as not told.
    let opens = !store.is_sealed() || store.identity()?.is_some();
    if args.tell_reporter && !opens {
        return Err(store.no_identity("--tell-reporter (the reporter's name and address)"));
    }
    let inc = match (&args.outcome, &args.note) {
        (Some(outcome), Some(note)) => {
            let outcome = Outcome::parse(outcome).map_err(|m| Error::failed(format!("--outcome: {m}")))?;
            let note = text_or_stdin(note, "closing note")?;
            let done = change(ctx, &args.id, "closed", &args.on, |inc, act, _| {
                let id = inc.id.clone();
                inc.close(act, outcome, &note)
                    .map_err(|rs| refused_all(&format!("{id} cannot be closed yet"), rs))
            })?;
            ctx.say(format!("{}: closed ({outcome}).", done.incident.id));
            done.incident
        }
        // --tell-reporter alone: a case closed already.
        _ if args.on.on.is_some() => {
            return Err(Error::usage(
                "--on dates the closing: give it with --outcome and --note",
                "lsms close ID --outcome O --note TEXT --on WHEN",
            ));
        }
        _ => {
            let current = store.load(&args.id)?.incident;
            if current.status != Status::Closed {
                return Err(Error::usage(
                    format!("{} is not closed yet: give --outcome and --note to close it", current.id),
                    "lsms close ID --outcome O --note TEXT --tell-reporter",
                ));
            }
            current
        }
    };
    if args.tell_reporter || (always && store.config.intake.send.is_some()) {
        if opens {
            tell(ctx, &store, &inc, args.tell_reporter)?;
        } else {
            ctx.say(format!(
                "{}: the reporter was not told: this store is sealed and you have no identity                  (`lsms due` lists it; a recipient's `lsms close {} --tell-reporter` tells them)",
                inc.id, inc.id
            ));
        }
    }
    Ok(())
}

/// Emails the reporter of a closed case its outcome and records it.
/// `asked`: --tell-reporter was given, so a reporter who cannot be told
/// by email is an error, not a silence.
fn tell(ctx: &Ctx, store: &Store, inc: &Incident, asked: bool) -> Result<()> {
    let cfg = &store.config.intake;
    let (Some(how), Some(outcome)) = (&cfg.send, inc.outcome) else { return Ok(()) };
    let reporter = inc.reporter.as_ref().filter(|r| r.party != Party::Anonymous);
    let Some((name, address)) = reporter.and_then(|r| Some((r.name.as_deref(), r.email.as_deref()?))) else {
        if asked {
            return Err(Error::failed_with(
                format!(
                    "{}: the reporter gave no email address (or reported anonymously), so cannot be told by email",
                    inc.id
                ),
                format!(
                    "tell them another way, then record it: lsms note {} 'Reporter told the outcome by phone'",
                    inc.id
                ),
            ));
        }
        return Ok(());
    };
    // The report's Message-ID, to thread on (a message without one is
    // known by the hash of its bytes, which threads on nothing).
    let answers = crate::model::refs::position(&inc.refs, REF_SYSTEM)
        .map(|i| inc.refs[i].1.trim().trim_start_matches('<').trim_end_matches('>').to_string())
        .filter(|r| !r.starts_with("sha256:"));
    let msg = crate::store::mail::build(
        cfg,
        &store.config.trust,
        store.config.tz,
        ctx.now,
        inc,
        &cfg.outcome,
        Some(outcome_words(outcome)),
        answers.as_deref(),
        (name, address),
        "outcome",
    )?;
    crate::store::mail::deliver(how, &msg).map_err(|why| {
        Error::failed_with(
            format!("{}: the reporter was not told: {why}", inc.id),
            format!(
                "put the sending right, then: lsms close {} --tell-reporter (`lsms due` lists it meanwhile)",
                inc.id
            ),
        )
    })?;
    let actor = ctx.actor(store)?;
    let at = crate::model::time::in_zone(ctx.now, store.config.tz);
    let detail = format!("the outcome, by email (Message-ID <{}>)", msg.message_id);
    let done = store.update(&inc.id, |i| {
        i.history.push(Act::now(&actor, at).entry_with(REPORTER_TOLD, detail));
        Ok(())
    })?;
    if done.written && ctx.commits(store)? {
        let who = ctx.ident(store, &actor);
        crate::store::git::commit(
            &store.root,
            &[inc.id.rel_path()],
            &format!("{}: {REPORTER_TOLD}", inc.id),
            &who,
        )?;
    }
    ctx.say(format!("{}: the reporter was told the outcome by email.", inc.id));
    Ok(())
}
