//! `lsms sync`: keep a clone of the team's register level with the shared
//! repository: commit lsms's own changes, pull (a merge, through the merge
//! driver), push, and try again when another clone pushed first.

use super::Ctx;
use crate::error::{Error, Result};
use crate::model::Id;
use crate::store::Store;
use crate::store::git::{Ident, Repo, same_attribute_line};
use crate::store::merge_record::{Conflict, RECORDS_ENV, read_record};
use std::time::Duration;

/// How many times a push that lost the race to another clone is tried again.
pub const PUSH_TRIES: u32 = 6;

/// Commit lsms's changes, pull the team's, push ours
#[derive(Debug, clap::Args)]
#[command(after_help = "\
In order: refuses (naming them) changes in the work tree that are not lsms's own; commits the \
incident files lsms changed and did not commit; fetches and merges the upstream branch (never a \
rebase; incident files merge through `lsms merge-file`); pushes; and when another clone pushed \
first, pulls and pushes again (up to 6 times).

When both sides changed the same field of an incident, sync stops with exit 1 and names each \
one. Then, for each: `lsms resolve ID --take ours|theirs`, or edit the file between its \
<<<<<<< and >>>>>>> lines and run `lsms check`; and then `lsms sync --continue`.

Needs a branch with an upstream (`git push -u origin main` once), and `lsms` on PATH, where \
git finds the merge driver (in a crontab too).

Examples:
  lsms sync
  lsms -C /srv/security sync -q          # from cron: silent when all went well
  lsms resolve 7QF3 --take theirs && lsms sync --continue")]
pub struct Args {
    /// Finish a sync that stopped at a conflict, once every conflict is resolved
    #[arg(long = "continue")]
    pub cont: bool,
}

