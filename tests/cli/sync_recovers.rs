//! Sync recovers by itself or says exactly what to do: evidence the
//! remote would change, incidents the remote removed, lsms's own
//! `.gitattributes` lines, leftovers of a killed sync, and a fresh clone's
//! evidence files and their permissions.

use crate::git::git;
use crate::harness::*;
use crate::sync::{Team, as_who};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// The evidence files of a store, by path.
fn evidence_files(root: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    for d in std::fs::read_dir(root.join("evidence")).into_iter().flatten().flatten() {
        if d.path().is_dir() {
            v.extend(std::fs::read_dir(d.path()).unwrap().flatten().map(|f| f.path()));
        }
    }
    v.sort();
    v
}

fn add_evidence(s: &Store, id: &str, name: &str, text: &str) -> PathBuf {
    let file = s.tmp.path().join(name);
    std::fs::write(&file, text).unwrap();
    as_who(s, "jfowlis", &["evidence", "add", id, file.to_str().unwrap()]).ok();
    file
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_remote_change_to_an_evidence_files_bytes_is_refused_and_the_local_copy_kept() {
    let team = Team::new("");
    let a = team.clone("a");
    let b = team.clone("b");
    let id = a.report(&["--category", "theft", "--summary", "Phone taken"]);
    add_evidence(&a, &id, "still.jpg", "CCTV still, camera 4\n");
    a.run(&["sync", "-q"]).ok();
    b.run(&["sync", "-q"]).ok();
    let files = evidence_files(&b.root);
    assert_eq!(files.len(), 1);
    assert_eq!(
        std::fs::read_to_string(&files[0]).unwrap(),
        "CCTV still, camera 4\n",
        "the file, not a pointer"
    );
    assert_eq!(mode(&files[0]), 0o444, "the store's own rule in a clone: read-only");
    assert_eq!(mode(files[0].parent().unwrap()), 0o700, "and a folder only the owner reads");

    // Variant beside the reported case: new evidence from the remote is welcome.
    add_evidence(&b, &id, "statement.txt", "Statement of the porter\n");
    b.run(&["sync", "-q"]).ok();
    a.run(&["sync", "-q"]).ok();
    assert_eq!(evidence_files(&a.root).len(), 2);

    // The reported case: b replaces the bytes of a's evidence file, by git.
    let victim = files[0].clone();
    let rel = victim.strip_prefix(&b.root).unwrap().to_str().unwrap().to_string();
    std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::write(&victim, "Something else entirely\n").unwrap();
    git(&b.root, &["commit", "-qam", "swap a file"]);
    git(&b.root, &["push", "-q"]);
    let before = a.snapshot_without_git();
    let head = git(&a.root, &["rev-parse", "HEAD"]);
    let out = a.run(&["sync"]).fails(1);
    out.says("changes the bytes of evidence").says(&rel);
    assert!(a.snapshot_without_git() == before, "the local copy stays as it was");
    assert_eq!(git(&a.root, &["rev-parse", "HEAD"]), head, "nothing merged");
    assert!(!a.root.join(".git/MERGE_HEAD").exists(), "not left mid-merge");
    a.run(&["evidence", "verify"]).ok();
    // Refused again, and never wedged on anything but that.
    a.run(&["sync"]).fails(1).says(&rel);
}

#[test]
fn an_incident_removed_on_the_remote_is_named_and_a_modify_delete_is_resolved_either_way() {
    let team = Team::new("");
    let a = team.clone("a");
    let b = team.clone("b");
    let gone = a.report(&["--category", "theft", "--summary", "Reported twice"]);
    let kept = a.report(&["--category", "theft", "--summary", "Changed here, removed there"]);
    let dropped = a.report(&["--category", "theft", "--summary", "Changed here, removed there too"]);
    a.run(&["sync", "-q"]).ok();
    b.run(&["sync", "-q"]).ok();

    // Removed on the remote, unchanged here: named as it goes.
    let rel =
        |s: &Store, id: &str| s.path_of(id).strip_prefix(&s.root).unwrap().to_str().unwrap().to_string();
    git(&b.root, &["rm", "-q", &rel(&b, &gone)]);
    git(&b.root, &["commit", "-qm", "a duplicate"]);
    git(&b.root, &["push", "-q"]);
    a.run(&["sync"]).ok().says(&format!("Removed on the remote: {gone}"));
    assert!(!a.path_of(&gone).exists());

    // Removed on the remote, changed here: a conflict, settled by resolve.
    for id in [&kept, &dropped] {
        git(&b.root, &["pull", "-q", "--no-rebase"]);
        git(&b.root, &["rm", "-q", &rel(&b, id)]);
        git(&b.root, &["commit", "-qm", "removed"]);
        git(&b.root, &["push", "-q"]);
        as_who(&a, "jfowlis", &["note", id, "Still open here"]).ok();
    }
    let out = a.run(&["sync"]).fails(1);
    out.says(&format!("{kept}: removed on the remote, changed here")).says(&dropped);
    as_who(&a, "jfowlis", &["resolve", &kept, "--take", "ours"]).ok().says("kept ours");
    as_who(&a, "jfowlis", &["resolve", &dropped, "--take", "theirs"]).ok().says("removed, as theirs did");
    a.run(&["sync", "--continue"]).ok().says("Finished the merge");
    let text = a.read(&kept);
    assert!(text.contains("Still open here") && text.contains("action: resolved"), "{text}");
    assert!(!a.path_of(&dropped).exists());
    b.run(&["sync", "-q"]).ok();
    assert!(b.path_of(&kept).exists() && !b.path_of(&dropped).exists());
    a.run(&["check"]).ok();
    b.run(&["check"]).ok();
}

#[test]
fn lsms_own_gitattributes_lines_are_known_however_the_remote_wrote_them() {
    let team = Team::new("");
    let a = team.clone("a");
    let b = team.clone("b");
    let attrs = |s: &Store| std::fs::read_to_string(s.root.join(".gitattributes")).unwrap();
    // Reformatted, reordered, another line added: still lsms's own.
    let original = attrs(&b);
    let mut lines: Vec<String> = original
        .lines()
        .map(|l| format!("  {}  ", l.split_whitespace().collect::<Vec<_>>().join("\t  ")))
        .collect();
    lines.reverse();
    lines.push("*.pdf binary".into());
    std::fs::write(b.root.join(".gitattributes"), lines.join("\n") + "\n").unwrap();
    git(&b.root, &["commit", "-qam", "tidy attributes"]);
    git(&b.root, &["push", "-q"]);
    for s in [&a, &b] {
        s.run(&["sync", "-q"]).ok();
        s.run(&["sync", "-q"]).ok();
        assert_eq!(attrs(s).matches("merge=lsms").count(), 1, "not added twice:\n{}", attrs(s));
    }
    // Removed: restored and committed by the next sync, and carried on.
    std::fs::write(b.root.join(".gitattributes"), "*.pdf binary\n").unwrap();
    git(&b.root, &["commit", "-qam", "drop attributes"]);
    git(&b.root, &["push", "-q"]);
    let id = a.report(&["--category", "theft", "--summary", "After the change"]);
    a.run(&["sync"]).ok().says("Restored lsms's own lines in .gitattributes");
    assert!(attrs(&a).contains("incidents/**/*.yaml merge=lsms"), "{}", attrs(&a));
    assert_eq!(git(&a.root, &["status", "--porcelain"]), "", "committed");
    b.run(&["sync", "-q"]).ok();
    assert!(attrs(&b).contains("merge=lsms") && attrs(&b).contains("*.pdf binary"), "{}", attrs(&b));
    b.run(&["show", &id]).ok();
    a.run(&["sync", "-q"]).ok();
}

/// Sets a file's time back, as a leftover found by the next cron run is.
fn age(p: &Path) {
    let ok = std::process::Command::new("touch").args(["-d", "10 minutes ago"]).arg(p).status().unwrap();
    assert!(ok.success());
}

fn leftovers(root: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(".merge_file_"))
        .collect();
    // Every lock a killed git may leave: index.lock, ORIG_HEAD.lock, a
    // ref's lock under refs/.
    let mut dirs = vec![root.join(".git")];
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if e.file_type().unwrap().is_dir() && p.starts_with(root.join(".git/refs")) {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "lock") {
                v.push(p);
            }
        }
    }
    v
}

