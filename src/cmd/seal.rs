//! `lsms seal`, `lsms unseal`, `lsms rekey`: every incident file turned
//! into its sealed form, back to plain text, or sealed under new data keys
//! (after a recipient was removed). Each is all or nothing: every file is
//! read and made anew before any is written, and one commit holds them.

use super::Ctx;
use crate::error::{Error, Result};
use crate::seal::record;
use crate::store::evidence as objects;
use crate::store::{CONFIG_FILE, first_of};

const SEAL_HELP: &str = "\
Every value the record declares personal (names, summary, location,
description, notes, closure notes, RIDDOR basis, sanction and link notes,
what a history entry says) is written sealed; everything else stays plain,
so list, summary, due, board, check and git log -p work with no key.
Needs recipients (`lsms keys add`), not an identity: sealing takes only
their public keys. In a git store with commits on, one commit.

Examples:
  lsms keys add jfowlis age1…
  lsms seal";

/// Seal the store's personal data to its recipients
#[derive(Debug, clap::Args)]
#[command(after_help = SEAL_HELP)]
pub struct SealArgs {}

const UNSEAL_HELP: &str = "\
Opens every sealed value with your identity and writes every incident file
plain again; the recipients stay in lsms.yaml. Git history keeps the sealed
versions. In a git store with commits on, one commit.

Examples:
  lsms unseal
  lsms unseal --identity ~/keys/lsms-identity.txt";

const REKEY_HELP: &str = "\
After `lsms keys remove NAME` (a leaver) or `lsms keys add NAME KEY` (a new
member): every incident gets a new data key wrapped to the recipients
lsms.yaml lists now, and every sealed value is sealed again under it. What
is written from now on does not open with a removed key; what git history
already holds still does (README, 'Sealing personal data').

Examples:
  lsms keys remove asmith
  lsms rekey
  lsms sync";

/// Write every sealed value plain again (needs your identity)
#[derive(Debug, clap::Args)]
#[command(after_help = UNSEAL_HELP)]
pub struct UnsealArgs {}

/// Give every incident a new data key for the current recipients
#[derive(Debug, clap::Args)]
#[command(after_help = REKEY_HELP)]
pub struct RekeyArgs {}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Job {
    Seal,
    Unseal,
    Rekey,
}

pub fn run_seal(ctx: &Ctx, _: &SealArgs) -> Result<()> {
    rewrite(ctx, Job::Seal)
}

pub fn run_unseal(ctx: &Ctx, _: &UnsealArgs) -> Result<()> {
    rewrite(ctx, Job::Unseal)
}

pub fn run_rekey(ctx: &Ctx, _: &RekeyArgs) -> Result<()> {
    rewrite(ctx, Job::Rekey)
}

