//! A team on one remote: `init --git`'s first commit, who commits carry,
//! `lsms sync`, `lsms resolve`, and what they refuse.

use crate::git::{git, git_run, git_store};
use crate::harness::*;
use std::path::{Path, PathBuf};

/// A bare shared repository, seeded with a store made by `init --git`.
pub struct Team {
    /// Holds the shared repository's folder for the test's length.
    pub _tmp: tempfile::TempDir,
    pub remote: PathBuf,
}

impl Team {
    pub fn new(config: &str) -> Team {
        let tmp = tempfile::tempdir().unwrap();
        let remote = tmp.path().join("register.git");
        git(tmp.path(), &["init", "-q", "--bare", remote.to_str().unwrap()]);
        let seed = tmp.path().join("seed");
        let mut c = lsms();
        c.arg("init").arg(&seed).args(["--trust", "T", "--git", "--as", "setup"]);
        run(c).ok();
        if !config.is_empty() {
            let cfg = seed.join("lsms.yaml");
            let text = std::fs::read_to_string(&cfg).unwrap() + config;
            std::fs::write(&cfg, text).unwrap();
            git(&seed, &["commit", "-qam", "team settings"]);
        }
        git(&seed, &["remote", "add", "origin", remote.to_str().unwrap()]);
        git(&seed, &["push", "-q", "-u", "origin", "HEAD"]);
        Team { _tmp: tmp, remote }
    }

    /// One LSMS's clone, set up as the README says: `git clone`, then
    /// `lsms init --git`.
    pub fn clone(&self, name: &str) -> Store {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join(name);
        git(tmp.path(), &["clone", "-q", self.remote.to_str().unwrap(), root.to_str().unwrap()]);
        let mut c = lsms();
        c.arg("-C").arg(&root).args(["init", "--git"]);
        run(c).ok().says("registered the lsms merge driver");
        Store { tmp, root }
    }
}

/// `lsms -C <clone> --as WHO ARGS…`.
pub fn as_who(s: &Store, who: &str, args: &[&str]) -> Out {
    let mut c = lsms();
    c.arg("-C").arg(&s.root).args(["--as", who]).args(args);
    run(c)
}

fn log(s: &Store, format: &str) -> Vec<String> {
    git(&s.root, &["log", &format!("--format={format}")]).lines().map(str::to_string).collect()
}

fn status(root: &Path) -> String {
    git(root, &["status", "--porcelain"])
}

#[test]
fn init_git_commits_the_new_store_and_registers_the_driver_by_name() {
    let s = git_store();
    assert_eq!(status(&s.root), "", "nothing left uncommitted");
    assert_eq!(log(&s, "%an <%ae>|%s"), ["tester <>|lsms: a new store"]);
    assert_eq!(git(&s.root, &["ls-files"]), ".gitattributes\n.gitignore\nlsms.yaml\n");
    assert_eq!(
        git(&s.root, &["config", "merge.lsms.driver"]),
        "lsms merge-file %O %A %B %P\n",
        "by command name, not a path into a build folder"
    );
    let attrs = std::fs::read_to_string(s.root.join(".gitattributes")).unwrap();
    let lfs =
        std::process::Command::new("git").args(["lfs", "version"]).output().is_ok_and(|o| o.status.success());
    // Evidence goes through Git LFS where it is installed.
    let want = if lfs {
        "incidents/**/*.yaml merge=lsms\nevidence/** filter=lfs diff=lfs merge=lfs -text\n"
    } else {
        "incidents/**/*.yaml merge=lsms\n"
    };
    assert_eq!(attrs, want);
}

#[test]
fn init_git_in_a_fresh_clone_registers_the_driver_and_changes_no_file() {
    let origin = git_store();
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("c");
    git(tmp.path(), &["clone", "-q", origin.root.to_str().unwrap(), root.to_str().unwrap()]);
    let (had, _) = git_run(&root, &["config", "merge.lsms.driver"]);
    assert!(!had, "a clone does not carry the driver: git config is not cloned");
    let mut c = lsms();
    c.arg("-C").arg(&root).args(["init", "--git"]);
    run(c).ok().says("already a store");
    assert_eq!(git(&root, &["config", "merge.lsms.driver"]), "lsms merge-file %O %A %B %P\n");
    assert_eq!(status(&root), "");
    assert_eq!(git(&root, &["rev-list", "--count", "HEAD"]), "1\n", "no commit of its own");
}

