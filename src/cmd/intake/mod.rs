//! `lsms intake`: reports by email. Each new message of a Maildir (or an
//! mbox, or one on standard input) becomes an incident flagged `triage`,
//! its attachments and the message itself evidence; a reply becomes a note
//! on its case; the sender gets an acknowledgement with the reference
//! where lsms.yaml says how to send. A message is marked read only after
//! its incident is written, and one that cannot be made a case goes to
//! `failed/` with the reason beside it: nothing lost, nothing twice.
//!
//! - `message`: one message read into what a case is made of;
//! - `mailbox`: the Maildir, the mbox and standard input;
//! - the messages lsms sends back are `store::mail`'s.

mod mailbox;
mod message;

use super::Ctx;
use crate::error::{Error, Result};
use crate::model::draft::{Draft, NewRecord};
use crate::model::intake::*;
use crate::model::time::{in_zone, rfc3339};
use crate::model::workflow::Act;
use crate::model::{Evidence, Id, Incident};
use crate::store::Store;
use crate::store::evidence as objects;
use crate::store::mail as send;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Each new message becomes an incident: reported at the message's Date, by its sender (name and
address kept as personal data, never in a file name, id or commit), summary from the subject,
description from the text, category from `intake: { rules: }` in lsms.yaml (else
security-concern), flagged `triage` (due within one working day until an LSMS sets category and
summary) and `occurred-unknown` unless the text gives one date and time plainly. The message
and its attachments are evidence, with their SHA-256 and custody. A reply (In-Reply-To, or the
reference in its subject) is a note on its case. Where lsms.yaml gives `intake: { send: ... }`
or `{ outbox: DIR }` and `from:`, the sender is answered with the reference.

A Maildir message moves from new/ to cur/ once its case is written; one that cannot be made
a case moves to failed/ in the Maildir with a .reason file beside it. For an mbox, what was
taken is recorded in the store's .lsms/intake/; a failed message is copied there.

Examples:
  lsms intake --maildir ~/Maildir/.lsms-reports
  lsms -q intake --maildir /var/mail/lsms   # cron: silent unless one failed
  lsms intake --mbox reports.mbox
  lsms intake -                             # one message on stdin (a filter)";

/// Take in reports sent by email
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["maildir", "mbox", "stdin", "dash"])))]
pub struct Args {
    /// A Maildir: the messages in its new/ folder
    #[arg(long, value_name = "DIR")]
    pub maildir: Option<PathBuf>,
    /// An mbox file: each message not taken before
    #[arg(long, value_name = "FILE")]
    pub mbox: Option<PathBuf>,
    /// One message on standard input (as a mail filter gives it)
    #[arg(long)]
    pub stdin: bool,
    /// `-`: one message on standard input, as --stdin
    #[arg(value_name = "-", value_parser = clap::builder::PossibleValuesParser::new(["-"]), hide = true)]
    pub dash: Option<String>,
}

