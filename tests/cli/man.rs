//! `lsms man` and `lsms completions`: pages for every command, SEE ALSO
//! naming only pages that exist, and quiet on a closed pipe.

use crate::harness::{NOW, lsms, run};
use std::io::Read;
use std::process::Stdio;

fn man(args: &[&str]) -> crate::harness::Out {
    run({
        let mut c = lsms();
        c.arg("man").args(args);
        c
    })
}

/// Every `name(1)` a page refers to in its SEE ALSO section.
fn see_also(page: &str) -> Vec<String> {
    let Some((_, tail)) = page.split_once(".SH \"SEE ALSO\"\n") else { return Vec::new() };
    let section = tail.split("\n.SH").next().unwrap_or_default();
    section.split(',').map(|r| r.trim().trim_end_matches("(1)").replace("\\-", "-")).collect()
}

#[test]
fn the_top_page_names_every_command_page_and_nothing_else() {
    let out = man(&[]).ok();
    assert!(out.stdout.contains(".TH lsms 1"), "{}", out.stdout);
    let refs = see_also(&out.stdout);
    assert!(refs.contains(&"lsms-report".to_string()), "{refs:?}");
    assert!(refs.contains(&"lsms-man".to_string()), "{refs:?}");
    assert!(!refs.iter().any(|r| r == "lsms-help"), "there is no page for help: {refs:?}");
    assert!(!out.stdout.contains("lsms\\-help"), "no help page is named anywhere");
}

#[test]
fn one_command_s_page() {
    let out = man(&["report"]).ok();
    assert!(out.stdout.contains(".TH lsms-report 1"), "{}", out.stdout);
    assert!(out.stdout.contains("\\-\\-category"), "its options");
    assert!(out.stdout.contains("\\-\\-store"), "and the global ones");
    assert_eq!(see_also(&out.stdout), ["lsms"]);
    // Examples are set as written: no-fill, so a man reader never breaks one.
    let notes = out.stdout.split(".SH NOTES\n").nth(1).expect("a NOTES section");
    assert!(notes.starts_with(".nf\n"), "{notes}");
    assert!(notes.contains("lsms report \\-\\-from incidents.yaml"), "{notes}");

    let out = man(&["reprot"]).fails(2);
    assert!(out.stderr.contains("did you mean 'report'"), "{}", out.stderr);
    assert_eq!(out.stdout, "");
}

#[test]
fn dir_writes_a_page_per_command_and_every_see_also_exists() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("share/man/man1");
    man(&["--dir", dir.to_str().unwrap()]).ok();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for page in ["lsms.1", "lsms-report.1", "lsms-list.1", "lsms-man.1", "lsms-completions.1", "lsms-check.1"]
    {
        assert!(names.iter().any(|n| n == page), "{page} missing from {names:?}");
    }
    assert!(!names.iter().any(|n| n == "lsms-help.1"), "{names:?}");
    // One page per command that `lsms --help` lists (but help), one per
    // subcommand `lsms evidence --help` and `lsms keys --help` list, and lsms.1.
    let commands = |args: &[&str]| {
        let help = run({
            let mut c = lsms();
            c.args(args).arg("--help");
            c
        })
        .ok()
        .stdout;
        help.lines()
            .skip_while(|l| *l != "Commands:")
            .skip(1)
            .take_while(|l| !l.is_empty())
            .filter_map(|l| l.split_whitespace().next())
            .filter(|c| *c != "help")
            .count()
    };
    let evidence = commands(&["evidence"]);
    assert!(evidence >= 4, "evidence has add, list, export and verify");
    let keys = commands(&["keys"]);
    assert!(keys >= 4, "keys has new, add, remove and list");
    assert_eq!(names.len(), commands(&[]) + evidence + keys + 1, "{names:?}");
    assert!(names.iter().any(|n| n == "lsms-evidence-add.1"), "{names:?}");
    for name in &names {
        let page = std::fs::read_to_string(dir.join(name)).unwrap();
        let refs = see_also(&page);
        assert!(!refs.is_empty(), "{name} has no SEE ALSO");
        for r in refs {
            assert!(dir.join(format!("{r}.1")).is_file(), "{name} names {r}(1), which was not written");
        }
    }
}

