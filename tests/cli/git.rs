//! A team on git: commits, the merge driver across clones, completions.

use crate::harness::*;
use std::path::Path;

/// Runs git with a fixed identity, no user config, and the built lsms on
/// PATH (for the merge driver); returns what it printed (stdout, then
/// stderr) and whether it succeeded.
pub fn git_run(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("PATH", path_with_lsms())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

pub fn git(dir: &Path, args: &[&str]) -> String {
    let (ok, text) = git_run(dir, args);
    assert!(ok, "git {args:?}: {text}");
    text
}

pub fn git_fails(dir: &Path, args: &[&str]) -> String {
    let (ok, text) = git_run(dir, args);
    assert!(!ok, "git {args:?} should fail: {text}");
    text
}

/// A store made with `init --git`, which commits it.
pub fn git_store() -> Store {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("origin");
    let mut c = lsms();
    c.arg("init").arg(&root).args(["--trust", "T", "--git"]);
    run(c).ok().says("registered the lsms merge driver");
    Store { tmp, root }
}

/// A clone of `from` at `name`, with the merge driver registered.
pub fn clone(from: &Store, name: &str) -> Store {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join(name);
    git(from.tmp.path(), &["clone", "-q", from.root.to_str().unwrap(), root.to_str().unwrap()]);
    let mut c = lsms();
    c.arg("-C").arg(&root).args(["init", "--git"]);
    run(c).ok();
    Store { tmp, root }
}

#[test]
fn each_change_is_committed_alone_with_the_actor_as_author() {
    let s = git_store();
    std::fs::write(s.root.join("notes.txt"), "not mine to commit").unwrap();
    let id = s.report(&["--commit", "--category", "theft", "--summary", "Bike taken from the shelter"]);
    s.run(&["--commit", "assign", &id, "--to", "asmith"]).ok();
    let log = git(&s.root, &["log", "--format=%an|%s"]);
    assert_eq!(
        log.lines().take(2).collect::<Vec<_>>(),
        [format!("tester|{id}: assigned"), format!("tester|{id}: reported")]
    );
    assert!(!log.contains("Bike"), "no personal data in messages");
    let status = git(&s.root, &["status", "--porcelain"]);
    assert_eq!(status, "?? notes.txt\n", "only the incident's own file was committed");

    let cfg = s.root.join("lsms.yaml");
    let text = std::fs::read_to_string(&cfg).unwrap() + "git: { commit: true }\n";
    std::fs::write(&cfg, text).unwrap();
    s.run(&["note", &id, "Seen on CCTV"]).ok();
    assert!(git(&s.root, &["log", "-1", "--format=%s"]).starts_with(&format!("{id}: note")));
}

#[test]
fn commits_by_lsms_are_sound_to_git_in_sha1_and_sha256_repositories() {
    // The SHA-256 store in a folder of a larger repository.
    for (format, folder) in [("sha1", ""), ("sha256", "security")] {
        let tmp = tempfile::tempdir().unwrap();
        let top = tmp.path().join("register");
        git(tmp.path(), &["init", "-q", &format!("--object-format={format}"), top.to_str().unwrap()]);
        let root = top.join(folder);
        let mut c = lsms();
        c.arg("init").arg(&root).args(["--trust", "T", "--git"]);
        run(c).ok();
        let s = Store { tmp, root };
        assert_eq!(git(&s.root, &["rev-parse", "--show-object-format"]).trim(), format);
        // A new folder, a file beside one, two files at once, evidence
        // (through .gitattributes' filters), the same file again.
        let a = s.report(&["--commit", "--category", "theft", "--summary", "First"]);
        let b = s.report(&["--commit", "--category", "theft", "--summary", "Second"]);
        s.run(&["--commit", "note", &a, "Seen on CCTV"]).ok();
        s.run(&["--commit", "link", &a, &b, "--kind", "related"]).ok();
        let file = s.tmp.path().join("still.jpg");
        std::fs::write(&file, "not really a photo").unwrap();
        s.run(&["--commit", "evidence", "add", &b, file.to_str().unwrap()]).ok();
        s.run(&["--commit", "assign", &b, "--to", "asmith"]).ok();
        let subjects = git(&s.root, &["log", "--format=%s"]);
        assert_eq!(
            subjects.lines().take(6).collect::<Vec<_>>(),
            [
                format!("{b}: assigned"),
                format!("{b}: evidence-added"),
                format!("{a}: linked"),
                format!("{a}: note"),
                format!("{b}: reported"),
                format!("{a}: reported"),
            ],
            "{format}"
        );
        let fsck = git(&s.root, &["fsck", "--strict"]);
        assert_eq!(fsck, "", "{format}: git finds nothing wrong, and nothing left over");
        assert_eq!(git(&s.root, &["status", "--porcelain"]), "", "{format}: the index agrees with HEAD");
        assert_eq!(
            git(&s.root, &["write-tree"]),
            git(&s.root, &["rev-parse", "HEAD^{tree}"]),
            "{format}: the tree git would write from the index is the one committed"
        );
        let rel = s.path_of(&b).strip_prefix(&s.root).unwrap().display().to_string();
        assert_eq!(git(&s.root, &["show", &format!("HEAD:./{rel}")]), s.read(&b), "{format}");
        let files = git(&s.root, &["show", "--name-only", "--format=", "HEAD~2"]);
        assert_eq!(files.lines().count(), 2, "{format}: a link commits both files: {files}");
    }
}

#[test]
fn committing_outside_git_is_refused_before_anything_is_written() {
    let s = Store::new();
    let before = s.snapshot();
    s.run(&["--commit", "report", "--category", "theft", "--summary", "x"])
        .fails(1)
        .says("not in a git work tree")
        .says("lsms init --git");
    assert_eq!(s.snapshot(), before);
}

#[test]
fn two_clones_that_record_incidents_merge_without_conflict() {
    let origin = git_store();
    let a = clone(&origin, "a");
    let b = clone(&origin, "b");
    let ia = a.report(&["--commit", "--category", "theft", "--summary", "From A"]);
    let ib = b.report(&["--commit", "--category", "harassment", "--summary", "From B"]);
    git(&a.root, &["pull", "-q", "--no-rebase", b.root.to_str().unwrap(), "HEAD"]);
    let ids = a.run(&["list", "--format", "ids"]).ok().stdout;
    assert!(ids.contains(&ia) && ids.contains(&ib), "{ids}");
    a.run(&["check"]).ok();
}

#[test]
fn two_clones_that_work_the_same_incident_merge_with_every_entry_kept() {
    let origin = git_store();
    let id = origin.report(&[
        "--commit",
        "--category",
        "physical-assault",
        "--summary",
        "Nurse struck",
        "--occurred",
        "2026-11-24 10:00",
    ]);
    let a = clone(&origin, "a");
    let b = clone(&origin, "b");
    let mut c = a.cmd(&["--commit", "note", &id, "A spoke to the witness"]);
    c.env("LSMS_NOW", "2026-11-25T12:05:00Z");
    run(c).ok();
    let mut c = b.cmd(&["--commit", "assign", &id, "--to", "jfowlis"]);
    c.env("LSMS_NOW", "2026-11-25T12:01:00Z");
    run(c).ok();
    let mut c = b.cmd(&["--commit", "note", &id, "B asked estates for CCTV"]);
    c.env("LSMS_NOW", "2026-11-25T12:10:00Z");
    run(c).ok();
    git(&a.root, &["pull", "-q", "--no-rebase", b.root.to_str().unwrap(), "HEAD"]);
    let text = a.read(&id);
    let history: Vec<&str> = text.lines().skip_while(|l| *l != "history:").skip(1).collect();
    assert_eq!(history.len(), 5, "{text}");
    assert!(history[1].contains("action: assigned") && history[2].contains("from: reported, to: assigned"));
    assert!(history[3].contains("A spoke to the witness"), "ordered by time:\n{text}");
    assert!(history[4].contains("B asked estates for CCTV"));
    assert!(text.contains("assignee: jfowlis\n") && text.contains("status: assigned\n"));
    a.run(&["check"]).ok();
}

#[test]
fn different_outcomes_on_two_clones_stop_for_a_person() {
    let origin = git_store();
    let id = origin.report(&["--commit", "--category", "theft", "--summary", "Phone taken"]);
    let a = clone(&origin, "a");
    let b = clone(&origin, "b");
    a.run(&["--commit", "close", &id, "--outcome", "no-further-action", "--note", "No leads"]).ok();
    b.run(&["--commit", "close", &id, "--outcome", "withdrawn", "--note", "Reporter withdrew"]).ok();
    let out = git_fails(&a.root, &["pull", "--no-rebase", b.root.to_str().unwrap(), "HEAD"]);
    assert!(out.contains("CONFLICT"), "{out}");
    let text = a.read(&id);
    assert!(
        text.contains(
            "<<<<<<< ours\noutcome: no-further-action\n=======\noutcome: withdrawn\n>>>>>>> theirs\n"
        ),
        "{text}"
    );
    assert!(text.contains("No leads") && text.contains("Reporter withdrew"), "both sides are shown:\n{text}");
    a.run(&["check"]).fails(1).says("an unresolved merge conflict (a conflict marker at line 11)");
}

#[test]
fn a_moved_file_after_a_merge_is_found_by_check() {
    let s = git_store();
    let id = s.report(&["--commit", "--category", "theft", "--summary", "x"]);
    let to = s.root.join("incidents/2025/01");
    std::fs::create_dir_all(&to).unwrap();
    git(&s.root, &["mv", &format!("incidents/{}/{}/{id}.yaml", &id[..4], &id[4..6]), "incidents/2025/01/"]);
    s.run(&["check"]).fails(1).says(&format!("the id {id} belongs at"));
}

#[test]
fn completions_and_man_page_are_printed() {
    for shell in ["bash", "zsh", "fish"] {
        let mut c = lsms();
        c.args(["completions", shell]);
        let out = run(c).ok();
        assert!(
            out.stdout.contains("lsms") && out.stdout.contains("report") && out.stdout.contains("category"),
            "{shell}"
        );
    }
    let mut c = lsms();
    c.arg("man");
    let out = run(c).ok();
    assert!(
        out.stdout.starts_with(".ie") || out.stdout.contains(".TH lsms"),
        "{}",
        &out.stdout[..200.min(out.stdout.len())]
    );
}

#[test]
fn every_command_has_an_example_in_its_help() {
    let mut c = lsms();
    c.arg("--help");
    let help = run(c).ok().stdout;
    let commands: Vec<String> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() >= 18, "{commands:?}");
    for cmd in commands {
        let mut c = lsms();
        c.args([cmd.as_str(), "--help"]);
        let out = run(c).ok().stdout;
        assert!(out.contains("Example"), "`lsms {cmd} --help` has no example");
    }
}