#[test]
fn leftovers_of_a_killed_git_are_cleared_when_stale_and_named_when_not() {
    let team = Team::new("");
    let a = team.clone("a");
    let id = a.report(&["--category", "theft", "--summary", "Phone taken"]);
    let lock = a.root.join(".git/index.lock");
    let temp = a.root.join(".merge_file_Xa1b2c");
    let orig = a.root.join(".git/ORIG_HEAD.lock");
    let branch = a.root.join(".git/refs/heads/main.lock");
    std::fs::write(&lock, "").unwrap();
    std::fs::write(&temp, "half a merge").unwrap();
    std::fs::write(&orig, "").unwrap();
    std::fs::write(&branch, "").unwrap();

    // Fresh: a git may hold them: named, with the command, nothing done.
    let before = a.snapshot_without_git();
    a.run(&["sync"])
        .fails(1)
        .says("index.lock")
        .says(".merge_file_Xa1b2c")
        .says("ORIG_HEAD.lock")
        .says("refs/heads/main.lock")
        .says("rm ");
    assert!(a.snapshot_without_git() == before && lock.exists() && branch.exists());

    // Stale: cleared, and the sync goes on; --continue too.
    for p in [&lock, &temp, &orig, &branch] {
        age(p);
    }
    a.run(&["sync", "--continue"]).ok().says("Removed").says("pushed 1 commit(s)");
    assert!(leftovers(&a.root).is_empty());
    assert!(git(&a.root, &["log", "--format=%B", "-1"]).contains(&id));
    // With nothing left over, --continue still says there is nothing to continue.
    a.run(&["sync", "--continue"]).fails(1).says("there is no stopped sync");
}

