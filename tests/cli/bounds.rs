//! Every read bounded, every write where lsms reads it back (issue 20):
//! special files are named, never waited on; cache, settings and standard
//! input have limits checked before the work; a command never writes a
//! file lsms would refuse to read, nor outside the store's own folders,
//! nor over git's own files; a loop of duplicates and an occurrence moved
//! after what follows it are refused.

use crate::harness::*;
use std::path::Path;
use std::time::Duration;

/// A run that fails, rather than hangs, should lsms wait on a FIFO.
fn run_within(s: &Store, args: &[&str], stdin: Option<Vec<u8>>) -> Out {
    let mut c = s.cmd(args);
    c.timeout(Duration::from_secs(30));
    if let Some(bytes) = stdin {
        c.write_stdin(bytes);
    }
    run(c)
}

fn mkfifo(p: &Path) {
    use rustix::fs::{CWD, FileType, Mode, mknodat};
    mknodat(CWD, p, FileType::Fifo, Mode::RUSR | Mode::WUSR, 0).unwrap();
}

fn one(s: &Store) -> String {
    s.report(&["--category", "theft", "--summary", "Laptop taken from the ward office"])
}

/// The month cache file of an incident recorded at NOW (November 2026).
fn month_cache(s: &Store) -> std::path::PathBuf {
    s.root.join(".lsms/cache/2026-11.bin")
}

#[test]
fn a_fifo_in_the_cache_folder_never_makes_a_read_wait_and_check_names_it() {
    let s = Store::new();
    let id = one(&s);
    s.run(&["list"]).ok();
    let cache = month_cache(&s);
    assert!(cache.is_file(), "the list made the month's cache");
    std::fs::remove_file(&cache).unwrap();
    mkfifo(&cache);
    run_within(&s, &["list", "--format", "ids"], None).ok().prints(&id);
    // Beside the month's own name: a FIFO under any name is never opened.
    mkfifo(&s.root.join(".lsms/cache/2026-12.bin"));
    run_within(&s, &["list", "--format", "ids"], None).ok().prints(&id);
    run_within(&s, &["check"], None)
        .ok()
        .says(".lsms/cache/2026-11.bin is a FIFO (named pipe), not a cache file");
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::symlink_metadata(&cache).unwrap().file_type().is_fifo(), "named, not replaced");
}

#[test]
fn a_cache_file_over_its_limit_is_rebuilt_never_read_whole() {
    let s = Store::new();
    let id = one(&s);
    let cache = month_cache(&s);
    // 8 GiB as reported (sparse: no disk), and one byte over the 64 MiB limit.
    for size in [8u64 << 30, (64 << 20) + 1] {
        std::fs::create_dir_all(cache.parent().unwrap()).unwrap();
        std::fs::File::create(&cache).unwrap().set_len(size).unwrap();
        let started = std::time::Instant::now();
        run_within(&s, &["list", "--format", "ids"], None).ok().prints(&id);
        assert!(started.elapsed() < Duration::from_secs(10), "{size}: read whole? {:?}", started.elapsed());
        let now = std::fs::metadata(&cache).unwrap().len();
        assert!(now < 1 << 20, "{size}: rebuilt as a cache of one incident, {now} bytes");
    }
}

#[test]
fn an_lsms_yaml_that_is_a_fifo_a_folder_or_too_large_is_named_as_such() {
    let s = Store::new();
    one(&s);
    let cfg = s.root.join("lsms.yaml");
    let good = std::fs::read(&cfg).unwrap();
    std::fs::remove_file(&cfg).unwrap();
    mkfifo(&cfg);
    run_within(&s, &["list"], None).fails(1).says("lsms.yaml: a FIFO (named pipe), not a file");
    // Found from the working folder, not named with -C: the same, not "no lsms store here".
    let mut c = lsms();
    c.current_dir(s.root.join("incidents")).timeout(Duration::from_secs(30)).args(["list"]);
    let out = run(c).fails(1).says("a FIFO (named pipe), not a file");
    assert!(!out.stderr.contains("no lsms store here"), "{}", out.stderr);
    std::fs::remove_file(&cfg).unwrap();
    std::fs::create_dir(&cfg).unwrap();
    run_within(&s, &["list"], None).fails(1).says("lsms.yaml: a folder, not a file");
    std::fs::remove_dir(&cfg).unwrap();
    let mut big = good.clone();
    big.extend(std::iter::repeat_n(b'#', 1 << 20));
    std::fs::write(&cfg, &big).unwrap();
    run_within(&s, &["list"], None).fails(1).says("over the 1 MiB the store's settings may hold");
    std::fs::write(&cfg, &good).unwrap();
    s.run(&["list"]).ok();
}