/// Runs lsms with its stdout closed before it writes: what `| head -1`
/// does to a long output.
fn into_closed_pipe(args: &[&str]) -> (Option<i32>, String) {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("lsms"))
        .args(args)
        .env("LSMS_NOW", NOW)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    (child.wait().unwrap().code(), err)
}

#[test]
fn completions_and_man_are_quiet_into_a_closed_pipe() {
    for args in [&["completions", "bash"][..], &["man"], &["man", "report"], &["--help"]] {
        let (code, err) = into_closed_pipe(args);
        assert_eq!(code, Some(0), "lsms {args:?}: stderr {err}");
        assert_eq!(err, "", "lsms {args:?} says nothing of the closed pipe");
    }
}

#[test]
fn every_page_says_its_exit_status_environment_and_files() {
    for page in ["list", "report", "evidence-add"] {
        let roff = man(&[page]).ok().stdout;
        for section in [".SH \"EXIT STATUS\"", ".SH ENVIRONMENT", ".SH FILES"] {
            assert!(roff.contains(section), "lsms-{page}(1) has no {section}:\n{roff}");
        }
        for name in ["LSMS_STORE", "LSMS_USER", "LSMS_NOW", "NO_COLOR", "COLUMNS", "lsms.yaml", ".lsms/cache"]
        {
            assert!(roff.contains(name), "lsms-{page}(1) does not name {name}");
        }
        let exit = roff.split(".SH \"EXIT STATUS\"").nth(1).unwrap().split(".SH").next().unwrap();
        assert!(exit.contains("\\fB2\\fR\nUsage error"), "exit 2 is a usage error: {exit}");
    }
}

#[test]
fn a_synopsis_names_each_value_and_keeps_global_options_apart() {
    let roff = man(&["list"]).ok().stdout;
    let synopsis =
        roff.split(".SH SYNOPSIS").nth(1).unwrap().split(".SH").next().unwrap().replace("\\-", "-");
    assert!(synopsis.contains("lsms list"), "{synopsis}");
    assert!(synopsis.contains("--category\\fR \\fIC[,C]"), "the value is named: {synopsis}");
    assert!(synopsis.contains("[GLOBAL OPTIONS]") && !synopsis.contains("--no-cache"), "{synopsis}");
    let options = roff.split(".SH OPTIONS").nth(1).unwrap().split(".SH").next().unwrap();
    assert!(!options.contains("no\\-cache"), "global options are on lsms(1), not each page: {options}");
    assert!(roff.contains(".SH \"GLOBAL OPTIONS\""), "{roff}");
    let top = man(&[]).ok().stdout;
    assert!(top.contains("no\\-cache"), "the top page lists the global options");
    let nested = man(&["merge-file"]).ok().stdout;
    assert!(nested.contains("lsms merge-file") || nested.contains("lsms merge\\-file"), "{nested}");
    // Read as a person would, where man is installed.
    let rendered = std::process::Command::new("sh")
        .args(["-c", "command -v man >/dev/null && lsms man list | MANWIDTH=80 man -l - 2>/dev/null"])
        .env("PATH", crate::harness::path_with_lsms())
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
        .unwrap_or_default();
    if !rendered.is_empty() {
        assert!(rendered.contains("EXIT STATUS") && rendered.contains("C[,C]"), "{rendered}");
    }
}

/// What bash offers after `lsms WORDS… <TAB>`, run in `dir` with the
/// script `lsms completions bash` writes.
fn bash_offers(dir: &std::path::Path, words: &[&str]) -> Vec<String> {
    let script = run({
        let mut c = lsms();
        c.args(["completions", "bash"]);
        c
    })
    .ok()
    .stdout;
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let line = format!(
        "source /dev/stdin; COMP_WORDS=(lsms {}); COMP_CWORD={}; _lsms lsms '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        quoted.join(" "),
        words.len(),
        words.last().unwrap(),
        words[words.len() - 2],
    );
    let mut child = std::process::Command::new("bash")
        .args(["-c", &line])
        .current_dir(dir)
        .env("PATH", crate::harness::path_with_lsms())
        .env_remove("LSMS_STORE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("bash");
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), script.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout).lines().filter(|l| !l.is_empty()).map(String::from).collect()
}