#[test]
fn init_git_over_a_store_outside_git_commits_it_whole() {
    let s = Store::new();
    let id = s.report(&["--category", "theft", "--summary", "Before git"]);
    s.run(&["init", "--git"]).ok().says("Committed the store");
    assert_eq!(status(&s.root), "");
    let files = git(&s.root, &["ls-files"]);
    assert!(files.contains(&format!("{id}.yaml")) && files.contains("lsms.yaml"), "{files}");
}

#[test]
fn commits_carry_the_actors_email_from_the_team_or_none_never_the_machines() {
    let s = git_store();
    let cfg = s.root.join("lsms.yaml");
    let text = std::fs::read_to_string(&cfg).unwrap()
        + "team: [jfowlis, { name: asmith, email: a.smith@nhs.net }]\n";
    std::fs::write(&cfg, text).unwrap();
    git(&s.root, &["commit", "-qam", "team"]);
    let id = s.report(&["--commit", "--category", "theft", "--summary", "x"]);
    // No identity on this machine: the actor commits too.
    assert_eq!(log(&s, "%an <%ae>|%cn <%ce>")[0], "tester <>|tester <>");
    // This machine's git says someone else: they commit, the actor authors.
    git(&s.root, &["config", "user.name", "Ward PC"]);
    git(&s.root, &["config", "user.email", "wardpc@trust.example"]);
    as_who(&s, "asmith", &["--commit", "assign", &id, "--to", "jfowlis"]).ok();
    as_who(&s, "jfowlis", &["--commit", "note", &id, "Seen"]).ok();
    assert_eq!(
        log(&s, "%an <%ae>|%cn <%ce>|%s")[..2],
        [
            format!("jfowlis <>|Ward PC <wardpc@trust.example>|{id}: note"),
            format!("asmith <a.smith@nhs.net>|Ward PC <wardpc@trust.example>|{id}: assigned"),
        ]
    );
    assert_eq!(status(&s.root), "", "the index agrees with the commits");
    git(&s.root, &["fsck", "--strict", "--no-dangling"]);
    let committed =
        git(&s.root, &["show", &format!("HEAD:{}", s.path_of(&id).strip_prefix(&s.root).unwrap().display())]);
    assert_eq!(committed, s.read(&id), "the commit holds the file as it is");
}

#[test]
fn a_commit_touches_only_its_own_file_and_keeps_staged_work_staged() {
    let s = git_store();
    let id = s.report(&["--commit", "--category", "theft", "--summary", "x"]);
    std::fs::write(s.root.join("plan.txt"), "draft\n").unwrap();
    git(&s.root, &["add", "plan.txt"]);
    s.run(&["--commit", "note", &id, "More"]).ok();
    let files = git(&s.root, &["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(files, format!("{}\n", s.path_of(&id).strip_prefix(&s.root).unwrap().display()));
    assert_eq!(status(&s.root), "A  plan.txt\n");
    assert_eq!(git(&s.root, &["diff", "HEAD~1", "--stat"]).lines().count(), 3, "one file in the last commit");
}

#[test]
fn a_store_in_a_folder_of_a_larger_repository_commits_under_that_folder() {
    let tmp = tempfile::tempdir().unwrap();
    git(tmp.path(), &["init", "-q"]);
    let root = tmp.path().join("security");
    let mut c = lsms();
    c.arg("init").arg(&root).args(["--trust", "T", "--git"]);
    run(c).ok().says("used the git repository around it");
    let s = Store { tmp, root };
    let id = s.report(&["--commit", "--category", "theft", "--summary", "x"]);
    let files = git(&s.root, &["ls-files", "--full-name"]);
    assert!(files.contains(&format!("security/incidents/{}/{}/{id}.yaml", &id[..4], &id[4..6])), "{files}");
    assert_eq!(status(&s.root), "");
}

#[test]
fn sync_carries_each_clones_work_to_the_others() {
    let team = Team::new("");
    let a = team.clone("a");
    let b = team.clone("b");
    let ia = as_who(&a, "jfowlis", &["report", "--category", "theft", "--summary", "From A"]).ok();
    let ia = ia.stdout.trim().to_string();
    as_who(&a, "jfowlis", &["sync"]).ok().says("Committed 1 changed incident file(s), pushed 1 commit(s)");
    let ib = b.report(&["--commit", "--category", "harassment", "--summary", "From B"]);
    b.run(&["sync"]).ok().says("Pulled 1 commit(s), pushed 2 commit(s)");
    let out = a.run(&["sync", "-q"]).ok();
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("", ""), "-q: silent when all went well");
    let out = a.run(&["sync", "-q"]).ok();
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("", ""), "-q: silent with nothing to do");
    a.run(&["sync"]).ok().says("Up to date with origin/");
    for s in [&a, &b] {
        let ids = s.run(&["list", "--format", "ids"]).ok().stdout;
        assert!(ids.contains(&ia) && ids.contains(&ib), "{ids}");
        assert_eq!(status(&s.root), "");
        s.run(&["check"]).ok();
    }
    assert!(a.snapshot_without_git() == b.snapshot_without_git(), "both clones hold the same files");
    let ours = git(&a.root, &["log", "--format=%an|%B", "--author=jfowlis"]);
    assert!(ours.starts_with(&format!("jfowlis|lsms sync: 1 changed incident file(s)\n\n{ia}\n")), "{ours}");
    assert_eq!(log(&a, "%p").iter().filter(|p| p.contains(' ')).count(), 1, "one merge, no rebase");
}

