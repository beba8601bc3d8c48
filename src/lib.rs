//! `lsms`: the security incident register of an NHS trust's Local
//! Security Management Specialists, as a library the binary calls.
//!
//! The layers only look down: `cmd` (the command line, one file per
//! command) → `store` (the only I/O), `query`, `report` (figures, pure) and
//! `render` (text, HTML, xlsx) → `codec` (how a record is written and read)
//! → `model` (what an incident is). `error` is the one error type.

mod cmd;
mod codec;
mod error;
mod model;
mod query;
mod render;
mod report;
mod store;

use clap::{CommandFactory, FromArgMatches};
use cmd::{Cli, ColorChoice};
use error::{Error, Result};
use std::io::IsTerminal;
use std::process::ExitCode;

fn now() -> Result<chrono::DateTime<chrono::Utc>> {
    match std::env::var("LSMS_NOW") {
        Ok(s) if !s.trim().is_empty() => {
            chrono::DateTime::parse_from_rfc3339(s.trim()).map(|t| t.to_utc()).map_err(|_| {
                Error::failed_with(
                    format!("LSMS_NOW='{s}' is not an RFC 3339 time"),
                    "write it like 2026-11-24T14:30:00+00:00, or unset it",
                )
            })
        }
        _ => Ok(chrono::Utc::now()),
    }
}

fn color(choice: ColorChoice, stream_is_terminal: bool) -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => stream_is_terminal && !no_color,
    }
}

/// The colour choice for clap's own output (help, usage errors), read from
/// the arguments before they are parsed: the last `--color WHEN` before
/// `--`, else NO_COLOR, else auto.
fn help_color(args: &[std::ffi::OsString]) -> clap::ColorChoice {
    let mut when = None;
    let mut it = args.iter().skip(1).filter_map(|a| a.to_str());
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        } else if let Some(v) = a.strip_prefix("--color=") {
            when = Some(v);
        } else if a == "--color" {
            when = it.next();
        }
    }
    match when {
        Some("always") => clap::ColorChoice::Always,
        Some("never") => clap::ColorChoice::Never,
        _ if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) => clap::ColorChoice::Never,
        _ => clap::ColorChoice::Auto,
    }
}

fn run(cli: &Cli) -> Result<()> {
    let cwd =
        std::env::current_dir().map_err(|e| Error::failed(format!("cannot read the current folder: {e}")))?;
    let ctx = cmd::Ctx {
        store_dir: cli.store.clone(),
        actor: cli.actor.clone(),
        now: now()?,
        color: color(cli.color, std::io::stdout().is_terminal()),
        quiet: cli.quiet,
        commit: cli.commit,
        no_cache: cli.no_cache,
        wide: cli.wide,
        cwd,
    };
    let done = cli.command.run(&ctx);
    ctx.hint_hidden_columns();
    done
}
/// The program: parse the command line, run the command, map the outcome
/// to an exit code.
pub fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let parsed = Cli::command()
        .color(help_color(&args))
        .try_get_matches_from(&args)
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version print to stdout and succeed; a closed
            // pipe there is no failure either.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let err_color = color(cli.color, std::io::stderr().is_terminal());
    let _ = miette::set_hook(Box::new(move |_| {
        Box::new(
            miette::MietteHandlerOpts::new()
                .color(err_color)
                .unicode(err_color)
                .wrap_lines(std::io::stderr().is_terminal())
                .terminal_links(false)
                .build(),
        )
    }));
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(Error::Reported(msg)) => {
            error::talk(format_args!("error: {}", model::text::for_terminal(&msg, true)));
            ExitCode::from(1)
        }
        Err(e) => {
            let code = e.exit_code();
            error::talk(format_args!("{:?}", miette::Report::new(e.for_terminal())));
            ExitCode::from(code as u8)
        }
    }
}