/// What a sync did, for the closing line.
#[derive(Default)]
struct Done {
    committed: usize,
    pulled: usize,
    pushed: usize,
    merged: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let store = ctx.store()?;
    let repo = Repo::open(&store.root).map_err(|_| {
        Error::failed_with(
            format!("{} is not in a git repository, so there is nothing to sync with", store.root.display()),
            "a team keeps one register in a shared git repository: `git clone URL` it and run `lsms init --git` there, or make this store one with `lsms init --git` and `git remote add origin URL`",
        )
    })?;
    let actor = ctx.actor(&store)?;
    let who = ctx.ident(&store, &actor);
    let _lock = store.lock()?;
    if !crate::store::git::lsms_on_path() {
        return Err(Error::failed_with(
            "`lsms` is not on PATH, where git looks for the merge driver (`lsms merge-file`)",
            "put the folder that holds lsms on PATH, then run `lsms sync` again; in a crontab, cron's PATH lacks \
             ~/.cargo/bin (where `cargo install` puts lsms), so set it in the command, where the shell expands $HOME: \
             `*/15 * * * * PATH=$HOME/.cargo/bin:/usr/local/bin:/usr/bin:/bin LSMS_USER=$LOGNAME lsms -C STORE sync -q`",
        ));
    }
    let up = upstream(&repo)?;
    // Leftovers of a killed git, cleared where provably stale (lsms's own
    // lock is held, so no other sync runs here), before git trips on them.
    let cleared = crate::store::git::clear_leftovers(&repo)?;
    for c in &cleared {
        ctx.say(format!("Removed {c}, left by a git that was killed."));
    }
    crate::store::git::setup(&store.root)?;
    let mut done = Done::default();
    if repo.merging() {
        if !args.cont {
            let left = unmerged(&repo)?;
            if left.is_empty() && merge_was_ours(&repo) {
                // git's own clean merge, killed between merging and
                // committing: what the sync was doing, finished.
                finish_merge(&repo, &store, &who)?;
                forget_records(&repo);
                ctx.say("Finished the merge an earlier sync was stopped in.");
                done.merged = true;
            } else if left.is_empty() {
                // A merge stopped (or killed) with every file merged.
                return Err(Error::failed_with(
                    "an earlier sync stopped in the middle of a merge, with no conflict left",
                    "run `lsms sync --continue` to commit the merge and go on (or `git merge --abort` to drop it)",
                ));
            } else {
                let fields = recorded_fields(&repo, &left);
                return Err(stopped(&repo, &left, &fields, "an earlier sync stopped at a conflict"));
            }
        } else {
            finish_merge(&repo, &store, &who)?;
            forget_records(&repo);
            done.merged = true;
        }
    } else if args.cont && cleared.is_empty() {
        return Err(Error::failed_with(
            "there is no stopped sync to continue",
            "run `lsms sync` (without --continue)",
        ));
    }
    let (own, objects, disposal) = own_changes(&repo, &store)?;
    if !disposal.added.is_empty() || !disposal.removed.is_empty() {
        // A disposal made without a commit, known by its certificates:
        // committed on its own, since it removes files.
        let message = format!("lsms sync: {} disposal(s) under retention", disposal.added.len().max(1));
        crate::store::git::commit_disposal(&store.root, &disposal.added, &disposal.removed, &message, &who)?;
        ctx.say(format!(
            "Committed a disposal of {} record(s), with its certificate(s).",
            disposal.added.len()
        ));
    }
    if !own.is_empty() || !objects.is_empty() {
        let ids: Vec<&str> = own.iter().filter_map(|p| p.rsplit('/').next()?.strip_suffix(".yaml")).collect();
        let mut message = format!("lsms sync: {} changed incident file(s)\n\n{}", own.len(), ids.join("\n"));
        if !objects.is_empty() {
            message.push_str(&format!("\n\nwith {} evidence file(s)", objects.len()));
        }
        if repo.commit_files_with(&own, &objects, &message, &who)? {
            done.committed = own.len();
        }
    }
    for attempt in 1..=PUSH_TRIES {
        let fetched = fetch(&repo, &up)?;
        if fetched {
            let (n, removed) = merge(&repo, &who, store.identity_flag.as_deref())?;
            done.pulled += n;
            for id in removed {
                if crate::store::disposals::find(&store, &id).is_some() {
                    ctx.say(format!(
                        "Disposed of on the remote under retention: {id} (its certificate came with it)."
                    ));
                } else {
                    ctx.say(format!("Removed on the remote: {id}."));
                }
            }
            // The remote may have dropped or rewritten lsms's own
            // .gitattributes lines: restored and committed here, so that
            // no later sync in any clone trips on them.
            if crate::store::git::setup(&store.root)?.attributes_written
                && repo.commit_files(
                    &[".gitattributes".to_string()],
                    "lsms sync: restore lsms's own .gitattributes lines",
                    &who,
                )?
            {
                ctx.say("Restored lsms's own lines in .gitattributes, which the remote had dropped.");
            }
        }
        let ahead = if fetched { count(&repo, "@{u}..HEAD")? } else { count(&repo, "HEAD")? };
        if ahead == 0 {
            break;
        }
        match push(&repo, &up)? {
            Pushed::Yes => {
                done.pushed = ahead;
                break;
            }
            Pushed::LostRace if attempt < PUSH_TRIES => {
                // Someone pushed first: pull theirs and try again, after a
                // pause that grows, so that clones in step fall out of it.
                let ms = 50 * u64::from(attempt) + u64::from(std::process::id() % 50);
                std::thread::sleep(Duration::from_millis(ms));
            }
            Pushed::LostRace => {
                return Err(Error::failed_with(
                    format!(
                        "the push to {} lost the race to other clones {PUSH_TRIES} times; everything is committed here",
                        up.remote
                    ),
                    "run `lsms sync` again in a moment",
                ));
            }
        }
    }
    // Evidence files as files, not Git LFS pointers, with the store's
    // own permissions.
    if crate::store::git::lfs_pull(&store.root)? == Some(false) {
        ctx.say(crate::store::git::LFS_MISSING);
    }
    crate::store::git::evidence_modes(&store.root);
    let mut said = Vec::new();
    if done.merged {
        said.push("finished the merge".to_string());
    }
    if done.committed > 0 {
        said.push(format!("committed {} changed incident file(s)", done.committed));
    }
    if done.pulled > 0 {
        said.push(format!("pulled {} commit(s)", done.pulled));
    }
    if done.pushed > 0 {
        said.push(format!("pushed {} commit(s)", done.pushed));
    }
    if said.is_empty() {
        ctx.say(format!("Up to date with {}/{}: nothing to pull or push.", up.remote, up.branch));
    } else {
        let mut line = said.join(", ");
        line[..1].make_ascii_uppercase();
        ctx.say(format!("{line}: up to date with {}/{}.", up.remote, up.branch));
    }
    Ok(())
}