#[test]
fn a_sync_killed_at_any_point_is_recovered_by_the_next_and_nothing_is_lost() {
    // A slow merge driver (lsms merge-file behind a pause) widens the
    // window in which the kill lands inside git's merge.
    let bin = tempfile::tempdir().unwrap();
    let real = env!("CARGO_BIN_EXE_lsms");
    let wrapper = bin.path().join("lsms");
    std::fs::write(
        &wrapper,
        format!("#!/bin/sh\n[ \"$1\" = merge-file ] && sleep 1\nexec '{real}' \"$@\"\n"),
    )
    .unwrap();
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = std::env::join_paths(
        std::iter::once(bin.path().to_path_buf()).chain(std::env::split_paths(&path_with_lsms())),
    )
    .unwrap();
    let mut killed_in_the_merge = 0;
    for delay_ms in [150, 600, 1300, 2500, 3800] {
        let team = Team::new("");
        let a = team.clone("a");
        let b = team.clone("b");
        let ids: Vec<String> =
            (0..3).map(|n| a.report(&["--category", "theft", "--summary", &format!("Case {n}")])).collect();
        a.run(&["sync", "-q"]).ok();
        b.run(&["sync", "-q"]).ok();
        for id in &ids {
            as_who(&a, "jfowlis", &["note", id, &format!("A's word on {id}")]).ok();
            as_who(&b, "asmith", &["note", id, &format!("B's word on {id}")]).ok();
        }
        a.run(&["sync", "-q"]).ok();
        let mut c = std::process::Command::new(real);
        c.arg("-C")
            .arg(&b.root)
            .args(["sync", "-q"])
            .env("PATH", &path)
            .env("LSMS_NOW", NOW)
            .env("USER", "tester")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env_remove("LSMS_STORE")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        std::os::unix::process::CommandExt::process_group(&mut c, 0);
        let mut child = c.spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        // SIGKILL to lsms and every git and driver it started.
        let pgid = child.id() as i32;
        std::process::Command::new("kill").args(["-KILL", "--", &format!("-{pgid}")]).status().unwrap();
        let _ = child.wait();
        if !leftovers(&b.root).is_empty() {
            killed_in_the_merge += 1;
        }
        // The next cron run comes minutes later.
        for p in leftovers(&b.root) {
            age(&p);
        }
        b.run(&["sync", "-q"]).ok();
        a.run(&["sync", "-q"]).ok();
        assert!(leftovers(&b.root).is_empty(), "after a kill at {delay_ms} ms");
        for s in [&a, &b] {
            assert_eq!(git(&s.root, &["status", "--porcelain"]), "", "after a kill at {delay_ms} ms");
            for id in &ids {
                let text = s.read(id);
                for word in [format!("A's word on {id}"), format!("B's word on {id}")] {
                    assert!(text.contains(&word), "after a kill at {delay_ms} ms, {word} lost:\n{text}");
                }
            }
            s.run(&["check"]).ok();
        }
    }
    assert!(killed_in_the_merge >= 2, "the kills landed inside git's merge {killed_in_the_merge} time(s)");
}

