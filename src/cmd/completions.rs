//! `lsms completions`: shell completion scripts. clap_complete writes
//! them; the options whose values are a vocabulary (categories, sites,
//! team members, statuses, …) then ask `lsms complete KIND` for the words,
//! so the shell offers those and never file names.

use super::complete::kind_in;
use super::{Ctx, emit};
use crate::error::Result;
use clap::CommandFactory;
use clap_complete::Shell;

/// Print a completion script for a shell
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  lsms completions bash > ~/.local/share/bash-completion/completions/lsms
  lsms completions zsh > ~/.zfunc/_lsms
  lsms completions fish > ~/.config/fish/completions/lsms.fish")]
pub struct Args {
    /// bash, zsh, fish, elvish or powershell
    pub shell: Shell,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let mut cmd = super::Cli::command();
    // clap_complete panics when its writer fails (a closed pipe): it writes
    // into memory, and the bytes go out with the usual error handling.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "lsms", &mut script);
    let script = String::from_utf8_lossy(&script);
    let script = match args.shell {
        Shell::Bash => bash(&script),
        Shell::Fish => fish(&script),
        Shell::Zsh => zsh(&script),
        _ => script.into_owned(),
    };
    emit(&mut ctx.out(), |o| o.write_all(script.as_bytes()))
}

/// Asks `lsms complete KIND` (the same lsms, in the store given with
/// -C/--store if any) for the words, one a line; after a comma, the words
/// of the next item of a list (`--category theft,cri<TAB>`).
const BASH_VALUES: &str = r#"__lsms_values() {
    local pre="" word="${cur}" IFS=$'\n' i store=()
    case "${word}" in *,*) pre="${word%,*},"; word="${word##*,}";; esac
    for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
        case "${COMP_WORDS[i]}" in -C|--store) store=(-C "${COMP_WORDS[i+1]}");; esac
    done
    COMPREPLY=($(compgen -P "${pre}" -W "$("${COMP_WORDS[0]}" "${store[@]}" complete "$1" 2>/dev/null)" -- "${word}"))
}

"#;

/// clap_complete's bash script, with a vocabulary's words (never file
/// names) offered for each option in [`OPTIONS`].
fn bash(script: &str) -> String {
    let mut out = String::from(BASH_VALUES);
    let mut kind = None;
    // The command whose options follow: `lsms__subcmd__evidence__subcmd__export)`.
    let mut command = "";
    for line in script.lines() {
        let t = line.trim();
        if let Some(c) = t.strip_prefix("lsms__").and_then(|c| c.strip_suffix(')')) {
            command = c.rsplit("__").next().unwrap_or(c);
        }
        match kind.take() {
            Some(k) if t.starts_with("COMPREPLY=(") => {
                let indent = &line[..line.len() - line.trim_start().len()];
                out.push_str(&format!("{indent}__lsms_values {k}\n"));
                continue;
            }
            _ => {}
        }
        kind = t.strip_prefix("--").and_then(|o| o.strip_suffix(')')).and_then(|o| kind_in(command, o));
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// fish: the words of `lsms complete KIND`, no file names.
fn fish(script: &str) -> String {
    let mut out = String::new();
    for line in script.lines() {
        out.push_str(line);
        // `-n "__fish_lsms_using_subcommand evidence; and __fish_seen_subcommand_from export"`
        let condition = line.split("-n \"").nth(1).and_then(|r| r.split('"').next()).unwrap_or("");
        let command = condition.split_whitespace().last().unwrap_or("").trim_end_matches(';');
        let long = line.split(" -l ").nth(1).and_then(|r| r.split(' ').next());
        if let Some(k) = long.and_then(|o| kind_in(command, o)).filter(|_| line.ends_with(" -r")) {
            out.push_str(&format!(" -f -a \"(lsms complete {k} 2>/dev/null)\""));
        }
        out.push('\n');
    }
    out
}

/// zsh: the words of `lsms complete KIND` in place of `_default` (files).
fn zsh(script: &str) -> String {
    let mut out = String::new();
    // The command whose options follow: a line `(notify)`.
    let mut command = String::new();
    for line in script.lines() {
        if let Some(c) = line.trim().strip_prefix('(').and_then(|c| c.strip_suffix(')')) {
            command = c.to_string();
        }
        let long = line.split("'--").nth(1).and_then(|r| r.split('=').next());
        match long.and_then(|o| kind_in(&command, o)) {
            Some(k) if line.contains(":_default'") => out.push_str(&line.replacen(
                ":_default'",
                &format!(":{{compadd -- ${{(f)\"$(lsms complete {k} 2>/dev/null)\"}}}}'"),
                1,
            )),
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}