/// The remote and branch this clone syncs with.
struct Upstream {
    remote: String,
    /// The remote's branch, as `refs/heads/…`.
    merge: String,
    branch: String,
}

fn config(repo: &Repo, key: &str) -> Option<String> {
    repo.run(&["config", "--get", key])
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
}

fn upstream(repo: &Repo) -> Result<Upstream> {
    let branch = repo.text(&["symbolic-ref", "-q", "--short", "HEAD"]).map_err(|_| {
        Error::failed_with(
            "HEAD is not on a branch (a detached HEAD), so there is nothing to sync",
            "check out the register's branch, for example `git switch main`",
        )
    })?;
    let remotes = repo.text(&["remote"])?;
    let remote = config(repo, &format!("branch.{branch}.remote"));
    let merge = config(repo, &format!("branch.{branch}.merge"));
    match (remote, merge) {
        (Some(remote), Some(merge)) if remote != "." => Ok(Upstream { remote, merge, branch }),
        _ if remotes.is_empty() => Err(Error::failed_with(
            "this store's git repository has no remote to sync with",
            format!(
                "add the team's shared repository and push to it once: `git remote add origin URL` then `git push -u origin {branch}` (README: a team on one remote)"
            ),
        )),
        _ => {
            let first = remotes.lines().next().unwrap_or("origin");
            Err(Error::failed_with(
                format!(
                    "the branch {branch} has no upstream, so sync does not know where to pull from and push to"
                ),
                format!(
                    "set it once: `git push -u {first} {branch}` (a new shared repository), or `git branch --set-upstream-to {first}/{branch}`"
                ),
            ))
        }
    }
}

/// Fetches the remote; returns whether the upstream branch exists there
/// (it does not yet in a shared repository nobody has pushed to).
fn fetch(repo: &Repo, up: &Upstream) -> Result<bool> {
    let out = repo.run(&["fetch", "--quiet", "--no-tags", &up.remote])?;
    if !out.status.success() {
        return Err(Error::failed_with(
            format!("cannot fetch from {}: {}", up.remote, String::from_utf8_lossy(&out.stderr).trim()),
            "check the network and the remote's address (`git remote -v`); nothing was pulled or pushed",
        ));
    }
    Ok(repo.run(&["rev-parse", "-q", "--verify", "@{u}"])?.status.success())
}

fn count(repo: &Repo, range: &str) -> Result<usize> {
    if range == "HEAD" && repo.head().is_none() {
        return Ok(0);
    }
    Ok(repo.text(&["rev-list", "--count", range])?.parse().unwrap_or(0))
}

