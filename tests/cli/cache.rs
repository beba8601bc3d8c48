//! The read cache in .lsms/cache never shows a stale incident.

use crate::harness::*;
use std::time::{Duration, SystemTime};

/// A store of three incidents whose files look an hour old, so the cache
/// trusts them once it has read them.
fn store() -> (Store, Vec<String>) {
    let s = Store::new();
    let ids: Vec<String> = ["Laptop taken", "Bike taken", "Phone taken"]
        .iter()
        .map(|sum| s.report(&["--category", "theft", "--summary", sum]))
        .collect();
    for id in &ids {
        age(&s, id);
    }
    (s, ids)
}

fn age(s: &Store, id: &str) {
    let f = std::fs::File::options().write(true).open(s.path_of(id)).unwrap();
    f.set_modified(SystemTime::now() - Duration::from_secs(3600)).unwrap();
}

fn listing(s: &Store) -> String {
    let cached = s.run(&["list", "--all", "--columns", "id,status,summary"]).ok().stdout;
    let fresh = s.run(&["--no-cache", "list", "--all", "--columns", "id,status,summary"]).ok().stdout;
    assert_eq!(cached, fresh, "the cache and the files agree");
    cached
}

fn cache_files(s: &Store) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(s.root.join(".lsms/cache"))
        .map_or(Vec::new(), |d| d.map(|e| e.unwrap().path()).collect())
}

#[test]
fn a_read_builds_the_cache_and_agrees_with_the_files() {
    let (s, ids) = store();
    assert!(cache_files(&s).is_empty());
    let out = listing(&s);
    assert_eq!(out.lines().count(), 3);
    assert_eq!(cache_files(&s).len(), 1, "one cache file for the month");
    assert_eq!(listing(&s), out);
    assert!(out.contains(&ids[0]));
}

#[test]
fn a_hand_edit_of_the_same_size_in_the_same_second_is_seen() {
    let (s, ids) = store();
    listing(&s);
    let p = s.path_of(&ids[1]);
    let text = std::fs::read_to_string(&p).unwrap();
    let edited = text.replace("summary: Bike taken", "summary: Bike found");
    assert_eq!(text.len(), edited.len());
    std::fs::write(&p, &edited).unwrap();
    assert!(listing(&s).contains("Bike found"));
}

#[test]
fn an_edit_that_keeps_size_and_time_is_still_seen() {
    let (s, ids) = store();
    listing(&s);
    let p = s.path_of(&ids[1]);
    let old = std::fs::metadata(&p).unwrap().modified().unwrap();
    let edited = std::fs::read_to_string(&p).unwrap().replace("summary: Bike taken", "summary: Bike found");
    std::fs::write(&p, &edited).unwrap();
    std::fs::File::options().write(true).open(&p).unwrap().set_modified(old).unwrap();
    assert!(listing(&s).contains("Bike found"), "the change time gives it away");
}

#[test]
fn deleted_and_added_files_are_seen() {
    let (s, ids) = store();
    listing(&s);
    std::fs::remove_file(s.path_of(&ids[0])).unwrap();
    let out = listing(&s);
    assert!(!out.contains(&ids[0]));
    // As `git pull` would: a file written straight into the folder.
    let new = ids[2].replace("20261125", "20261124");
    std::fs::write(
        s.path_of(&new),
        s.read(&ids[2]).replace(&ids[2], &new).replace("Phone taken", "Keys taken"),
    )
    .unwrap();
    let out = listing(&s);
    assert!(out.contains(&new) && out.contains("Keys taken"), "{out}");
    // A copy has a duplicate uuid: check still finds it through the cache.
    s.run(&["check"]).fails(1).says("is in 2 files");
}

#[test]
fn a_damaged_cache_is_rebuilt_not_trusted() {
    let (s, _) = store();
    let good = listing(&s);
    for f in cache_files(&s) {
        let bytes = std::fs::read(&f).unwrap();
        std::fs::write(&f, &bytes[..bytes.len() / 2]).unwrap();
    }
    assert_eq!(listing(&s), good);
    for f in cache_files(&s) {
        std::fs::write(&f, b"not a cache at all").unwrap();
    }
    assert_eq!(listing(&s), good);
    for f in cache_files(&s) {
        let mut bytes = std::fs::read(&f).unwrap();
        let n = bytes.len();
        bytes[n / 2] ^= 0x20;
        std::fs::write(&f, &bytes).unwrap();
    }
    assert_eq!(listing(&s), good);
}

#[test]
fn a_change_of_settings_is_not_hidden_by_the_cache() {
    let (s, ids) = store();
    let cfg = s.root.join("lsms.yaml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(
        &cfg,
        text.replace("categories: [lone-worker-alarm]\n", "categories: [lone-worker-alarm, fuel-card]\n"),
    )
    .unwrap();
    let recat = s.read(&ids[0]).replace("category: theft", "category: fuel-card");
    std::fs::write(s.path_of(&ids[0]), recat).unwrap();
    age(&s, &ids[0]);
    assert!(listing(&s).contains(&ids[0]), "valid while the store has the category");
    // Taking the category out of lsms.yaml makes the cached record invalid at once.
    std::fs::write(&cfg, text).unwrap();
    s.run(&["list", "--all"]).fails(1).says("unknown category 'fuel-card'");
}