const SAMPLE_CSV: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/import.csv");
const SAMPLE_MAP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/import-map.yaml");

fn import_store() -> Store {
    Store::with_config("")
}

#[test]
fn import_records_every_row_of_the_sample_register() {
    let s = import_store();
    let before = s.snapshot();
    s.run(&["import", "--csv", SAMPLE_CSV, "--map-file", SAMPLE_MAP, "--dry-run"])
        .ok()
        .says("all 5 row(s) are good");
    assert_eq!(s.snapshot(), before, "a dry run records nothing");
    let out = s.run(&["import", "--csv", SAMPLE_CSV, "--map-file", SAMPLE_MAP]).ok();
    assert_eq!(out.lines().len(), 5);
    let first = s.read(out.lines()[0]);
    assert!(first.contains("\nrefs: { datix: DX-100"), "the register's own reference is kept:\n{first}");
    assert!(
        first.contains(
            "history:\n  - { at: 2026-11-25T12:00:00+00:00, by: tester, action: imported, detail: from row "
        ),
        "{first}"
    );
    let csv = s.run(&["export", "--format", "csv", "--include-personal"]).ok().stdout;
    assert!(
        csv.contains("physical-assault") && csv.contains("criminal-damage") && csv.contains(",650.00,"),
        "{csv}"
    );
    assert!(csv.contains("2025-02-03T14:10:00+00:00"), "day-first dates: {csv}");
    assert!(csv.contains("2025-06-05T11:00:00+01:00"), "in summer time: {csv}");
    s.run(&["check"]).ok();
}