#[test]
fn a_merge_stopped_with_nothing_left_in_conflict_names_the_one_command_that_finishes_it() {
    let team = Team::new("");
    let a = team.clone("a");
    let b = team.clone("b");
    let id = a.report(&["--category", "theft", "--summary", "Phone taken"]);
    a.run(&["sync", "-q"]).ok();
    b.report(&["--category", "theft", "--summary", "Bike taken"]);
    b.run(&["sync", "-q"]).ok();
    // A merge git left stopped with every file merged (as a kill after
    // git wrote MERGE_HEAD leaves it).
    git(&a.root, &["fetch", "-q"]);
    git(&a.root, &["merge", "-q", "--no-commit", "--no-ff", "@{u}"]);
    let before = a.snapshot_without_git();
    a.run(&["sync"]).fails(1).says("no conflict left").says("lsms sync --continue");
    assert!(a.snapshot_without_git() == before);
    a.run(&["sync", "--continue"]).ok().says("Finished the merge");
    assert_eq!(git(&a.root, &["status", "--porcelain"]), "");
    b.run(&["sync", "-q"]).ok();
    b.run(&["show", &id]).ok();
}

#[test]
fn a_clean_merge_a_sync_was_killed_in_is_finished_by_the_next_sync_on_its_own() {
    let team = Team::new("");
    let a = team.clone("a");
    let b = team.clone("b");
    let id = a.report(&["--category", "theft", "--summary", "Phone taken"]);
    a.run(&["sync", "-q"]).ok();
    let mine = b.report(&["--category", "theft", "--summary", "Bike taken"]);
    b.run(&["sync", "-q"]).ok();
    // As a sync leaves it when killed after git merged every file and
    // wrote MERGE_HEAD, before it committed: the sync noted the commit it
    // was merging first.
    git(&a.root, &["fetch", "-q"]);
    let theirs = git(&a.root, &["rev-parse", "@{u}"]);
    std::fs::write(a.root.join(".git/lsms-sync-merging"), theirs.trim()).unwrap();
    git(&a.root, &["merge", "-q", "--no-commit", "--no-ff", "@{u}"]);
    // The next cron run finishes it, quietly, and pushes.
    a.run(&["sync", "-q"]).ok();
    assert_eq!(git(&a.root, &["status", "--porcelain"]), "");
    assert!(!a.root.join(".git/MERGE_HEAD").exists() && !a.root.join(".git/lsms-sync-merging").exists());
    assert_eq!(git(&a.root, &["rev-list", "--count", "@{u}..HEAD"]).trim(), "0", "pushed");
    b.run(&["sync", "-q"]).ok();
    b.run(&["show", &id]).ok();
    a.run(&["show", &mine]).ok();
    // A merge noted for another commit is a person's: named, not committed.
    std::fs::write(a.root.join(".git/lsms-sync-merging"), "0".repeat(40)).unwrap();
    b.report(&["--category", "theft", "--summary", "Coat taken"]);
    b.run(&["sync", "-q"]).ok();
    git(&a.root, &["fetch", "-q"]);
    git(&a.root, &["merge", "-q", "--no-commit", "--no-ff", "@{u}"]);
    a.run(&["sync"]).fails(1).says("lsms sync --continue");
}