/// Merges the fetched upstream (never a rebase, so each incident's file
/// keeps its history); incident files merge through `lsms merge-file`.
/// Returns how many commits came in, and the incidents the remote
/// removed; on a conflict, the error names them. An incoming change to
/// the bytes of an evidence file this clone holds is refused before
/// anything is merged.
fn merge(repo: &Repo, who: &Ident, identity: Option<&std::path::Path>) -> Result<(usize, Vec<Id>)> {
    let incoming = count(repo, "HEAD..@{u}")?;
    if incoming == 0 {
        return Ok((0, Vec::new()));
    }
    let removed = if repo.head().is_some() {
        refuse_evidence_changes(repo, identity)?;
        removed_incidents(repo)?
    } else {
        Vec::new()
    };
    // The merge driver records what it cannot merge, for this merge only.
    forget_records(repo);
    // Which commit this sync merges: a merge of it found later, clean
    // and uncommitted, is this one killed before git could commit it.
    let theirs = repo.text(&["rev-parse", "--verify", "-q", "@{u}"])?;
    let _ = std::fs::write(started_file(repo), theirs.trim());
    let mut c = repo.cmd(&["merge", "--no-edit", "--no-stat", "--quiet", "--no-verify", "@{u}"]);
    c.env("GIT_MERGE_AUTOEDIT", "no").env(RECORDS_ENV, records(repo));
    // The merge driver opens sealed values with the identity this run was given.
    if let Some(p) = identity {
        c.env("LSMS_IDENTITY", p);
    }
    repo.as_ident(&mut c, who);
    if repo.head().is_none() {
        // A clone of an empty repository that recorded nothing yet.
        c = repo.cmd(&["reset", "--quiet", "--keep", "@{u}"]);
    }
    let out = c.output().map_err(|e| Error::failed(format!("cannot run git: {e}")))?;
    if out.status.success() {
        forget_records(repo);
        let _ = std::fs::remove_file(started_file(repo));
        return Ok((incoming, removed));
    }
    let left = unmerged(repo)?;
    if left.is_empty() {
        forget_records(repo);
        let talk = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
        return Err(Error::failed_with(
            format!("git could not merge the remote's changes: {}", talk.trim()),
            "nothing of yours is lost (it is committed); see `git status`",
        ));
    }
    mark_records(repo);
    let fields = recorded_fields(repo, &left);
    let err = stopped(repo, &left, &fields, "sync stopped at a conflict");
    // The merge driver said some were sealed values it could not open.
    if String::from_utf8_lossy(&out.stderr).contains(super::merge_file::SEALED_UNOPENED)
        && let Error::Failed { message, help } = err
    {
        let note = "some of these values are sealed and this clone has no identity to compare them: with one \
                    ($LSMS_IDENTITY, or `lsms keys new` and a recipient's `lsms keys add`), `lsms sync` again \
                    merges a change that is the same on both sides by itself";
        return Err(Error::Failed { message, help: Some(format!("{}\n{note}", help.unwrap_or_default())) });
    }
    Err(err)
}

/// The store paths the remote changed since the common commit, with
/// git's status letter (`git diff --name-status HEAD...@{u}`).
fn incoming_changes(repo: &Repo) -> Result<Vec<(char, String)>> {
    let text = repo.text(&["diff", "--name-status", "-z", "--no-renames", "HEAD...@{u}", "--", "."])?;
    let mut parts = text.split('\0').filter(|s| !s.is_empty());
    let mut v = Vec::new();
    while let (Some(status), Some(path)) = (parts.next(), parts.next()) {
        if let Some(rel) = repo.rel(path) {
            v.push((status.chars().next().unwrap_or('?'), rel.to_string()));
        }
    }
    Ok(v)
}

/// Refuses a remote change to the bytes of an evidence file this clone
/// holds (evidence is content-addressed: its bytes never change), naming
/// each; new evidence files are welcome. Nothing is merged.
fn refuse_evidence_changes(repo: &Repo, identity: Option<&std::path::Path>) -> Result<()> {
    let me =
        crate::store::seal::identity_path(identity).and_then(|p| crate::store::seal::read_identity(&p).ok());
    let mut bad = Vec::new();
    for (status, rel) in incoming_changes(repo)? {
        if status == 'D' || !rel.starts_with("evidence/") {
            continue;
        }
        let full = repo.full(&rel);
        let ours = repo.run(&["rev-parse", "-q", "--verify", &format!("HEAD:{full}")])?;
        if !ours.status.success() {
            continue;
        }
        let theirs = repo.run(&["rev-parse", "-q", "--verify", &format!("@{{u}}:{full}")])?;
        if status == 'T' || (ours.stdout != theirs.stdout && !resealed(repo, &full, &rel, me.as_ref())) {
            bad.push(format!("  {full}"));
        }
    }
    if bad.is_empty() {
        return Ok(());
    }
    Err(Error::failed_with(
        format!(
            "the remote changes the bytes of evidence file(s) this store holds, so sync merged nothing \
             (an evidence file is named by its SHA-256 and never changes):\n{}",
            bad.join("\n")
        ),
        "your copies are as they were; ask whoever pushed the change to revert it on the remote \
         (`git log @{u} -- FILE` shows the commit), then run `lsms sync` again",
    ))
}

