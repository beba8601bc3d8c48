use crate::harness::*;
use std::os::unix::fs::PermissionsExt;

#[test]
fn init_makes_a_store_readable_by_the_owner_only() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("security");
    let mut c = lsms();
    c.arg("init").arg(&dir).args([
        "--trust",
        "5 Boroughs Partnership NHS Trust",
        "--timezone",
        "Europe/London",
    ]);
    run(c).ok().says("Made a store");
    let cfg = std::fs::read_to_string(dir.join("lsms.yaml")).unwrap();
    assert!(cfg.starts_with("trust: 5 Boroughs Partnership NHS Trust\ntimezone: Europe/London\n"), "{cfg}");
    assert_eq!(std::fs::read_to_string(dir.join(".gitignore")).unwrap(), ".lsms/\n");
    assert!(dir.join("incidents").is_dir());
    for p in [dir.join("lsms.yaml"), dir.join("incidents")] {
        let mode = std::fs::metadata(&p).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{} is readable by others: {mode:o}", p.display());
    }
}

#[test]
fn init_refuses_an_existing_store_and_changes_nothing() {
    let s = Store::new();
    let before = s.snapshot();
    let mut c = lsms();
    c.arg("init").arg(&s.root).args(["--trust", "Other"]);
    run(c).fails(1).says("already a store");
    assert_eq!(s.snapshot(), before);
}

#[test]
fn init_needs_a_trust_and_a_real_time_zone() {
    let tmp = tempfile::tempdir().unwrap();
    let mut c = lsms();
    c.arg("init").arg(tmp.path());
    run(c).fails(2).says("--trust");
    let mut c = lsms();
    c.arg("init").arg(tmp.path()).args(["--trust", "T", "--timezone", "Europe/Londn"]);
    run(c).fails(2).says("unknown time zone 'Europe/Londn'");
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0, "nothing written");
}

#[test]
fn the_store_is_found_from_a_subfolder_from_the_environment_or_not_at_all() {
    let s = Store::new();
    let id = s.report(&["--category", "theft", "--summary", "Bike taken"]);
    let sub = s.root.join("incidents");
    let mut c = lsms();
    c.current_dir(&sub).args(["list", "--format", "ids"]);
    assert_eq!(run(c).ok().stdout, format!("{id}\n"));

    let mut c = lsms();
    c.current_dir(s.tmp.path()).env("LSMS_STORE", &s.root).args(["list", "--format", "ids"]);
    assert_eq!(run(c).ok().stdout, format!("{id}\n"));

    let mut c = lsms();
    c.current_dir(s.tmp.path()).args(["list"]);
    run(c).fails(1).says("no lsms store here").says("lsms init");
}

#[test]
fn a_store_option_naming_a_file_or_a_plain_folder_is_refused() {
    let s = Store::new();
    let mut c = lsms();
    c.arg("-C").arg(s.root.join("lsms.yaml")).arg("list");
    run(c).fails(1).says("is a file, not a store folder");
    let mut c = lsms();
    c.arg("-C").arg(s.tmp.path()).arg("list");
    run(c).fails(1).says("has no lsms.yaml").says("lsms init");
}

#[test]
fn a_bad_setting_in_lsms_yaml_is_shown_at_its_line() {
    let s = Store::with_config("sities: [Hollins Park]\n");
    s.run(&["list"]).fails(1).says("lsms.yaml:6:1").says("unknown field `sities`");
}