#[test]
fn import_is_all_or_nothing_and_names_every_refused_row() {
    let s = import_store();
    let before = s.snapshot();
    let out = s
        .run(&[
            "import",
            "--csv",
            SAMPLE_CSV,
            "--map",
            "Date of incident=occurred,Type=category,Description=summary,Estimated cost=loss",
        ])
        .fails(1);
    let out = out
        .says("column 'Type': 5 value(s) that are not lsms category values")
        .says("  'Violence and aggression' in 1 row(s): 2\n")
        .says("nothing was imported: 5 of 5 row(s) refused");
    assert_eq!(out.stdout, "");
    assert_eq!(s.snapshot(), before);
    let file = s.tmp.path().join("one-bad.csv");
    std::fs::write(
        &file,
        "When,What,Type,Cost\n01/02/2025 10:00,Bag taken,theft,12.50\n31/02/2025 10:00,Bad date,theft,x\n",
    )
    .unwrap();
    s.run(&[
        "import",
        "--csv",
        file.to_str().unwrap(),
        "--map",
        "When=occurred,What=summary,Type=category,Cost=loss",
    ])
    .fails(1)
    .says("one-bad.csv:3: 'When':")
    .says("'Cost': amount 'x' is not a number");
    assert_eq!(s.snapshot(), before);
    s.run(&["import", "--csv", SAMPLE_CSV, "--map", "Type=category"])
        .fails(2)
        .says("no column is mapped to summary");
    s.run(&["import", "--csv", SAMPLE_CSV, "--map", "Kind=category,Description=summary"])
        .fails(1)
        .says("has no column 'Kind'");
    s.run(&["import", "--csv", SAMPLE_CSV, "--map", "Type=categry,Description=summary"])
        .fails(2)
        .says("did you mean 'category'");
}

