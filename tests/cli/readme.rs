//! Every example in README.md is run: each `$ lsms …` line of a ```console
//! block, against a copy of the sample store, must exit 0 and print what
//! the block shows after it (`...` stands for any lines).

use crate::harness::*;

struct Example {
    line: usize,
    command: String,
    expected: Vec<String>,
}

fn examples() -> Vec<Example> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let mut out: Vec<Example> = Vec::new();
    let mut in_console = false;
    for (n, line) in readme.lines().enumerate() {
        if line.starts_with("```") {
            in_console = line.trim() == "```console";
            continue;
        }
        if !in_console {
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            out.push(Example { line: n + 1, command: cmd.to_string(), expected: Vec::new() });
        } else if let Some(ex) = out.last_mut() {
            ex.expected.push(line.to_string());
        }
    }
    out
}

/// Does `got` match `want`, where a `...` line in `want` matches any run of lines?
fn matches(want: &[String], got: &[&str]) -> bool {
    match want.split_first() {
        None => got.is_empty(),
        Some((w, rest)) if w == "..." => (0..=got.len()).any(|i| matches(rest, &got[i..])),
        Some((w, rest)) => got.first().is_some_and(|g| g == w) && matches(rest, &got[1..]),
    }
}

#[test]
fn every_readme_example_runs_and_prints_what_it_shows() {
    let examples = examples();
    assert!(examples.len() >= 8, "the README should show its examples in ```console blocks");
    let s = Store::sample();
    let bin = assert_cmd::cargo::cargo_bin("lsms");
    let path = format!("{}:{}", bin.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    for ex in examples {
        if ex.command.starts_with("cargo ")
            || ex.command.starts_with("git clone")
            || ex.command.starts_with("cd ")
        {
            continue;
        }
        let out = std::process::Command::new("bash")
            .args(["-o", "pipefail", "-c", &ex.command])
            .current_dir(&s.root)
            .env("PATH", &path)
            .env("LSMS_NOW", NOW)
            .env("LSMS_USER", "jfowlis")
            .env("NO_COLOR", "1")
            .env_remove("LSMS_STORE")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "README.md:{}: `{}` failed:\n{stderr}", ex.line, ex.command);
        if !ex.expected.is_empty() {
            let got: Vec<&str> = stdout.lines().collect();
            let want: Vec<String> = ex.expected.iter().filter(|l| !l.is_empty()).cloned().collect();
            let got: Vec<&str> = got.into_iter().filter(|l| !l.is_empty()).collect();
            assert!(
                matches(&want, &got),
                "README.md:{}: `{}` printed\n{}\nbut the README shows\n{}",
                ex.line,
                ex.command,
                got.join("\n"),
                want.join("\n")
            );
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