/// Is the remote's new version of an evidence file the same file in
/// another form, as `lsms seal`, `unseal` and `rekey` write it? Plain, it
/// must be the bytes its name is the SHA-256 of; sealed, it must open to
/// them with this user's identity, or, where this identity cannot open it,
/// come from one of those commands' own commits. Read streaming.
fn resealed(repo: &Repo, full: &str, rel: &str, me: Option<&crate::seal::Identity>) -> bool {
    use std::io::Read;
    let Some(sha) = rel.rsplit('/').next().filter(|n| crate::store::evidence::is_sha256(n)) else {
        return false;
    };
    let by_lsms = || {
        repo.text(&["log", "-1", "--format=%s", "@{u}", "--", full])
            .is_ok_and(|s| s.starts_with("lsms seal:") || s.starts_with("lsms rekey:"))
    };
    let Ok(mut child) = repo
        .cmd(&["cat-file", "blob", &format!("@{{u}}:{full}")])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
    else {
        return false;
    };
    let Some(mut out) = child.stdout.take() else { return false };
    let mut head = Vec::new();
    let magic = crate::seal::AGE_MAGIC;
    let _ = (&mut out).take(magic.len() as u64).read_to_end(&mut head);
    let mut whole: Box<dyn Read> = Box::new(std::io::Cursor::new(head.clone()).chain(out));
    // Through Git LFS the blob is a pointer: its object, when fetched, is
    // what is looked at.
    if head.starts_with(b"version https://git-l") {
        let mut pointer = Vec::new();
        let _ = (&mut whole).take(1024).read_to_end(&mut pointer);
        let _ = child.kill();
        let _ = child.wait();
        let Some((oid, _)) = crate::store::evidence::lfs_pointer(&pointer) else { return false };
        let object = repo.git_dir.join("lfs/objects").join(&oid[..2]).join(&oid[2..4]).join(&oid);
        let Ok(mut f) = std::fs::File::open(object) else { return by_lsms() };
        let mut head = Vec::new();
        let _ = (&mut f).take(magic.len() as u64).read_to_end(&mut head);
        let whole = std::io::Cursor::new(head.clone()).chain(f);
        return same_file(whole, &head, sha, me, by_lsms);
    }
    let same = same_file(whole, &head, sha, me, by_lsms);
    let _ = child.kill();
    child.wait().is_ok() && same
}

/// Is `whole` (beginning with `head`) the file `sha` names, plain or sealed?
fn same_file(
    whole: impl std::io::Read,
    head: &[u8],
    sha: &str,
    me: Option<&crate::seal::Identity>,
    by_lsms: impl Fn() -> bool,
) -> bool {
    let hashed =
        |r: &mut dyn std::io::Read| crate::store::evidence::hash_reader(r).is_ok_and(|(h, _)| h == sha);
    if head == crate::seal::AGE_MAGIC {
        match me.map(|id| crate::seal::open_stream(id, whole)) {
            Some(Ok(mut r)) => hashed(&mut r),
            Some(Err(crate::seal::NotOpened::Broken)) => false,
            Some(Err(crate::seal::NotOpened::NotForYou)) | None => by_lsms(),
        }
    } else {
        let mut whole = whole;
        hashed(&mut whole)
    }
}

/// The incidents the remote removed that this clone has.
fn removed_incidents(repo: &Repo) -> Result<Vec<Id>> {
    Ok(incoming_changes(repo)?
        .into_iter()
        .filter(|(s, _)| *s == 'D')
        .filter_map(|(_, rel)| incident_id(&rel))
        .collect())
}

/// Where a sync notes the commit it is about to merge.
fn started_file(repo: &Repo) -> std::path::PathBuf {
    repo.git_dir.join("lsms-sync-merging")
}

/// Is the merge under way the one a sync started (git's MERGE_HEAD is the
/// commit the sync noted), not one a person began with `git merge`?
fn merge_was_ours(repo: &Repo) -> bool {
    let noted = std::fs::read_to_string(started_file(repo)).unwrap_or_default();
    let head = std::fs::read_to_string(repo.git_dir.join("MERGE_HEAD")).unwrap_or_default();
    let noted = noted.trim();
    !noted.is_empty() && head.lines().count() == 1 && head.trim() == noted
}

/// The folder where the merge driver writes a record of each file it
/// leaves in conflict (`lsms merge-file`'s [`crate::store::merge_record::Record`]).
fn records(repo: &Repo) -> std::path::PathBuf {
    repo.git_dir.join("lsms-merge")
}

fn forget_records(repo: &Repo) {
    let _ = std::fs::remove_dir_all(records(repo));
}