/// A path with its `.` and `..` taken out as written (a folder not made yet
/// cannot be resolved through the file system).
fn lexical(p: &std::path::Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// What became of one message.
pub enum Fate {
    /// A new case.
    New(Id),
    /// A note on a case.
    Reply(Id),
    /// Taken before (its Message-ID is a case's, or a note's).
    Already,
    /// Cannot be made a case: the reason.
    Failed(String),
    /// Taken, but the answer could not be sent: left to try again.
    Retry(Id, String),
}

/// What the store knows of messages: each Message-ID taken (lower case,
/// without brackets), as a case's report or a note, the acknowledgements'
/// Message-IDs, the ids there are, and every SHA-256 recorded.
#[derive(Default)]
struct Index {
    by_message: HashMap<String, (Id, bool)>,
    ids: HashSet<Id>,
    acked: HashSet<Id>,
    shas: HashSet<String>,
}

/// A Message-ID as it is compared: without brackets, lower case.
fn norm(id: &str) -> String {
    id.trim().trim_start_matches('<').trim_end_matches('>').trim().to_lowercase()
}

/// The Message-IDs a history entry's detail names (`Message-ID <x>`).
fn ids_in_detail(d: &str) -> Vec<String> {
    d.match_indices("Message-ID <")
        .filter_map(|(i, m)| {
            let rest = &d[i + m.len()..];
            rest.find('>').map(|e| norm(&rest[..e]))
        })
        .collect()
}

impl Index {
    fn build(ctx: &Ctx, store: &Store) -> Result<Index> {
        let (items, bad) = super::gather(store, true, |i| {
            let mut ids = Vec::new();
            for (sys, r) in &i.refs {
                if sys.eq_ignore_ascii_case(REF_SYSTEM) {
                    ids.push((norm(r), true));
                }
            }
            let mut acked = false;
            for e in &i.history {
                let d = e.detail.as_deref().unwrap_or_default();
                if e.action == ACKNOWLEDGED || e.action == REPORTER_TOLD {
                    acked |= e.action == ACKNOWLEDGED;
                    ids.extend(ids_in_detail(d).into_iter().map(|m| (m, false)));
                } else if e.action == EMAIL_REPLY && d.starts_with("By email") {
                    ids.extend(ids_in_detail(d).into_iter().map(|m| (m, false)));
                }
            }
            Some((i.id.clone(), ids, acked, i.evidence_held()))
        })?;
        crate::cmd::refuse_unread(
            ctx,
            bad,
            "so intake cannot tell which messages were taken before: nothing was taken in",
        )?;
        let mut x = Index::default();
        for (id, ids, acked, shas) in items {
            for (m, report) in ids {
                x.by_message.entry(m).or_insert((id.clone(), report));
            }
            if acked {
                x.acked.insert(id.clone());
            }
            x.shas.extend(shas);
            x.ids.insert(id);
        }
        Ok(x)
    }
}

/// One run of intake over one store.
pub struct Run<'a> {
    ctx: &'a Ctx,
    store: Store,
    actor: String,
    commit: bool,
    index: Index,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let actor = ctx.actor(&store)?;
    let commit = ctx.commits(&store)?;
    objects::check_folders(&store.root)?;
    if let Some(crate::store::config::Send::Outbox(dir)) = &store.config.intake.send
        && (lexical(dir).starts_with(lexical(&store.root))
            || std::fs::canonicalize(dir).is_ok_and(|d| d.starts_with(&store.real_root)))
    {
        return Err(Error::failed_with(
            format!(
                "intake.outbox {} is inside the store: messages to reporters would be kept with the incidents",
                dir.display()
            ),
            "give an outbox Maildir outside the store",
        ));
    }
    // One intake at a time (cron's runs may overlap): the second waits,
    // then reads the store as the first left it, so no message is taken by
    // both. The store's own lock is taken per message, not for the run.
    // The store's own kind of lock (a link in its place never followed).
    let lock = crate::store::fsio::lock(&store.own_dir(".lsms/intake")?)?;
    let index = Index::build(ctx, &store)?;
    let mut run = Run { ctx, store, actor, commit, index };
    let tally = if let Some(dir) = &args.maildir {
        mailbox::maildir(&mut run, &ctx.cwd.join(dir))?
    } else if let Some(file) = &args.mbox {
        mailbox::mbox(&mut run, &ctx.cwd.join(file))?
    } else {
        mailbox::stdin(&mut run)?
    };
    drop(lock);
    tally.finish(ctx)
}

/// What a run did, said at its end.
#[derive(Default)]
pub struct Tally {
    new: usize,
    replies: usize,
    already: usize,
    /// Each failed message: where it is now, and why.
    failed: Vec<(String, String)>,
    /// Each message taken whose answer was not sent.
    retry: Vec<(String, String)>,
}

impl Tally {
    fn count(&mut self, ctx: &Ctx, name: &str, fate: &Fate) {
        match fate {
            Fate::New(id) => {
                self.new += 1;
                ctx.say(format!("{id}: new report ({name})"));
            }
            Fate::Reply(id) => {
                self.replies += 1;
                ctx.say(format!("{id}: reply added as a note ({name})"));
            }
            Fate::Already => self.already += 1,
            Fate::Failed(why) => self.failed.push((name.to_string(), why.clone())),
            Fate::Retry(id, why) => self.retry.push((name.to_string(), format!("{id}: {why}"))),
        }
    }

    fn finish(self, ctx: &Ctx) -> Result<()> {
        let all = self.failed.len() + self.retry.len();
        if all == 0 {
            ctx.say(format!(
                "intake: {} new report(s), {} reply note(s), {} taken before.",
                self.new, self.replies, self.already
            ));
            return Ok(());
        }
        let mut lines = Vec::new();
        for (name, why) in &self.failed {
            lines.push(format!("  {name}: {}", crate::model::text::for_terminal(why, false)));
        }
        for (name, why) in &self.retry {
            lines.push(format!(
                "  {name}: taken, but the answer was not sent: {why} (sent when the message is taken again)"
            ));
        }
        Err(Error::failed_with(
            format!(
                "intake: {} message(s) not taken in whole ({} new report(s), {} reply note(s) taken):\n{}",
                all,
                self.new,
                self.replies,
                lines.join("\n")
            ),
            "each failed message is kept with a .reason file beside it: put it right and move it back to new/ (a copy in .lsms/intake/failed/: `lsms intake - < COPY`), or take it in by hand with `lsms report`",
        ))
    }
}

