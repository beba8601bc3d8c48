//! `lsms man`: the manual pages, built from the same definitions as
//! `--help`, so every command (however recently added) has its page.

use super::{Ctx, emit};
use crate::error::{Error, Result};
use clap::CommandFactory;
use std::path::PathBuf;

/// Print a manual page (roff), or write them all to a folder
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  lsms man --dir ~/.local/share/man/man1 && man lsms
  lsms man report | man -l -")]
pub struct Args {
    /// The command whose page to print [default: the top page, lsms(1)]
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
    /// Write lsms.1 and lsms-COMMAND.1 for every command into DIR (made if missing)
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// The command tree as the pages show it: built (so subcommands know
/// their full names and inherit the global options), without `help`.
fn tree() -> clap::Command {
    let mut cmd = super::Cli::command().disable_help_subcommand(true);
    cmd.build();
    cmd
}

/// One page. The text after the options (examples, notes) is set as it is
/// written, not filled, so that no example is broken; SEE ALSO names only
/// pages that `--dir` writes.
fn page(cmd: &clap::Command, top: &clap::Command) -> std::io::Result<(String, Vec<u8>)> {
    use clap_mangen::roff::{Roff, roman};
    let notes = cmd.get_after_long_help().or_else(|| cmd.get_after_help()).map(|t| t.to_string());
    let is_top = cmd.get_name() == top.get_name();
    // A command's page lists its own options; the global ones are on the
    // top page, named once in the synopsis.
    let globals: Vec<clap::Id> =
        top.get_arguments().filter(|a| a.is_global_set() && !is_top).map(|a| a.get_id().clone()).collect();
    let own = globals.iter().fold(cmd.clone(), |c, id| {
        if c.get_arguments().any(|a| a.get_id() == id) { c.mut_arg(id, |a| a.hide(true)) } else { c }
    });
    let man = clap_mangen::Man::new(own.clone().after_help(None::<&str>).after_long_help(None::<&str>))
        .source(format!("lsms {}", env!("CARGO_PKG_VERSION")))
        .manual("LSMS incident register");
    let name = man.get_filename();
    let mut buf = Vec::new();
    man.render_title(&mut buf)?;
    man.render_name_section(&mut buf)?;
    synopsis(&own, !globals.is_empty()).to_writer(&mut buf)?;
    man.render_description_section(&mut buf)?;
    if own.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut buf)?;
    }
    if own.get_subcommands().any(|s| !s.is_hide_set()) {
        man.render_subcommands_section(&mut buf)?;
    }
    let mut roff = Roff::default();
    if !globals.is_empty() {
        roff.control("SH", ["GLOBAL OPTIONS"]);
        let names: Vec<String> = top
            .get_arguments()
            .filter(|a| a.is_global_set() && !a.is_hide_set())
            .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
            .collect();
        roff.text([roman(format!("{}: see lsms(1).", names.join(", ")))]);
    }
    if let Some(notes) = notes {
        roff.control("SH", ["NOTES"]).control("nf", []);
        for line in notes.lines() {
            roff.text([roman(line)]);
        }
        roff.control("fi", []);
    }
    common(&mut roff);
    let see: Vec<String> = if cmd.get_name() == top.get_name() {
        top.get_subcommands()
            .filter(|s| !s.is_hide_set())
            .map(|s| format!("{}-{}", top.get_name(), s.get_name()))
            .collect()
    } else {
        vec![top.get_name().to_string()]
    };
    roff.control("SH", ["SEE ALSO"]);
    let refs: Vec<String> = see.iter().map(|p| format!("{p}(1)")).collect();
    roff.text([roman(refs.join(", "))]);
    roff.to_writer(&mut buf)?;
    Ok((name, buf))
}

/// SYNOPSIS: the command's own options, each with its value's name
/// (`--category C[,C]`), after `[GLOBAL OPTIONS]` where the command takes
/// the global ones; then its arguments and subcommand.
fn synopsis(cmd: &clap::Command, globals: bool) -> clap_mangen::roff::Roff {
    use clap_mangen::roff::{Roff, bold, italic, roman};
    let name = cmd.get_bin_name().unwrap_or(cmd.get_name()).to_string();
    let mut line = vec![bold(name), roman(" ")];
    if globals {
        line.push(roman("[GLOBAL OPTIONS] "));
    }
    for arg in cmd.get_arguments().filter(|a| !a.is_hide_set() && !a.is_positional()) {
        let (open, close) = if arg.is_required_set() { ("", "") } else { ("[", "]") };
        let flag = match (arg.get_short(), arg.get_long()) {
            (Some(s), Some(l)) => format!("-{s}|--{l}"),
            (None, Some(l)) => format!("--{l}"),
            (Some(s), None) => format!("-{s}"),
            (None, None) => continue,
        };
        line.push(roman(open));
        line.push(bold(flag));
        if arg.get_num_args().is_some_and(|n| n.takes_values()) {
            let value = arg
                .get_value_names()
                .map(|v| v.join(" "))
                .unwrap_or_else(|| arg.get_id().to_string().to_uppercase());
            line.push(roman(" "));
            line.push(italic(value));
        }
        line.push(roman(close));
        line.push(roman(" "));
    }
    for arg in cmd.get_positionals().filter(|a| !a.is_hide_set()) {
        let (open, close) = if arg.is_required_set() { ("", "") } else { ("[", "]") };
        let value = arg
            .get_value_names()
            .map(|v| v.join(" "))
            .unwrap_or_else(|| arg.get_id().to_string().to_uppercase());
        line.extend([roman(open), italic(value), roman(close), roman(" ")]);
    }
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        line.push(italic("COMMAND"));
    }
    let mut roff = Roff::default();
    roff.control("SH", ["SYNOPSIS"]).text(line);
    roff
}