#[test]
fn standard_input_over_its_limit_is_refused_while_read_and_nothing_is_written() {
    let s = Store::new();
    let id = one(&s);
    let before = s.snapshot();
    let over_text = vec![b'a'; (4 << 20) + 1];
    run_within(&s, &["note", &id, "-"], Some(over_text.clone()))
        .fails(1)
        .says("standard input: over 4 MiB for the note, the most lsms reads there: nothing was written")
        .says("evidence");
    run_within(
        &s,
        &["report", "--category", "theft", "--summary", "x", "--description", "-"],
        Some(over_text),
    )
    .fails(1)
    .says("standard input: over 4 MiB for the description");
    let mut bulk = b"category: theft\nsummary: Bike taken\ndescription: |\n  ".to_vec();
    bulk.resize((64 << 20) + 1, b'a');
    run_within(&s, &["report", "--from", "-"], Some(bulk))
        .fails(1)
        .says("standard input: over 64 MiB for the incidents");
    assert_eq!(s.snapshot(), before, "the store is byte for byte as it was");
}

#[test]
fn a_file_lsms_would_not_read_back_is_never_written() {
    let s = Store::new();
    let id = one(&s);
    // Five notes of a megabyte each: four fit, the fifth would not.
    let note = "Statement taken. ".repeat(1_000_000 / 17).into_bytes();
    for _ in 0..4 {
        run_within(&s, &["note", &id, "-"], Some(note.clone())).ok();
    }
    let before = s.snapshot();
    run_within(&s, &["note", &id, "-"], Some(note))
        .fails(1)
        .says(&format!("{id}'s file would be 4.8 MiB, over the 4 MiB an incident file may hold"))
        .says("evidence file");
    assert_eq!(s.snapshot(), before, "nothing was written");
    s.run(&["list", "--format", "ids"]).ok().prints(&id);
    // A new incident: a 5 MB description, through report --from.
    let mut doc = b"category: theft\nsummary: Bike taken\ndescription: |\n".to_vec();
    for _ in 0..100_000 {
        doc.extend_from_slice(b"  Forty-nine bytes of a long, long description.\n");
    }
    run_within(&s, &["report", "--from", "-"], Some(doc))
        .fails(1)
        .says("the new incident's file")
        .says("over the 4 MiB an incident file may hold");
    // And through --description -: its input fits its limit, the file would not.
    let desc = vec![b'a'; 4 << 20];
    run_within(&s, &["report", "--category", "theft", "--summary", "x", "--description", "-"], Some(desc))
        .fails(1)
        .says("over the 4 MiB an incident file may hold");
    assert_eq!(s.snapshot(), before, "no incident was made");
}

#[test]
fn the_lock_and_cache_are_never_written_through_a_link_out_of_the_store() {
    let s = Store::new();
    let id = one(&s);
    let outside = s.tmp.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    let empty = |d: &Path| std::fs::read_dir(d).unwrap().next().is_none();
    // `.lsms` itself a link out: reads go to the files, writes are refused.
    s.run(&["list"]).ok();
    std::fs::remove_dir_all(s.root.join(".lsms")).unwrap();
    std::os::unix::fs::symlink(&outside, s.root.join(".lsms")).unwrap();
    let before = s.snapshot();
    s.run(&["note", &id, "Spoke to the ward manager"])
        .fails(1)
        .says(".lsms: a symbolic link that leads out of the store");
    s.run(&["list", "--format", "ids"]).ok().prints(&id);
    s.run(&["check"]).fails(1).says(".lsms: a symbolic link that leads out of the store");
    assert!(empty(&outside), "no lock or cache file outside the store");
    assert_eq!(s.snapshot(), before);
    // `.lsms/cache` a link out: the cache is not used, the lock still is.
    std::fs::remove_file(s.root.join(".lsms")).unwrap();
    std::fs::create_dir(s.root.join(".lsms")).unwrap();
    std::os::unix::fs::symlink(&outside, s.root.join(".lsms/cache")).unwrap();
    s.run(&["list", "--format", "ids"]).ok().prints(&id);
    s.run(&["note", &id, "Spoke to the ward manager"]).ok();
    s.run(&["check"]).fails(1).says(".lsms/cache: a symbolic link that leads out of the store");
    assert!(empty(&outside), "no cache file outside the store");
    // A link that stays inside the store is followed.
    std::fs::remove_file(s.root.join(".lsms/cache")).unwrap();
    std::fs::create_dir(s.root.join("local-cache")).unwrap();
    std::os::unix::fs::symlink(s.root.join("local-cache"), s.root.join(".lsms/cache")).unwrap();
    s.run(&["list", "--format", "ids"]).ok().prints(&id);
    assert!(s.root.join("local-cache/2026-11.bin").is_file());
    // An incident folder that leads out: a new incident is not written there.
    std::fs::create_dir(outside.join("2026")).unwrap();
    std::fs::remove_dir_all(s.root.join("incidents/2026")).unwrap();
    std::os::unix::fs::symlink(outside.join("2026"), s.root.join("incidents/2026")).unwrap();
    s.run(&["report", "--category", "theft", "--summary", "Bag taken"])
        .fails(1)
        .says("its folder leads out of the store");
    assert!(empty(&outside.join("2026")), "nothing made outside the store");
}