#[test]
fn two_processes_building_the_cache_at_once_both_see_the_truth() {
    let s = Store::new();
    let file = s.tmp.path().join("many.yaml");
    let docs: Vec<String> = (0..200).map(|i| format!("category: theft\nsummary: Item {i}\n")).collect();
    std::fs::write(&file, docs.join("---\n")).unwrap();
    s.run(&["report", "--from", file.to_str().unwrap()]).ok();
    let want = s.run(&["--no-cache", "list", "--format", "ids"]).ok().stdout;
    let children: Vec<_> = (0..4)
        .map(|_| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("lsms"))
                .arg("-C")
                .arg(&s.root)
                .args(["list", "--format", "ids"])
                .env("LSMS_NOW", NOW)
                .output()
        })
        .collect();
    for c in children {
        let out = c.unwrap();
        assert!(out.status.success());
        assert_eq!(String::from_utf8(out.stdout).unwrap(), want);
    }
    assert_eq!(s.run(&["list", "--format", "ids"]).ok().stdout, want);
    s.run(&["check"]).ok();
}

#[test]
fn an_edit_with_the_mtime_set_back_is_seen_on_a_filesystem_with_coarse_times() {
    // A same-size rewrite in place (same inode), its mtime put back to what
    // it was, as `touch -d` or a tool keeping times would: only the ctime
    // moved, and the cache must count it.
    let (s, ids) = store();
    let p = s.path_of(&ids[2]);
    let old = std::fs::metadata(&p).unwrap().modified().unwrap();
    listing(&s);
    let ino = std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&p).unwrap());
    let text = std::fs::read_to_string(&p).unwrap();
    let edited = text.replace("summary: Phone taken", "summary: Phone found");
    assert_eq!(text.len(), edited.len());
    std::fs::write(&p, &edited).unwrap();
    let f = std::fs::File::options().write(true).open(&p).unwrap();
    f.set_modified(old).unwrap();
    assert_eq!(std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&p).unwrap()), ino, "same inode");
    assert_eq!(std::fs::metadata(&p).unwrap().modified().unwrap(), old, "same mtime");
    assert!(listing(&s).contains("Phone found"));
}

/// `check`'s warnings from the cache and from the files: the same.
fn checked(s: &Store) -> String {
    let warm = s.run(&["check"]).ok().stderr;
    let fresh = s.run(&["--no-cache", "check"]).ok().stderr;
    assert_eq!(warm, fresh, "the cache and the files give the same warnings");
    warm
}

fn inode(p: &std::path::Path) -> u64 {
    std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(p).unwrap())
}

#[test]
fn a_warm_check_gives_a_hand_edited_files_warnings_from_the_cache_and_sees_a_new_edit() {
    let (s, ids) = store();
    let p = s.path_of(&ids[1]);
    let text = std::fs::read_to_string(&p).unwrap();
    let edited =
        text.replace("summary: Bike taken\n", "# seen on CCTV\nsummary: Bike taken #3\nward_code: W3\n");
    std::fs::write(&p, &edited).unwrap();
    // Past the cache's racy margin, so the read below is one it trusts.
    std::thread::sleep(Duration::from_millis(2100));
    let cold = checked(&s);
    for said in [
        &format!("incidents/2026/11/{}.yaml:6:1: a comment line", ids[1]) as &str,
        "# seen on CCTV",
        "YAML reads `summary: Bike taken` and drops `#3`",
        "note: 1 file(s) are not in the form lsms writes",
        "Checked 3 incident(s): no problems; 2 warning(s) above",
    ] {
        assert!(cold.contains(said), "{said:?} not in\n{cold}");
    }
    let [cache] = &cache_files(&s)[..] else { panic!("one month, one cache file") };
    let held = std::fs::read(cache).unwrap();
    assert!(held.windows(14).any(|w| w == b"# seen on CCTV"), "the warning is kept with the record");
    // A warm check reads no file: the cache is not written again.
    let ino = inode(cache);
    assert_eq!(checked(&s), cold);
    assert_eq!(inode(cache), ino, "every entry was trusted");
    // The file edited again: its new warning, not the one cached.
    std::fs::write(&p, edited.replace("# seen on CCTV\n", "")).unwrap();
    let again = checked(&s);
    assert!(!again.contains("a comment line"), "{again}");
    assert!(again.contains("drops `#3`"), "{again}");
    assert_ne!(inode(cache), ino, "the cache took the new entry");
    // Put back in lsms's form: no warnings at all.
    s.run(&["fmt", &ids[1]]).ok();
    let formed = checked(&s);
    assert!(!formed.contains("warning"), "{formed}");
}