/// The sections every page carries: what the exit code means, what the
/// environment changes, and which files lsms reads and writes.
fn common(roff: &mut clap_mangen::roff::Roff) {
    use clap_mangen::roff::{bold, roman};
    let list = |roff: &mut clap_mangen::roff::Roff, title: &str, items: &[(&str, &str)]| {
        roff.control("SH", [title]);
        for (term, text) in items {
            roff.control("TP", []).text([bold(*term)]).text([roman(*text)]);
        }
    };
    list(
        roff,
        "EXIT STATUS",
        &[
            ("0", "Done (a closed pipe, as in `lsms list | head`, is no failure)."),
            (
                "1",
                "Failed: bad input, not found, invalid data, refused by a guard; or a read met a file \
                 it cannot parse (every good record is still printed, each bad file named on stderr).",
            ),
            ("2", "Usage error: an unknown option, a missing argument, a value of the wrong kind."),
        ],
    );
    list(
        roff,
        "ENVIRONMENT",
        &[
            ("LSMS_STORE", "The store's folder, as --store/-C (the option wins)."),
            ("LSMS_USER", "Who is acting, as --as; else git's user.name, else USER."),
            ("USER", "Who is acting, where neither --as, LSMS_USER nor git's user.name says."),
            ("LSMS_NOW", "The time taken as now (RFC 3339), for tests and rehearsals."),
            ("NO_COLOR", "Set and not empty: no colour, unless --color always."),
            (
                "COLUMNS",
                "The width a table is fitted to where the terminal does not say (--wide: no fitting).",
            ),
            ("PATH", "Where git (and lsms itself, as git's merge driver) is found."),
        ],
    );
    list(
        roff,
        "FILES",
        &[
            ("lsms.yaml", "The store's settings, at its top: the trust, vocabularies, team, sites."),
            ("incidents/YYYY/MM/ID.yaml", "One incident a file, under the year and month of its id."),
            ("evidence/", "Evidence files, as `lsms evidence add` keeps them."),
            (".lsms/cache", "A cache of what each incident file holds; rebuilt as needed, never committed."),
            (
                "the user's config folder",
                "lsms reads none: every setting is in the store's lsms.yaml, shared by the team.",
            ),
        ],
    );
}

/// Every command below `cmd` that has a page, its own subcommands after
/// it (`lsms-evidence`, then `lsms-evidence-add`, …).
fn below(cmd: &clap::Command) -> Vec<&clap::Command> {
    cmd.get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        .flat_map(|s| std::iter::once(s).chain(below(s)))
        .collect()
}

/// A command's page name without `lsms-`: `report`, `evidence-add`.
fn page_name(cmd: &clap::Command) -> &str {
    let full = cmd.get_display_name().unwrap_or(cmd.get_name());
    full.strip_prefix("lsms-").unwrap_or(full)
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let top = tree();
    let all = below(&top);
    let mut pages: Vec<&clap::Command> = match &args.command {
        Some(name) => {
            let Some(sub) = all.iter().find(|c| page_name(c) == name) else {
                let names: Vec<&str> = all.iter().map(|c| page_name(c)).collect();
                return Err(Error::usage(
                    crate::model::unknown_word("command", name, &names),
                    "`lsms man` alone prints the top page",
                ));
            };
            vec![sub]
        }
        None if args.dir.is_some() => all.clone(),
        None => vec![],
    };
    if args.command.is_none() {
        pages.insert(0, &top);
    }
    let rendered = pages
        .iter()
        .map(|c| page(c, &top))
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(|e| Error::failed(format!("cannot render the manual: {e}")))?;
    let Some(dir) = &args.dir else {
        return emit(&mut ctx.out(), |o| rendered.iter().try_for_each(|(_, text)| o.write_all(text)));
    };
    let dir = ctx.cwd.join(dir);
    std::fs::create_dir_all(&dir).map_err(Error::io("create", &dir))?;
    for (name, text) in &rendered {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(Error::io("write", &path))?;
    }
    ctx.say(format!("Wrote {} manual page(s) to {}.", rendered.len(), dir.display()));
    Ok(())
}