#[test]
fn an_incident_that_arrives_by_git_pull_is_seen_through_the_cache() {
    let origin = git_store();
    origin.report(&["--commit", "--category", "theft", "--summary", "Before the clone"]);
    let a = clone(&origin, "a");
    let b = clone(&origin, "b");
    assert_eq!(a.run(&["list", "--format", "ids"]).ok().lines().len(), 1, "a reads, and caches, its store");
    assert!(a.root.join(".lsms/cache").is_dir());
    let new = b.report(&["--commit", "--category", "harassment", "--summary", "Recorded on clone b"]);
    let edited =
        b.run(&["list", "--format", "ids"]).ok().stdout.lines().find(|l| *l != new).unwrap().to_string();
    b.run(&["--commit", "assign", &edited, "--to", "asmith"]).ok();
    git(&a.root, &["pull", "-q", "--no-rebase", b.root.to_str().unwrap(), "HEAD"]);
    let out = a.run(&["list", "--format", "tsv", "--columns", "id,assignee"]).ok().stdout;
    assert!(out.contains(&format!("{new}\t\n")), "the pulled incident:\n{out}");
    assert!(out.contains(&format!("{edited}\tasmith\n")), "the pulled change:\n{out}");
    assert_eq!(git(&a.root, &["status", "--porcelain"]), "", "the cache stays out of git");
}