#[test]
fn bash_offers_a_vocabulary_s_words_for_its_options_never_file_names() {
    let s = crate::harness::Store::sample();
    std::fs::write(s.root.join("decoy-file.txt"), "").unwrap();
    let categories = bash_offers(&s.root, &["list", "--category", ""]);
    assert!(
        categories.contains(&"theft".to_string()) && categories.contains(&"physical-assault".to_string()),
        "{categories:?}"
    );
    assert!(
        !categories.iter().any(|c| c.contains("decoy") || c == "lsms.yaml" || c == "incidents"),
        "{categories:?}"
    );
    // The next item of a comma-separated list.
    assert_eq!(bash_offers(&s.root, &["list", "--category", "theft,crim"]), ["theft,criminal-damage"]);
    // The store's own sites; lsms's own vocabularies.
    assert!(bash_offers(&s.root, &["list", "--site", ""]).contains(&"Hollins Park".to_string()));
    for (words, want) in [
        (&["list", "--status", ""][..], "awaiting-external"),
        (&["report", "--harm", ""][..], "low"),
        (&["close", "X", "--outcome", ""][..], "no-further-action"),
        (&["summary", "--period", ""][..], "last-fy"),
        (&["summary", "--by", ""][..], "site"),
        (&["list", "--format", ""][..], "tsv"),
    ] {
        let offered = bash_offers(&s.root, words);
        assert!(offered.contains(&want.to_string()), "{words:?} offers {offered:?}");
        assert!(!offered.iter().any(|c| c.contains("decoy")), "{words:?} offers file names: {offered:?}");
    }
    // Outside a store: lsms's own words still, and nothing loud.
    let elsewhere = tempfile::tempdir().unwrap();
    assert!(bash_offers(elsewhere.path(), &["list", "--category", ""]).is_empty());
    assert!(bash_offers(elsewhere.path(), &["list", "--status", ""]).contains(&"closed".to_string()));
}

#[test]
fn an_option_offers_what_its_own_command_takes() {
    let s = crate::harness::Store::sample();
    std::fs::write(s.root.join("decoy-file.txt"), "").unwrap();
    // `--to` names a team member for assign, an authority for notify, a folder for evidence export.
    let assign = bash_offers(&s.root, &["assign", "X", "--to", ""]);
    assert!(assign.contains(&"jfowlis".to_string()) && !assign.contains(&"police".to_string()), "{assign:?}");
    let notify = bash_offers(&s.root, &["notify", "X", "--to", ""]);
    assert!(notify.contains(&"cdao".to_string()) && notify.contains(&"police".to_string()), "{notify:?}");
    assert!(!notify.contains(&"jfowlis".to_string()), "{notify:?}");
    let folder = bash_offers(&s.root, &["evidence", "export", "X", "--to", "deco"]);
    assert_eq!(folder, ["decoy-file.txt"], "a folder's name, as files are offered");
    let marking = bash_offers(&s.root, &["board", "--marking", ""]);
    assert_eq!(marking, ["OFFICIAL", "OFFICIAL-SENSITIVE"]);
    let rule = bash_offers(&s.root, &["board", "--suppress", ""]);
    assert_eq!(rule, ["small", "nhs"]);
    // The store given with -C is the one asked, from any folder.
    let elsewhere = tempfile::tempdir().unwrap();
    let sites = bash_offers(elsewhere.path(), &["-C", s.root.to_str().unwrap(), "list", "--site", ""]);
    assert!(sites.contains(&"Peasley Cross".to_string()), "{sites:?}");
    // zsh and fish ask for the same kinds.
    for shell in ["zsh", "fish"] {
        let script = run({
            let mut c = lsms();
            c.args(["completions", shell]);
            c
        })
        .ok()
        .stdout;
        let notify = script.lines().find(|l| l.contains("Who was told")).unwrap();
        assert!(notify.contains("_lsms_values authority"), "{shell}: {notify}");
        let folder = script.lines().find(|l| l.contains("The folder to copy the files into")).unwrap();
        assert!(!folder.contains("_lsms_values"), "{shell}: {folder}");
    }
}

/// The script `lsms completions SHELL` writes, in a file of `dir`.
fn script_file(dir: &std::path::Path, shell: &str, name: &str) -> std::path::PathBuf {
    let script = run({
        let mut c = lsms();
        c.args(["completions", shell]);
        c
    })
    .ok()
    .stdout;
    let path = dir.join(name);
    std::fs::write(&path, script).unwrap();
    path
}