/// Notes which merge the records are of (git's MERGE_HEAD as the merge
/// stopped), so that they are read for that merge and no other.
fn mark_records(repo: &Repo) {
    let dir = records(repo);
    if let Ok(head) = std::fs::read(repo.git_dir.join("MERGE_HEAD")) {
        let _ = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(dir.join("MERGE_HEAD"), head));
    }
}

/// The fields both sides changed, by conflicted path (`left`), as the
/// merge driver recorded them for the merge under way; none when the
/// records are of another merge (or there are none).
fn recorded_fields(repo: &Repo, left: &[String]) -> Vec<(String, String)> {
    let dir = records(repo);
    let now = std::fs::read(repo.git_dir.join("MERGE_HEAD")).ok();
    if now.is_none() || now != std::fs::read(dir.join("MERGE_HEAD")).ok() {
        return Vec::new();
    }
    left.iter()
        .filter_map(|p| read_record(&dir, p))
        .filter(|r| r.conflict == Conflict::Fields && !r.fields.is_empty())
        .map(|r| (r.path, r.fields.join(", ")))
        .collect()
}

/// Paths (relative to the repository's top) with a merge conflict.
fn unmerged(repo: &Repo) -> Result<Vec<String>> {
    let text = repo.text(&["diff", "--name-only", "--diff-filter=U", "-z"])?;
    let mut v: Vec<String> = text.split('\0').filter(|s| !s.is_empty()).map(str::to_string).collect();
    v.dedup();
    Ok(v)
}

/// The id an incident file's path names, if it is one.
fn incident_id(rel: &str) -> Option<Id> {
    let stem = rel.strip_prefix("incidents/")?.strip_suffix(".yaml")?;
    let id = Id::parse(stem.rsplit('/').next()?).ok()?;
    (id.rel_path() == rel).then_some(id)
}

/// The error for a merge that stopped: each incident with its fields, and
/// how to go on.
fn stopped(repo: &Repo, left: &[String], fields: &[(String, String)], what: &str) -> Error {
    let mut lines = Vec::new();
    let mut other = false;
    for p in left {
        let id = repo.rel(p).and_then(incident_id);
        let changed = fields.iter().find(|(f, _)| f == p).map(|(_, k)| format!(": both changed {k}"));
        match id {
            Some(id) => {
                let gone = match (repo.staged(2, p), repo.staged(3, p)) {
                    (true, false) => ": removed on the remote, changed here",
                    (false, true) => ": removed here, changed on the remote",
                    _ => "",
                };
                lines.push(format!("  {id}{}{gone}", changed.unwrap_or_default()))
            }
            None => {
                other = true;
                lines.push(format!("  {p} (not an incident: resolve it with git, then `git add {p}`)"));
            }
        }
    }
    let example = left.iter().find_map(|p| repo.rel(p).and_then(incident_id));
    let mut help = String::new();
    if let Some(id) = example {
        help.push_str(&format!(
            "for each incident: `lsms resolve {id} --take ours` (this clone's value) or `--take theirs` (the remote's), \
             or edit the file between its <<<<<<< and >>>>>>> lines and run `lsms check`; "
        ));
    } else if other {
        help.push_str("resolve each file with git; ");
    }
    help.push_str("then `lsms sync --continue`. Every history entry of both sides is kept either way.");
    Error::failed_with(format!("{what}: both sides changed:\n{}", lines.join("\n")), help)
}