fn rewrite(ctx: &Ctx, job: Job) -> Result<()> {
    let mut store = ctx.store()?;
    let _lock = store.lock()?;
    let mut e = store.config.encryption.clone();
    match job {
        Job::Seal if e.recipients.is_empty() => {
            return Err(Error::failed_with(
                "the store has no recipients: sealed, no one could open it; nothing was changed",
                "add yours first: `lsms keys new` prints your public key, `lsms keys add YOUR-NAME KEY` adds it",
            ));
        }
        Job::Rekey if !e.sealed => {
            return Err(Error::failed_with(
                "the store is not sealed: there are no data keys to renew; nothing was changed",
                "`lsms seal` seals it to the recipients lsms.yaml lists",
            ));
        }
        Job::Unseal | Job::Rekey if store.identity()?.is_none() => {
            let what = if job == Job::Rekey { "`lsms rekey`" } else { "`lsms unseal`" };
            return Err(store.no_identity(what));
        }
        _ => {}
    }
    let commit = ctx.commits(&store)?;
    let was_sealed = store.is_sealed();
    if job == Job::Seal {
        e.sealed = true;
        store.config.encryption = e.clone();
    }
    let to = store.recipients();
    let (files, _) = store.files()?;
    let mut bad = Vec::new();
    let mut changed: Vec<(std::path::PathBuf, String, String)> = Vec::new();
    for path in &files {
        let loaded = match store.read(path) {
            Ok(l) => l,
            Err(errs) => {
                bad.push(first_of(errs));
                continue;
            }
        };
        if !loaded.canonical {
            bad.push(Error::failed_with(
                format!("{} was edited by hand into a form lsms does not write", store.show_path(path)),
                format!("run `lsms fmt {}` first", loaded.incident.id),
            ));
            continue;
        }
        let mut inc = loaded.incident;
        let done = match job {
            Job::Seal => store.before_change(&mut inc).and_then(|c| store.for_writing(&inc, c)),
            Job::Unseal | Job::Rekey => {
                let me = store.identity()?.expect("checked above");
                let r = if job == Job::Unseal {
                    record::unseal(&mut inc, me)
                } else {
                    record::rekey(&mut inc, me, &to)
                };
                r.map(|()| inc.clone()).map_err(|r| store.refused(&inc, r))
            }
        };
        match done {
            Ok(out) => {
                let text = out.to_yaml();
                if text != loaded.text {
                    store.fits(&out.id, &text, false)?;
                    changed.push((path.clone(), out.id.rel_path(), text));
                }
            }
            Err(e) => bad.push(e),
        }
    }
    if !bad.is_empty() {
        let n = bad.len();
        for e in bad {
            ctx.show_error(e);
        }
        return Err(Error::Failed {
            message: format!("{n} incident file(s) could not be turned: nothing was changed"),
            help: Some("put them right (the messages above say how), then run it again".into()),
        });
    }
    // Then every evidence file is written anew in the store's new form
    // (sealed to the recipients, or plain), under temp names: a file that
    // does not open or is not its recorded bytes refuses it all.
    let keys = crate::store::evidence::Keys {
        to: if job == Job::Unseal {
            Vec::new()
        } else {
            store.recipients().into_iter().map(|(_, r)| r).collect()
        },
        id: store.identity().ok().flatten(),
        // What is read: sealed copies, unless the store was plain (where an
        // age file is evidence sent sealed, itself to be sealed).
        sealed: was_sealed,
    };
    let mut rewritten = Vec::new();
    for (sha, sealed) in objects::objects(&store.root) {
        let wanted = match job {
            Job::Seal => !(was_sealed && sealed),
            Job::Unseal => sealed,
            Job::Rekey => true,
        };
        if !wanted {
            continue;
        }
        match objects::rewrite(&store.root, &sha, &keys) {
            Ok(s) => rewritten.push(s),
            Err(e) => {
                objects::discard(&store.root, &rewritten);
                return Err(e);
            }
        }
    }
    let mut rels: Vec<String> = Vec::new();
    if job == Job::Unseal {
        e.sealed = false;
    }
    if job != Job::Rekey {
        store.write_encryption(&e)?;
        rels.push(CONFIG_FILE.to_string());
    }
    for (path, rel, text) in &changed {
        store.write_back_batched(path, text)?;
        rels.push(rel.clone());
    }
    let mut objs: Vec<String> = Vec::new();
    for r in &rewritten {
        objects::replace(&store.root, r)?;
        objs.push(objects::rel_path(&r.sha256));
    }
    store.sync_all()?;
    let n = changed.len();
    let m = rewritten.len();
    let word = match job {
        Job::Seal => "seal",
        Job::Unseal => "unseal",
        Job::Rekey => "rekey",
    };
    if commit && !(rels.is_empty() && objs.is_empty()) {
        let actor = ctx.actor(&store)?;
        let who = ctx.ident(&store, &actor);
        crate::store::git::commit_with(
            &store.root,
            &rels,
            &objs,
            &format!(
                "lsms {word}: {n} incident file(s){}",
                if m > 0 { format!(", {m} evidence file(s)") } else { String::new() }
            ),
            &who,
        )?;
    }
    ctx.say(match job {
        Job::Seal => {
            format!(
                "Sealed: {n} incident file(s) and {m} evidence file(s) written, to {}.",
                store.recipient_names()
            )
        }
        Job::Unseal => format!("Unsealed: {n} incident file(s) and {m} evidence file(s) written plain."),
        Job::Rekey => format!(
            "Rekeyed: {n} incident file(s), each under a new data key, and {m} evidence file(s), for {}.",
            store.recipient_names()
        ),
    });
    Ok(())
}