#[test]
fn output_never_replaces_gits_own_files_whatever_the_spelling() {
    let s = Store::new();
    one(&s);
    let git = std::process::Command::new("git").args(["init", "-q"]).current_dir(&s.root).status();
    if !git.is_ok_and(|st| st.success()) {
        std::fs::create_dir_all(s.root.join(".git")).unwrap();
        std::fs::write(s.root.join(".git/config"), "[core]\n").unwrap();
        std::fs::write(s.root.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    }
    std::fs::write(s.root.join(".gitattributes"), "*.yaml merge=lsms\n").unwrap();
    std::fs::create_dir(s.root.join("sub")).unwrap();
    std::os::unix::fs::symlink(s.root.join(".git/config"), s.root.join("board-link.html")).unwrap();
    let before: Vec<(String, Vec<u8>)> = [".git/config", ".git/HEAD", ".gitattributes", ".gitignore"]
        .iter()
        .map(|f| (f.to_string(), std::fs::read(s.root.join(f)).unwrap()))
        .collect();
    for (cmd, target) in [
        ("board", ".git/config"),
        ("board", "./.git/config"),
        ("board", "sub/../.git/HEAD"),
        ("board", "board-link.html"),
        ("board", ".git/new-report.html"),
        ("board", ".gitattributes"),
        ("summary", ".gitignore"),
        ("export", ".git/HEAD"),
    ] {
        let mut c = s.cmd(&[cmd, "--output", target]);
        c.current_dir(&s.root);
        run(c).fails(1).says("one of git's own files");
    }
    for (f, bytes) in before {
        assert_eq!(std::fs::read(s.root.join(&f)).unwrap(), bytes, "{f} unchanged");
    }
    assert!(!s.root.join(".git/new-report.html").exists());
    // A file beside them is written as ever.
    let mut c = s.cmd(&["board", "--output", "board.html"]);
    c.current_dir(&s.root);
    run(c).ok();
}

#[test]
fn a_loop_of_duplicates_is_refused_when_set_and_named_by_check_when_edited_in() {
    let s = Store::new();
    let a = one(&s);
    let b = s.report(&["--category", "theft", "--summary", "Laptop reported taken, again"]);
    let c = s.report(&["--category", "theft", "--summary", "Laptop taken, a third report"]);
    s.run(&["link", &a, &b, "--kind", "duplicate-of"]).ok();
    let before = s.snapshot();
    s.run(&["link", &b, &a, "--kind", "duplicate-of"])
        .fails(1)
        .says(&format!("{b} cannot be a duplicate of {a}: {a} is already a duplicate of {b}"));
    // A longer loop: a of b, b of c, then c of a.
    s.run(&["link", &b, &c, "--kind", "duplicate-of"]).ok();
    let before_c = s.snapshot();
    s.run(&["link", &c, &a, "--kind", "duplicate-of"])
        .fails(1)
        .says(&format!("{c} cannot be a duplicate of {a}: {a} already leads back to it"));
    assert_eq!(s.snapshot(), before_c, "refused: nothing changed");
    assert_ne!(before, before_c);
    s.run(&["check"]).ok();
    // Edited in by hand: c's side of b's link turned round.
    let path = s.path_of(&c);
    let text = s
        .read(&c)
        .replace(&format!("{{ id: {b}, as: related }}"), &format!("{{ id: {b}, as: duplicate-of }}"));
    assert!(text.contains("as: duplicate-of"), "{text}");
    std::fs::write(&path, text).unwrap();
    let out = s.run(&["check"]).fails(1).says("a loop of duplicates");
    let (x, y) = if b < c { (&b, &c) } else { (&c, &b) };
    assert!(out.stderr.contains(&format!("{x} is a duplicate of {y}, and {y} of {x}")), "{}", out.stderr);
}

#[test]
fn an_occurrence_is_never_moved_after_what_must_follow_it() {
    let s = Store::new();
    let id = s.report(&[
        "--category",
        "theft",
        "--summary",
        "Controlled drugs missing",
        "--occurred",
        "2026-11-20 10:00",
        "--reported",
        "2026-11-24 10:00",
    ]);
    s.run(&["notify", &id, "--to", "police", "--on", "2026-11-21"]).ok();
    let before = s.snapshot();
    s.run(&["update", &id, "--occurred", "2026-11-22 09:00"])
        .fails(1)
        .says("after the notification of police (2026-11-21)");
    assert_eq!(s.snapshot(), before);
    // A sanction's date, too.
    s.run(&["sanction", &id, "--class", "civil", "--kind", "warning-letter", "--date", "2026-11-20"]).ok();
    let before = s.snapshot();
    s.run(&["update", &id, "--occurred", "2026-11-20 23:00"]).ok();
    let before_move = s.snapshot();
    assert_ne!(before, before_move, "the same day as the entries kept as days: allowed");
    s.run(&["update", &id, "--occurred", "2026-11-21 08:00"])
        .fails(1)
        .says("after the sanction warning-letter (2026-11-20)");
    assert_eq!(s.snapshot(), before_move);
    s.run(&["update", &id, "--occurred", "2026-11-19 08:00"]).ok();
}