/// `--continue`: every conflict resolved, the merge is committed.
fn finish_merge(repo: &Repo, store: &Store, who: &Ident) -> Result<()> {
    let left = unmerged(repo)?;
    let mut bad = Vec::new();
    let mut fixed = Vec::new();
    for p in &left {
        let Some(rel) = repo.rel(p) else {
            bad.push(format!("  {p}: outside the store; resolve it with git, then `git add {p}`"));
            continue;
        };
        if incident_id(rel).is_none() {
            bad.push(format!("  {p}: not an incident; resolve it with git, then `git add {p}`"));
            continue;
        }
        match store.read(&store.root.join(rel)) {
            Ok(_) => fixed.push(rel.to_string()),
            Err(errs) => {
                let first = errs.into_iter().next().map(|e| e.to_string()).unwrap_or_default();
                bad.push(format!("  {first}"));
            }
        }
    }
    if !bad.is_empty() {
        return Err(Error::failed_with(
            format!("the merge still has conflicts, so nothing was committed:\n{}", bad.join("\n")),
            "for an incident: `lsms resolve ID --take ours|theirs`, or edit the file and run `lsms check`; then `lsms sync --continue` again",
        ));
    }
    if !fixed.is_empty() {
        let mut args = vec!["add", "--"];
        args.extend(fixed.iter().map(String::as_str));
        repo.text(&args)?;
    }
    let mut c = repo.cmd(&["commit", "--quiet", "--no-edit", "--no-verify"]);
    c.env("GIT_EDITOR", "true");
    repo.as_ident(&mut c, who);
    let out = c.output().map_err(|e| Error::failed(format!("cannot run git: {e}")))?;
    if !out.status.success() {
        return Err(Error::failed(format!(
            "git could not commit the merge: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    let _ = std::fs::remove_file(started_file(repo));
    Ok(())
}

/// A disposal in the work tree: the certificates added to the register,
/// and the record and evidence files they account for, removed.
#[derive(Default)]
struct Disposal {
    added: Vec<String>,
    removed: Vec<String>,
}

/// The store's changed files, if every change is lsms's own: incident
/// files in their place that parse, new evidence files whose content
/// is what their name says, and disposals (a record or evidence file
/// removed that a certificate in the register accounts for, and the new
/// certificates). Anything else is refused by name (an evidence file
/// changed or deleted among them, an incident file removed by hand).
fn own_changes(repo: &Repo, store: &Store) -> Result<(Vec<String>, Vec<String>, Disposal)> {
    let out = repo.run(&["status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames"])?;
    if !out.status.success() {
        return Err(Error::failed(format!(
            "git status failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut own = Vec::new();
    let mut objects = Vec::new();
    let mut foreign = Vec::new();
    let mut disposal = Disposal::default();
    // What the register says was disposed of: read only when a file is
    // removed or a certificate added.
    let mut register: Option<Vec<crate::store::disposals::Certificate>> = None;
    for entry in text.split('\0').filter(|s| s.len() > 3) {
        let (xy, path) = entry.split_at(3);
        let xy = xy.trim_end();
        let rel = repo.rel(path);
        if let Some(rel) = rel {
            let certs = || crate::store::disposals::all(store).0;
            if matches!(xy, "D" | " D" | "D ") {
                let certs = register.get_or_insert_with(certs);
                let accounted = match (incident_id(rel), evidence_object(rel)) {
                    (Some(id), _) => certs.iter().any(|c| c.id == id.as_str()),
                    (None, Some(sha)) => certs.iter().any(|c| c.evidence_removed.iter().any(|e| e == sha)),
                    _ => false,
                };
                if accounted {
                    disposal.removed.push(rel.to_string());
                } else if incident_id(rel).is_some() {
                    foreign.push(format!(
                        "  {xy:>2} {path}: removed by hand, with no certificate of disposal \
                         (restore it with `git checkout -- {path}`; a record is disposed of with `lsms dispose ID --reason TEXT`)"
                    ));
                } else {
                    foreign.push(format!("  {xy:>2} {path}"));
                }
                continue;
            }
            if matches!(xy, "??" | "A") && rel.starts_with("disposals/") {
                match crate::store::disposals::id_of(rel)
                    .and_then(|id| crate::store::disposals::find(store, &id))
                {
                    Some(Ok(_)) => disposal.added.push(rel.to_string()),
                    Some(Err(e)) => foreign.push(format!("  {xy:>2} {path}: {e}")),
                    None => foreign.push(format!("  {xy:>2} {path}: not a certificate of disposal")),
                }
                continue;
            }
        }
        if let Some(rel) = rel.filter(|_| matches!(xy, "??" | "A"))
            && let Some(sha) = evidence_object(rel)
        {
            match crate::store::evidence::check_content(&store.root, sha, &store.evidence_keys()) {
                None
                | Some(crate::store::evidence::Fault::NoKey | crate::store::evidence::Fault::NotForYou) => {
                    objects.push(rel.to_string())
                }
                Some(f) => foreign.push(format!("  {xy:>2} {path}: an evidence file that is {f}")),
            }
            continue;
        }
        let is_own = match rel {
            Some(rel) if !xy.contains(['D', 'U']) && xy != "AA" => match incident_id(rel) {
                Some(_) => match store.read(&store.root.join(rel)) {
                    Ok(_) => true,
                    Err(errs) => {
                        let why = errs.into_iter().next().map(|e| e.to_string()).unwrap_or_default();
                        foreign.push(format!("  {xy:>2} {path}: {why}"));
                        continue;
                    }
                },
                // Git's status puts a change not yet staged as " M".
                None => {
                    rel == ".gitattributes" && matches!(xy.trim(), "M" | "??") && only_driver_added(repo, rel)
                }
            },
            _ => false,
        };
        if is_own {
            own.push(rel.unwrap_or(path).to_string());
        } else {
            foreign.push(format!("  {xy:>2} {path}"));
        }
    }
    if !foreign.is_empty() {
        return Err(Error::failed_with(
            format!(
                "the work tree has changes that are not lsms's own, so sync did nothing:\n{}",
                foreign.join("\n")
            ),
            "commit them with git (or set them aside: `git stash -u`); for an incident file, fix it and run `lsms check`; then run `lsms sync` again",
        ));
    }
    Ok((own, objects, disposal))
}

/// The hash an evidence file's path names (`evidence/ab/<sha256>`), if it
/// is one.
fn evidence_object(rel: &str) -> Option<&str> {
    let (dir, sha) = rel.strip_prefix("evidence/")?.split_once('/')?;
    (crate::store::evidence::is_sha256(sha) && sha.starts_with(dir) && dir.len() == 2).then_some(sha)
}

/// Is a changed .gitattributes the committed one plus the driver's line
/// (and the Git LFS line for evidence)?
fn only_driver_added(repo: &Repo, rel: &str) -> bool {
    let committed = repo.text(&["show", &format!("HEAD:{}", repo.full(rel))]).unwrap_or_default();
    let now = std::fs::read_to_string(repo.root.join(rel)).unwrap_or_default();
    let strip = |s: &str| {
        s.lines()
            .filter(|l| {
                let l = l.trim();
                !same_attribute_line(l, crate::store::git::ATTRIBUTES)
                    && !same_attribute_line(l, crate::store::git::LFS_ATTRIBUTES)
            })
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    strip(&committed) == strip(&now)
}

/// Pushes the Git LFS objects of the commits about to be pushed, first,
/// so that no commit reaches the remote without its evidence files. (The
/// push itself runs with --no-verify, which skips LFS's pre-push hook.)
fn push_lfs(repo: &Repo, up: &Upstream) -> Result<()> {
    let lfs_here = repo.run(&["config", "--get", "filter.lfs.process"]).is_ok_and(|o| o.status.success());
    if !lfs_here || !repo.root.join(crate::store::evidence::DIR).exists() {
        return Ok(());
    }
    let out = repo.run(&["lfs", "push", &up.remote, "HEAD"])?;
    if out.status.success() {
        return Ok(());
    }
    Err(Error::failed_with(
        format!(
            "cannot push the evidence files (Git LFS) to {}: {}",
            up.remote,
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        "check that the shared repository accepts Git LFS (`git lfs push` by hand shows the same); \
         your changes are committed here and go with the next sync",
    ))
}

enum Pushed {
    Yes,
    LostRace,
}

fn push(repo: &Repo, up: &Upstream) -> Result<Pushed> {
    let target = format!("HEAD:{}", up.merge);
    push_lfs(repo, up)?;
    let out = repo.run(&["push", "--quiet", "--no-verify", &up.remote, &target])?;
    if out.status.success() {
        return Ok(Pushed::Yes);
    }
    let err = String::from_utf8_lossy(&out.stderr);
    let race = ["rejected", "fetch first", "non-fast-forward", "cannot lock ref", "failed to update ref"];
    if race.iter().any(|r| err.contains(r)) {
        return Ok(Pushed::LostRace);
    }
    Err(Error::failed_with(
        format!("cannot push to {}: {}", up.remote, err.trim()),
        "check access to the shared repository (`git push` by hand shows the same); your changes are committed here and go with the next sync",
    ))
}