impl Run<'_> {
    /// Takes in one message's bytes.
    fn take(&mut self, raw: &[u8]) -> Fate {
        let cfg = &self.store.config.intake;
        let (parsed, meta) = match message::read(raw, cfg) {
            Ok(x) => x,
            Err(why) => return Fate::Failed(why),
        };
        let mail = message::mail(&parsed, meta);
        let key = norm(&mail.key);
        if let Some((id, report)) = self.index.by_message.get(&key).cloned() {
            if report && !self.index.acked.contains(&id) {
                // Written by a run that stopped before it answered.
                if let Err(why) = self.acknowledge_held(&id, &mail) {
                    return Fate::Retry(id, why);
                }
            }
            return Fate::Already;
        }
        if let Some(id) = self.case_answered(&mail) {
            return match self.reply(&id, raw, &mail) {
                Ok(()) => Fate::Reply(id),
                Err(why) => Fate::Failed(why),
            };
        }
        match self.new_report(raw, &mail) {
            Ok(inc) => {
                let id = inc.id.clone();
                match self.acknowledge(&inc, &mail) {
                    Ok(()) => Fate::New(id),
                    Err(why) => Fate::Retry(id, why),
                }
            }
            Err(why) => Fate::Failed(why),
        }
    }

    /// The case a message answers: a Message-ID it answers that the store
    /// knows, else a reference in its subject to a case there is.
    fn case_answered(&self, mail: &message::Mail<'_>) -> Option<Id> {
        mail.answers
            .iter()
            .find_map(|a| self.index.by_message.get(&norm(a)).map(|(id, _)| id.clone()))
            .or_else(|| ids_in(&mail.subject).into_iter().find(|id| self.index.ids.contains(id)))
    }

    fn is_anonymous(&self, mail: &message::Mail<'_>) -> bool {
        let relay = &self.store.config.intake.anonymous;
        let listed = |a: &Option<String>| a.as_deref().is_some_and(|a| relay.contains(&a.to_lowercase()));
        mail.address.is_none() || listed(&mail.address) || listed(&mail.from_address)
    }

    fn now(&self) -> crate::model::Stamp {
        in_zone(self.ctx.now, self.store.config.tz)
    }

    /// The custody of a file received in `mail` (the evidence's `source`,
    /// read "from …"): whom from, by email, its Message-ID, when it was sent.
    fn custody(&self, mail: &message::Mail<'_>) -> String {
        let who = if self.is_anonymous(mail) {
            "an anonymous sender".to_string()
        } else {
            match (&mail.name, &mail.address) {
                (Some(n), Some(a)) => format!("{n} <{a}>"),
                (None, Some(a)) => a.clone(),
                (Some(n), None) => n.clone(),
                (None, None) => "an unknown sender".into(),
            }
        };
        let sent = mail
            .date
            .map(|d| format!(", sent {}", rfc3339(&in_zone(d, self.store.config.tz))))
            .unwrap_or_default();
        format!("{who} by email (Message-ID <{}>{sent})", mail.key)
    }

    /// The message itself and its attachments, staged into `evidence/`
    /// (outside the lock), each with its record.
    fn stage(
        &self,
        raw: &[u8],
        mail: &message::Mail<'_>,
    ) -> std::result::Result<Vec<(objects::Staged, Evidence)>, String> {
        let source = self.custody(mail);
        let mut out: Vec<(objects::Staged, Evidence)> = Vec::new();
        let files = std::iter::once(("message.eml".to_string(), raw))
            .chain(mail.attachments.iter().map(|(n, b)| (n.clone(), *b)));
        let keys = self.store.evidence_keys();
        for (name, bytes) in files {
            match objects::stage_bytes(&self.store.root, bytes, &name, &keys) {
                Ok(s) => {
                    let e = Evidence {
                        sha256: s.sha256.clone(),
                        name,
                        size: s.size,
                        added_at: self.now(),
                        added_by: self.actor.clone(),
                        source: Some(source.clone()),
                        note: None,
                        extra: Default::default(),
                    };
                    out.push((s, e));
                }
                Err(e) => {
                    let staged: Vec<objects::Staged> = out.into_iter().map(|(s, _)| s).collect();
                    objects::discard(&self.store.root, &staged);
                    return Err(e.to_string());
                }
            }
        }
        Ok(out)
    }

    /// Puts the staged files in place and writes `write` under the lock;
    /// on a failure the files this run placed go again.
    fn place_and<T>(
        &mut self,
        staged: Vec<(objects::Staged, Evidence)>,
        write: impl FnOnce(&Store, &crate::store::fsio::Lock, Vec<Evidence>) -> Result<T>,
    ) -> std::result::Result<T, String> {
        let lock = self.store.lock().map_err(|e| e.to_string())?;
        let mut stored = Vec::new();
        let mut placed = Ok(());
        let keys = self.store.evidence_keys();
        for (s, _) in &staged {
            match objects::place(&self.store.root, s, &keys) {
                Ok(x) => stored.push(x),
                Err(e) => {
                    placed = Err(e);
                    break;
                }
            }
        }
        let (files, records): (Vec<_>, Vec<_>) = staged.into_iter().unzip();
        let result = placed.and_then(|()| write(&self.store, &lock, records.clone()));
        match result {
            Ok(t) => {
                self.index.shas.extend(records.into_iter().map(|e| e.sha256));
                Ok(t)
            }
            Err(e) => {
                objects::remove_unnamed(&self.store.root, &stored, &self.index.shas);
                objects::discard(&self.store.root, &files);
                Err(e.to_string())
            }
        }
    }

    fn new_report(&mut self, raw: &[u8], mail: &message::Mail<'_>) -> std::result::Result<Incident, String> {
        let cfg = &self.store.config.intake;
        let tz = self.store.config.tz;
        let now = self.ctx.now;
        // A Date in the future (a sender's clock ahead) is taken as now.
        let reported = in_zone(mail.date.filter(|d| *d <= now).unwrap_or(now), tz);
        let occurred = occurred_in(&mail.text, tz, reported);
        let category = category_for(&cfg.rules, &format!("{}\n{}", mail.subject, mail.text)).to_string();
        let mut summary = clean_subject(&mail.subject);
        if summary.is_empty() {
            summary = clean_subject(own_lines(&mail.text).find(|l| !l.trim().is_empty()).unwrap_or_default());
        }
        if summary.is_empty() {
            summary = "Report by email with no subject".into();
        }
        let mut d = Draft::default();
        d.give("category", category);
        d.give("summary", summary);
        d.give("reported", rfc3339(&reported));
        match occurred {
            Some(o) => {
                d.give("occurred", rfc3339(&o));
            }
            None => {
                d.give("flag", OCCURRED_UNKNOWN.into());
            }
        }
        d.give("flag", TRIAGE.into());
        if !mail.text.trim().is_empty() {
            d.give("description", mail.text.clone());
        }
        if self.is_anonymous(mail) {
            d.give("reporter_party", "anonymous".into());
        } else {
            let staff = mail
                .address
                .as_deref()
                .and_then(|a| a.rsplit_once('@'))
                .is_some_and(|(_, dom)| cfg.staff_domains.iter().any(|s| dom.eq_ignore_ascii_case(s)));
            d.give("reporter_party", if staff { "staff" } else { "unknown" }.into());
            if let Some(n) = &mail.name {
                d.give("reporter", n.clone());
            }
            if let Some(a) = &mail.address {
                d.give("reporter_email", a.clone());
            }
        }
        let vocab = self.store.config.vocab();
        let mut inc = d
            .build(&NewRecord {
                vocab: &vocab,
                tz,
                now,
                actor: &self.actor,
                random: crate::store::random4(),
                uuid: crate::model::id::new_uuid(now),
            })
            .map_err(|ps| {
                ps.iter().map(|p| format!("{}: {}", p.field, p.message)).collect::<Vec<_>>().join("; ")
            })?;
        crate::model::refs::set(&mut inc.refs, REF_SYSTEM.to_string(), mail.key.clone());
        let staged = self.stage(raw, mail)?;
        let actor = self.actor.clone();
        let at = self.now();
        let path = self.place_and(staged, |store, _lock, records| {
            let act = Act::now(&actor, at);
            for e in records {
                inc.add_evidence(&act, e);
            }
            store.create_fresh(inc.clone()).map(|p| (p, inc))
        })?;
        let (path, mut inc) = path;
        let id_text = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        if let Ok(id) = Id::parse(&id_text) {
            inc.id = id;
        }
        let id = inc.id.clone();
        self.index.by_message.insert(norm(&mail.key), (id.clone(), true));
        self.index.ids.insert(id.clone());
        if self.commit {
            self.commit_case(&id, &inc.evidence, "reported")?;
        }
        Ok(inc)
    }

    /// Commits a case's file with the evidence files `added` to it.
    fn commit_case(&self, id: &Id, added: &[Evidence], what: &str) -> std::result::Result<(), String> {
        let mut objs: Vec<String> = added.iter().map(|e| objects::rel_path(&e.sha256)).collect();
        objs.sort();
        objs.dedup();
        let who = self.ctx.ident(&self.store, &self.actor);
        crate::store::git::commit_with(
            &self.store.root,
            &[id.rel_path()],
            &objs,
            &format!("{id}: {what}"),
            &who,
        )
        .map_err(|e| e.to_string())
    }

    /// A reply: its text a note on the case, its attachments evidence.
    fn reply(&mut self, id: &Id, raw: &[u8], mail: &message::Mail<'_>) -> std::result::Result<(), String> {
        let who = if self.is_anonymous(mail) {
            "an anonymous sender".to_string()
        } else {
            mail.name.clone().or_else(|| mail.address.clone()).unwrap_or_else(|| "an unknown sender".into())
        };
        let text: String = own_lines(&mail.text).collect::<Vec<_>>().join("\n");
        let text = text.trim();
        let mut detail = format!("By email from {who} (Message-ID <{}>)", mail.key);
        if !text.is_empty() {
            detail.push_str(":\n");
            detail.push_str(text);
        }
        let staged = self.stage(raw, mail)?;
        let actor = self.actor.clone();
        let at = self.now();
        let key = mail.key.clone();
        let id2 = id.clone();
        let (done, added) = self.place_and(staged, move |store, lock, records| {
            let added = records.clone();
            let done = store.update_held(lock, &id2, false, |inc, _| {
                super::refuse_void(inc)?;
                let act = Act::now(&actor, at);
                inc.note(&act, &detail).map_err(super::refused)?;
                for r in records {
                    inc.add_evidence(&act, r);
                }
                Ok(())
            })?;
            Ok((done, added))
        })?;
        self.index.by_message.insert(norm(&key), (id.clone(), false));
        if self.commit && done.written {
            self.commit_case(id, &added, "note")?;
        }
        Ok(())
    }

    /// Answers a new report, where lsms.yaml says how and the sender can
    /// be answered (not anonymous, not a machine); records it.
    fn acknowledge(&mut self, inc: &Incident, mail: &message::Mail<'_>) -> std::result::Result<(), String> {
        let cfg = &self.store.config.intake;
        let Some(how) = &cfg.send else { return Ok(()) };
        let Some(address) = mail.address.as_deref() else { return Ok(()) };
        if self.is_anonymous(mail) || mail.automatic {
            return Ok(());
        }
        // The case on disk before its reference goes out.
        if crate::store::fsio::deferred() {
            crate::store::fsio::sync_fs(&self.store.root)
                .map_err(|e| format!("the store could not be synced: {e}"))?;
        }
        let msg = send::build(
            cfg,
            &self.store.config.trust,
            self.store.config.tz,
            self.ctx.now,
            inc,
            &cfg.acknowledgement,
            None,
            mail.message_id.as_deref(),
            (mail.name.as_deref(), address),
            "ack",
        )
        .map_err(|e| e.to_string())?;
        send::deliver(how, &msg)?;
        let actor = self.actor.clone();
        let at = self.now();
        let detail = format!("sent to the reporter by email, Message-ID <{}>", msg.message_id);
        let done = self
            .store
            .update(&inc.id, |i| {
                i.history.push(Act::now(&actor, at).entry_with(ACKNOWLEDGED, detail));
                Ok(())
            })
            .map_err(|e| format!("sent, but not recorded: {e}"))?;
        self.index.acked.insert(inc.id.clone());
        self.index.by_message.insert(norm(&msg.message_id), (inc.id.clone(), false));
        if self.commit && done.written {
            let who = self.ctx.ident(&self.store, &self.actor);
            crate::store::git::commit(
                &self.store.root,
                &[inc.id.rel_path()],
                &format!("{}: {ACKNOWLEDGED}", inc.id),
                &who,
            )
            .map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// [`Run::acknowledge`] for a case written by an earlier run.
    fn acknowledge_held(&mut self, id: &Id, mail: &message::Mail<'_>) -> std::result::Result<(), String> {
        let inc = self.store.load(id.as_str()).map_err(|e| e.to_string())?.incident;
        self.acknowledge(&inc, mail)
    }
}
