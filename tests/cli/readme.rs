//! Every example in README.md is run: the `$ …` lines of each ```console
//! block run in order in one shell (so a variable set on one line is there
//! on the next), against a copy of the sample store. Each must exit 0 and
//! print what the block shows after it (`...` stands for any lines).

use crate::harness::*;

struct Example {
    line: usize,
    command: String,
    expected: Vec<String>,
}

fn blocks() -> Vec<Vec<Example>> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let mut blocks: Vec<Vec<Example>> = Vec::new();
    let mut in_console = false;
    for (n, line) in readme.lines().enumerate() {
        if line.starts_with("```") {
            in_console = line.trim() == "```console";
            if in_console {
                blocks.push(Vec::new());
            }
            continue;
        }
        if !in_console {
            continue;
        }
        let block = blocks.last_mut().unwrap();
        if let Some(cmd) = line.strip_prefix("$ ") {
            block.push(Example { line: n + 1, command: cmd.to_string(), expected: Vec::new() });
        } else if let Some(ex) = block.last_mut()
            && !line.trim().is_empty()
        {
            ex.expected.push(line.to_string());
        }
    }
    blocks
}

/// Does `got` match `want`, where a `...` line in `want` matches any run of lines?
fn matches(want: &[String], got: &[&str]) -> bool {
    match want.split_first() {
        None => got.is_empty(),
        Some((w, rest)) if w == "..." => (0..=got.len()).any(|i| matches(rest, &got[i..])),
        Some((w, rest)) => got.first().is_some_and(|g| g == w) && matches(rest, &got[1..]),
    }
}

const MARK: &str = "@@readme-example-done";

#[test]
fn every_readme_example_runs_and_prints_what_it_shows() {
    let blocks = blocks();
    let count: usize = blocks.iter().map(Vec::len).sum();
    assert!(count >= 8, "the README should show its examples in ```console blocks");
    let bin = assert_cmd::cargo::cargo_bin("lsms");
    let path = format!("{}:{}", bin.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    for block in blocks {
        // A block that reads lsms's output with Python runs where Python is.
        if block.iter().any(|e| e.command.contains("python3")) && !python3() {
            continue;
        }
        let s = Store::sample();
        let mut script = String::from("set -o pipefail\n");
        for ex in &block {
            script.push_str(&format!("{}\necho \"{MARK} $?\"\n", ex.command.replace("/tmp/", "$TMPDIR/")));
        }
        let out = std::process::Command::new("bash")
            .args(["-c", &script])
            .current_dir(&s.root)
            .env("PATH", &path)
            .env("TMPDIR", s.tmp.path())
            .env("LSMS_NOW", NOW)
            .env("LSMS_USER", "jfowlis")
            .env("NO_COLOR", "1")
            .env_remove("LSMS_STORE")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let sep = format!("{MARK} ");
        let mut parts = stdout.split(sep.as_str());
        let mut printed = parts.next().unwrap_or_default().to_string();
        for ex in &block {
            let rest = parts.next().unwrap_or_else(|| {
                panic!("README.md:{}: `{}` did not finish:\n{stderr}", ex.line, ex.command)
            });
            let (code, next) = rest.split_once('\n').unwrap_or((rest, ""));
            assert_eq!(code.trim(), "0", "README.md:{}: `{}` failed:\n{stderr}", ex.line, ex.command);
            let got: Vec<&str> = printed.lines().filter(|l| !l.trim().is_empty()).collect();
            assert!(
                ex.expected.is_empty() || matches(&ex.expected, &got),
                "README.md:{}: `{}` printed\n{}\nbut the README shows\n{}",
                ex.line,
                ex.command,
                got.join("\n"),
                ex.expected.join("\n")
            );
            printed = next.to_string();
        }
    }
}

#[test]
fn the_wildcard_matcher_works() {
    let w = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(matches(&w(&["a", "...", "d"]), &["a", "b", "c", "d"]));
    assert!(matches(&w(&["..."]), &[]));
    assert!(!matches(&w(&["a", "d"]), &["a", "b", "d"]));
}

/// A crontab block: its variable lines (`NAME=value`) and its jobs'
/// commands (after the five time fields).
type Crontab = (Vec<(String, String)>, Vec<String>);

/// The ```crontab blocks of README.md.
fn crontab_blocks() -> Vec<Crontab> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let mut blocks = Vec::new();
    let mut current: Option<Crontab> = None;
    for line in readme.lines() {
        if line.starts_with("```") {
            if let Some(b) = current.take() {
                blocks.push(b);
            } else if line.trim() == "```crontab" {
                current = Some((Vec::new(), Vec::new()));
            }
            continue;
        }
        let Some((vars, jobs)) = current.as_mut() else { continue };
        let first = line.split_whitespace().next().unwrap_or_default();
        if let Some((k, v)) = line.split_once('=').filter(|_| first.contains('=')) {
            vars.push((k.trim().to_string(), v.trim().to_string()));
        } else if !line.trim().is_empty() {
            let command: Vec<&str> = line.splitn(6, ' ').collect();
            jobs.push(command[5].replace("\\%", "%"));
        }
    }
    blocks
}