#[test]
fn a_conflict_stops_sync_naming_the_incident_and_resolve_settles_it() {
    let team = Team::new("");
    let a = team.clone("a");
    let b = team.clone("b");
    let id = a.report(&["--category", "theft", "--summary", "Phone taken"]);
    a.run(&["sync", "-q"]).ok();
    b.run(&["sync", "-q"]).ok();
    as_who(&a, "jfowlis", &["close", &id, "--outcome", "no-further-action", "--note", "No leads"]).ok();
    as_who(&b, "asmith", &["close", &id, "--outcome", "withdrawn", "--note", "Reporter withdrew"]).ok();
    as_who(&b, "asmith", &["note", &id, "Told the reporter"]).ok();
    a.run(&["sync", "-q"]).ok();
    let before = b.snapshot_without_git();
    let out = b.run(&["sync", "-q"]).fails(1);
    let out = out
        .says("sync stopped at a conflict")
        .says(&format!("{id}: both changed outcome, closure_note"))
        .says(&format!("lsms resolve {id} --take ours"))
        .says("lsms sync --continue");
    assert_eq!(out.stdout, "");
    assert!(b.snapshot_without_git() != before, "the file shows both sides");
    let text = b.read(&id);
    assert!(text.contains("<<<<<<< ours\noutcome: withdrawn\n"), "{text}");

    // What is refused while the conflict stands.
    b.run(&["sync"]).fails(1).says("an earlier sync stopped at a conflict").says(&id);
    b.run(&["sync", "--continue"]).fails(1).says("the merge still has conflicts").says(&id);
    b.run(&["--commit", "note", &id, "x"]).fails(1).says("lsms sync --continue");

    as_who(&b, "asmith", &["resolve", &id, "--take", "theirs"])
        .ok()
        .says("took theirs for outcome, closure_note")
        .says("run `lsms sync --continue`");
    let text = b.read(&id);
    assert!(
        text.contains("outcome: no-further-action\n") && text.contains("closure_note: No leads\n"),
        "{text}"
    );
    for entry in [
        "by: jfowlis, action: closed",
        "by: asmith, action: closed",
        "Told the reporter",
        "by: asmith, action: resolved",
    ] {
        assert_eq!(text.matches(entry).count(), 1, "{entry} once in:\n{text}");
    }
    b.run(&["resolve", &id, "--take", "ours"]).fails(1).says("has no merge conflict");
    b.run(&["sync", "--continue"]).ok().says("Finished the merge");
    a.run(&["sync", "-q"]).ok();
    assert!(a.snapshot_without_git() == b.snapshot_without_git(), "both clones hold the same files");
    a.run(&["check"]).ok();
}

