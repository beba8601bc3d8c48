//! `--help` as a person reads it: global options under their own heading,
//! wrapped at the terminal's width without breaking an example, coloured
//! only when asked.

use crate::harness::{lsms, run};

/// The subcommands `lsms --help` lists (but `help`).
fn commands() -> Vec<String> {
    let out = run({
        let mut c = lsms();
        c.arg("--help").env("COLUMNS", "200");
        c
    })
    .ok();
    let mut names = Vec::new();
    let mut inside = false;
    for line in out.lines() {
        if line == "Commands:" {
            inside = true;
        } else if inside && line.is_empty() {
            break;
        } else if inside
            && let Some(name) = line.split_whitespace().next()
            && name != "help"
        {
            names.push(name.to_string());
        }
    }
    assert!(names.len() > 10, "commands found: {names:?}");
    // The top-level help too.
    names.insert(0, String::new());
    names
}

fn help(args: &[&str], columns: &str) -> String {
    run({
        let mut c = lsms();
        c.args(args.iter().filter(|a| !a.is_empty())).arg("--help").env("COLUMNS", columns);
        c
    })
    .ok()
    .stdout
}

/// The lines of a help text from its first "Example" heading on.
fn examples(text: &str) -> Vec<String> {
    text.lines().skip_while(|l| !l.starts_with("Example")).map(String::from).collect()
}

#[test]
fn every_command_lists_the_global_options_under_their_own_heading() {
    for cmd in commands() {
        let text = help(&[&cmd], "100");
        let (own, global) = text
            .split_once("\nGlobal options:\n")
            .unwrap_or_else(|| panic!("`lsms {cmd} --help` has no Global options heading:\n{text}"));
        for flag in ["--store <DIR>", "--as <NAME>", "--color <WHEN>", "--quiet", "--no-cache"] {
            assert!(global.contains(flag), "`lsms {cmd} --help`: {flag} not under Global options:\n{text}");
            assert!(
                !own.contains(flag),
                "`lsms {cmd} --help`: {flag} among the command's own options:\n{text}"
            );
        }
    }
}

#[test]
fn help_fits_80_columns_and_never_breaks_an_example() {
    for cmd in commands() {
        let narrow = help(&[&cmd], "80");
        for line in narrow.lines() {
            assert!(line.chars().count() <= 80, "`lsms {cmd} --help` at 80 columns: {line:?} is wider");
        }
        let wide = help(&[&cmd], "400");
        let ex = examples(&wide);
        assert!(!ex.is_empty(), "`lsms {cmd} --help` has no examples:\n{wide}");
        assert_eq!(
            examples(&narrow),
            ex,
            "`lsms {cmd} --help`: the examples change when wrapped at 80 columns"
        );
    }
}

#[test]
fn help_uses_the_width_of_a_wide_terminal() {
    let wide = help(&["report"], "160");
    assert!(wide.lines().any(|l| l.chars().count() > 100), "nothing wider than 100 at 160 columns:\n{wide}");
    assert!(wide.lines().all(|l| l.chars().count() <= 160), "wider than 160:\n{wide}");
    // Each option and its description share a line when there is room.
    assert!(wide.lines().any(|l| l.contains("--harm <H>") && l.contains("none, low, moderate")), "{wide}");
}

#[test]
fn help_is_coloured_only_when_colour_is_on() {
    let coloured = |args: &[&str], no_color: bool| {
        let mut c = lsms();
        c.args(args);
        if !no_color {
            c.env_remove("NO_COLOR");
        }
        run(c).ok().stdout.contains('\u{1b}')
    };
    assert!(coloured(&["--color", "always", "report", "--help"], true));
    assert!(coloured(&["report", "--help", "--color=always"], true));
    assert!(!coloured(&["--color", "never", "report", "--help"], false));
    assert!(!coloured(&["report", "--help", "--color=never"], false));
    // Piped, auto: none, with or without NO_COLOR.
    assert!(!coloured(&["report", "--help"], false));
    assert!(!coloured(&["report", "--help"], true));
}

#[test]
fn a_usage_error_follows_color_never_too() {
    let mut c = lsms();
    c.args(["--color", "never", "report", "--bogus"]).env_remove("NO_COLOR").env("CLICOLOR_FORCE", "1");
    let out = run(c).fails(2);
    assert!(out.stderr.contains("--bogus"), "{}", out.stderr);
    assert!(!out.stderr.contains('\u{1b}'), "{:?}", out.stderr);
}