/// Runs a cron job's command as cron does: `sh -c`, with only what cron
/// sets (HOME, LOGNAME, SHELL, PATH=/usr/bin:/bin) and the crontab's own
/// variable lines, taken literally (cron does not expand them).
fn as_cron(home: &std::path::Path, vars: &[(String, String)], command: &str) -> std::process::Output {
    let mut c = std::process::Command::new("/usr/bin/env");
    c.arg("-i")
        .arg(format!("HOME={}", home.display()))
        .arg("LOGNAME=jfowlis")
        .arg("SHELL=/bin/sh")
        .arg("PATH=/usr/bin:/bin");
    for (k, v) in vars {
        c.arg(format!("{k}={v}"));
    }
    c.args(["/bin/sh", "-c", command]).current_dir(home);
    c.output().unwrap()
}

#[test]
fn every_readme_cron_line_runs_under_crons_bare_environment_with_cargo_install() {
    let blocks = crontab_blocks();
    assert!(blocks.iter().map(|b| b.1.len()).sum::<usize>() >= 3, "the README's crontab lines");
    let team = crate::sync::Team::new("");
    let tmp = tempfile::tempdir().unwrap();
    // Stand-ins for the README's folders: the user's home, /srv.
    let home = tmp.path().join("home");
    let srv = tmp.path().join("srv");
    // `cargo install --path .` puts lsms in ~/.cargo/bin.
    std::fs::create_dir_all(home.join(".cargo/bin")).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_lsms"), home.join(".cargo/bin/lsms")).unwrap();
    std::fs::create_dir_all(srv.join("board")).unwrap();
    let clone = team.clone("security");
    copy_dir(&clone.root, &home.join("security"));
    copy_dir(&Store::sample().root, &srv.join("security"));
    // The Maildir the intake line reads, with a report in it.
    let maildir = home.join("Maildir/.lsms-reports");
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(maildir.join(sub)).unwrap();
    }
    std::fs::write(maildir.join("new/1"), "From: a@nhs.net\nSubject: Door propped open\n\nAgain.\n").unwrap();
    let local = |s: &str| {
        s.replace("/home/jfowlis", home.to_str().unwrap()).replace("/srv/", &format!("{}/", srv.display()))
    };
    for (vars, jobs) in &blocks {
        let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| (k.clone(), local(v))).collect();
        for job in jobs {
            let out = as_cron(&home, &vars, &local(job));
            assert!(
                out.status.success(),
                "`{job}` under cron's environment: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    assert!(std::fs::read_dir(srv.join("board")).unwrap().count() >= 2, "the board and the figures written");
    assert!(maildir.join("cur/1:2,S").exists(), "the report by email taken in");

    // Variant beside the README: the line sync's own hint prints.
    let mut c = lsms();
    c.arg("-C").arg(home.join("security")).args(["sync"]).env("PATH", "/usr/bin:/bin");
    let out = run(c).fails(1);
    let hint = out
        .stderr
        .split('`')
        .find(|s| s.starts_with("*/15 "))
        .expect("a crontab line in the hint")
        .to_string();
    let job = hint.splitn(6, ' ').nth(5).unwrap().replace("STORE", home.join("security").to_str().unwrap());
    let out = as_cron(&home, &[], &job);
    assert!(out.status.success(), "`{job}`: {}", String::from_utf8_lossy(&out.stderr));

    // And the old line fails so, as it did in real cron.
    let old = "PATH=/usr/local/bin:/usr/bin:/bin lsms -C $HOME/security sync -q";
    assert!(!as_cron(&home, &[], old).status.success());
}