/// What an interactive zsh, with compinit and the script `lsms completions
/// zsh` writes, shows after `LINE<TAB>` in `dir` (the terminal's bytes,
/// escapes and all): zsh drives itself through a pseudo-terminal (zpty).
fn zsh_shows(dir: &std::path::Path, line: &str) -> String {
    let fpath = tempfile::tempdir().unwrap();
    script_file(fpath.path(), "zsh", "_lsms");
    // Tab, then a new line's command: zsh finishes the completion before
    // it reads on, so everything it offered comes before the marker.
    let driver = r#"
zmodload zsh/zpty
zpty z 'PS1=PROMPT-MARK zsh -f -i'
zpty -w z "fpath=($1 \$fpath); autoload -U compinit; compinit -u; cd ${(q)2}; echo RE''ADY"
zpty -r z out '*READY*'
# zsh drops what is typed before its line editor starts: the prompt first.
zpty -r z out '*PROMPT-MARK*'
zpty -w -n z "$3"$'\t'
zpty -w -n z $'\x15'
zpty -w z "echo ALL''DONE"
zpty -r z out '*ALLDONE*'
print -r -- "$out"
zpty -d z
"#;
    let out = std::process::Command::new("timeout")
        .args(["30", "zsh", "-f", "-c", driver, "zsh"])
        .arg(fpath.path())
        .arg(dir)
        .arg(line)
        .env("PATH", crate::harness::path_with_lsms())
        .env_remove("LSMS_STORE")
        .output()
        .expect("zsh");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(text.contains("ALLDONE"), "zsh did not finish: {text}\n{}", String::from_utf8_lossy(&out.stderr));
    text
}

/// What fish offers after `LINE` in `dir`, with the script `lsms
/// completions fish` writes: one candidate a line, without its description.
fn fish_offers(dir: &std::path::Path, line: &str) -> Vec<String> {
    let tmp = tempfile::tempdir().unwrap();
    let script = script_file(tmp.path(), "fish", "lsms.fish");
    let out = std::process::Command::new("fish")
        .args(["--no-config", "-c", "source $argv[1]; complete -C $argv[2]"])
        .arg(&script)
        .arg(line)
        .current_dir(dir)
        .env("PATH", crate::harness::path_with_lsms())
        .env_remove("LSMS_STORE")
        .output()
        .expect("fish");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.split('\t').next().unwrap_or("").to_string())
        .collect()
}

#[test]
fn zsh_and_fish_offer_the_words_of_the_store_given_with_c_and_the_next_item_of_a_list() {
    // Each shell's offer as one text: zsh's screen (a space shown as `\ `),
    // fish's candidates a line each.
    type Shows = fn(&std::path::Path, &str) -> String;
    let shells: [(&str, Shows); 2] =
        [("zsh", zsh_shows), ("fish", |dir, line| fish_offers(dir, line).join("\n"))];
    let s = crate::harness::Store::sample();
    std::fs::write(s.root.join("decoy-file.txt"), "").unwrap();
    let store = s.root.to_str().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    for (shell, shows) in shells {
        if !crate::harness::outside(
            shell,
            &format!("command -v {shell}"),
            &format!("apt-get install {shell}"),
        ) {
            continue;
        }
        // In the store; from elsewhere with -C before the command, or --store= after it.
        for (dir, line) in [
            (s.root.as_path(), "lsms list --site ".to_string()),
            (elsewhere.path(), format!("lsms -C {store} list --site ")),
            (elsewhere.path(), format!("lsms report --store={store} --site ")),
        ] {
            let shown = shows(dir, &line).replace("\\ ", " ");
            assert!(
                shown.contains("Hollins Park") && shown.contains("Peasley Cross"),
                "{shell}: {line}: {shown}"
            );
            assert!(!shown.contains("decoy"), "{shell}: {line} offers file names: {shown}");
        }
        // A comma-separated list: its next item.
        let shown = shows(elsewhere.path(), &format!("lsms -C {store} list --category theft,crim"));
        assert!(shown.contains("theft,criminal-damage"), "{shell}: {shown}");
        // Elsewhere without -C: no store, no sites.
        assert!(!shows(elsewhere.path(), "lsms list --site ").contains("Hollins"), "{shell}");
    }
}