#[test]
fn resolve_taking_ours_keeps_this_clones_values_and_an_edit_by_hand_continues_too() {
    let team = Team::new("");
    let a = team.clone("a");
    let b = team.clone("b");
    let one = a.report(&["--category", "theft", "--summary", "One"]);
    let two = a.report(&["--category", "theft", "--summary", "Two"]);
    a.run(&["sync", "-q"]).ok();
    b.run(&["sync", "-q"]).ok();
    for (s, v) in [(&a, "From A"), (&b, "From B")] {
        s.run(&["update", &one, "--summary", &format!("{v} one")]).ok();
        s.run(&["update", &two, "--location", v]).ok();
    }
    a.run(&["sync", "-q"]).ok();
    b.run(&["sync"])
        .fails(1)
        .says(&format!("{one}: both changed summary"))
        .says(&format!("{two}: both changed location"));
    b.run(&["resolve", &one, "--take", "ours"]).ok().says("1 conflict(s) left");
    assert!(b.read(&one).contains("summary: From B one\n"));
    // The other by hand: keep A's line, drop the markers.
    let text = b.read(&two);
    let fixed: String = text
        .lines()
        .filter(|l| !l.starts_with("<<<<<<<") && !l.starts_with("=======") && !l.starts_with(">>>>>>>"))
        .filter(|l| *l != "location: From B")
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(b.path_of(&two), fixed).unwrap();
    b.run(&["check"]).ok();
    b.run(&["sync", "--continue", "-q"]).ok();
    a.run(&["sync", "-q"]).ok();
    assert!(a.read(&two).contains("location: From A\n") && a.read(&one).contains("summary: From B one\n"));
    assert!(a.snapshot_without_git() == b.snapshot_without_git(), "both clones hold the same files");
}

#[test]
fn the_fields_in_conflict_come_from_the_drivers_record_of_the_merge() {
    let team = Team::new("");
    let a = team.clone("a");
    let b = team.clone("b");
    let id = a.report(&["--category", "theft", "--summary", "One"]);
    a.run(&["sync", "-q"]).ok();
    b.run(&["sync", "-q"]).ok();
    for (s, v) in [(&a, "From A"), (&b, "From B")] {
        s.run(&["update", &id, "--summary", v, "--location", v]).ok();
    }
    a.run(&["sync", "-q"]).ok();
    b.run(&["sync"]).fails(1).says(&format!("{id}: both changed summary, location"));
    // The driver's record: JSON under the git folder, by the file's path.
    let rel = b.path_of(&id).strip_prefix(&b.root).unwrap().display().to_string();
    let records = b.root.join(".git/lsms-merge");
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(records.join(format!("{rel}.json"))).unwrap()).unwrap();
    assert_eq!(
        record,
        serde_json::json!({ "path": rel, "conflict": "fields", "fields": ["summary", "location"] })
    );
    // A later sync, which merges nothing, names the fields from the record.
    b.run(&["sync"])
        .fails(1)
        .says("an earlier sync stopped at a conflict")
        .says(&format!("{id}: both changed summary, location"));
    // A record of another merge is not taken for this one's.
    let marker = records.join("MERGE_HEAD");
    let kept = std::fs::read(&marker).unwrap();
    std::fs::write(&marker, "0".repeat(40)).unwrap();
    let out = b.run(&["sync"]).fails(1).says(&id);
    assert!(!out.stderr.contains("both changed summary"), "{}", out.stderr);
    std::fs::write(&marker, kept).unwrap();
    b.run(&["resolve", &id, "--take", "theirs"]).ok();
    b.run(&["sync", "--continue", "-q"]).ok();
    assert!(!records.exists(), "the records go with the merge they are of");
    assert_eq!(status(&b.root), "");
}

#[test]
fn a_push_that_loses_the_race_is_pulled_and_pushed_again() {
    let team = Team::new("");
    let a = team.clone("a");
    let b = team.clone("b");
    // b's work reaches the remote on a side branch; the remote's hook moves
    // the main branch to it just as a's first push arrives, as a colleague
    // pushing at the same moment would.
    let ib = b.report(&["--commit", "--category", "theft", "--summary", "From B"]);
    git(&b.root, &["push", "-q", "origin", "HEAD:refs/heads/race"]);
    let branch = git(&a.root, &["symbolic-ref", "--short", "HEAD"]).trim().to_string();
    let hook = team.remote.join("hooks/pre-receive");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\ncat >/dev/null\n[ -e raced ] && exit 0\ntouch raced\n\
             env -u GIT_QUARANTINE_PATH -u GIT_OBJECT_DIRECTORY -u GIT_ALTERNATE_OBJECT_DIRECTORIES \
             git update-ref refs/heads/{branch} refs/heads/race\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let ia = a.report(&["--commit", "--category", "theft", "--summary", "From A"]);
    a.run(&["sync"]).ok().says("Pulled 1 commit(s), pushed 2 commit(s)");
    assert!(team.remote.join("raced").exists(), "the race happened");
    let remote_log = git(&team.remote, &["log", "--format=%s", &branch]);
    assert!(
        remote_log.contains(&format!("{ia}: reported")) && remote_log.contains(&format!("{ib}: reported"))
    );
}

#[test]
fn sync_refuses_what_it_cannot_do_and_leaves_everything_as_it_was() {
    // Outside git.
    let plain = Store::new();
    let before = plain.snapshot();
    plain.run(&["sync"]).fails(1).says("not in a git repository").says("git clone");
    assert!(plain.snapshot() == before);

    // In git, but no remote.
    let solo = git_store();
    solo.run(&["sync"]).fails(1).says("no remote to sync with").says("git remote add origin URL");

    // Changes that are not lsms's own.
    let team = Team::new("");
    let a = team.clone("a");
    let id = a.report(&["--category", "theft", "--summary", "Mine"]);
    std::fs::write(a.root.join("notes.txt"), "not lsms's\n").unwrap();
    let cfg = a.root.join("lsms.yaml");
    std::fs::write(&cfg, std::fs::read_to_string(&cfg).unwrap() + "sites: [A]\n").unwrap();
    let before = a.state();
    a.run(&["sync"])
        .fails(1)
        .says("not lsms's own")
        .says("M lsms.yaml")
        .says("?? notes.txt")
        .says("git stash -u");
    assert!(a.state() == before, "nothing committed, nothing pulled");
    std::fs::remove_file(a.root.join("notes.txt")).unwrap();
    git(&a.root, &["checkout", "lsms.yaml"]);

    // An incident file that does not parse is not lsms's own either.
    let path = a.path_of(&id);
    std::fs::write(&path, std::fs::read_to_string(&path).unwrap().replace("status: reported", "status: ["))
        .unwrap();
    let before = a.state();
    a.run(&["sync"]).fails(1).says(&format!("{id}.yaml")).says("lsms check");
    assert!(a.state() == before);

    // Nothing to continue, and nothing to resolve.
    a.run(&["sync", "--continue"]).fails(1).says("no stopped sync to continue");
    a.run(&["resolve", &id, "--take", "ours"]).fails(1).says("has no merge conflict");
    a.run(&["resolve", &id, "--take", "mine"]).fails(2);

    // lsms not on PATH, where git would look for the merge driver.
    let mut c = lsms();
    c.env("PATH", "/usr/bin:/bin").arg("-C").arg(&a.root).arg("sync");
    let _ = run(c).fails(1).says("not on PATH");
    assert!(a.state() == before);
}

#[test]
fn team_entries_with_an_email_are_read_and_plain_names_still_work() {
    let team = Team::new("team: [jfowlis, { name: asmith, email: a.smith@nhs.net }]\n");
    let a = team.clone("a");
    let id = a.report(&["--category", "theft", "--summary", "x"]);
    as_who(&a, "asmith", &["assign", &id, "--to", "jfowlis"]).ok();
    as_who(&a, "asmith", &["sync", "-q"]).ok();
    a.run(&["assign", &id, "--to", "nobody"]).fails(1).says("team member");
    assert_eq!(log(&a, "%an <%ae>")[0], "asmith <a.smith@nhs.net>");
}

impl Store {
    /// What a person sees of a clone: its files (without `.git/`), the
    /// commit it is at, and what git calls changed.
    pub fn state(&self) -> (std::collections::BTreeMap<PathBuf, Vec<u8>>, String, String) {
        (self.snapshot_without_git(), git(&self.root, &["rev-parse", "HEAD"]), status(&self.root))
    }

    /// The snapshot without the `.git` folder: the files a person sees.
    pub fn snapshot_without_git(&self) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
        self.snapshot()
            .into_iter()
            .filter(|(p, _)| !p.starts_with(".git/") && p != Path::new(".git"))
            .collect()
    }
}

#[test]
fn sync_registers_the_merge_driver_in_a_clone_on_first_use() {
    let team = Team::new("");
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("plain");
    git(tmp.path(), &["clone", "-q", team.remote.to_str().unwrap(), root.to_str().unwrap()]);
    let (had, _) = git_run(&root, &["config", "merge.lsms.driver"]);
    assert!(!had);
    let s = Store { tmp, root };
    s.run(&["sync", "-q"]).ok();
    assert_eq!(git(&s.root, &["config", "merge.lsms.driver"]), "lsms merge-file %O %A %B %P\n");
    assert_eq!(status(&s.root), "");
}
