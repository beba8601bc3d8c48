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

/// fish: the store given with -C/--store on the command line so far, as
/// `-C DIR`, for `lsms complete`.
const FISH_STORE: &str = r#"function __fish_lsms_store
    set -l words (commandline -opc)
    set -l n (count $words)
    for i in (seq 2 $n)
        switch $words[$i]
            case -C --store
                if test $i -lt $n
                    printf '%s\n' -C $words[(math $i + 1)]
                end
            case '--store=*'
                printf '%s\n' -C (string replace -- --store= '' $words[$i])
        end
    end
end

# The words of `lsms complete KIND`, and after a comma those of the next
# item of a list (--category theft,cri): fish keeps the ones that match.
function __fish_lsms_values
    set -l words (lsms (__fish_lsms_store) complete $argv[1] 2>/dev/null)
    set -l token (string replace -r -- '^--[^=]*=' '' (commandline -ct))
    set -l pre
    if string match -q -- '*,*' $token
        set pre (string replace -r -- '[^,]*$' '' $token)
    end
    for w in $words $pre$words
        printf '%s\n' $w
    end
end

"#;

/// fish: the words of `lsms complete KIND` (in the store given with
/// -C/--store if any), no file names.
fn fish(script: &str) -> String {
    let mut out = String::from(FISH_STORE);
    for line in script.lines() {
        out.push_str(line);
        // `-n "__fish_lsms_using_subcommand evidence; and __fish_seen_subcommand_from export"`
        let condition = line.split("-n \"").nth(1).and_then(|r| r.split('"').next()).unwrap_or("");
        let command = condition.split_whitespace().last().unwrap_or("").trim_end_matches(';');
        let long = line.split(" -l ").nth(1).and_then(|r| r.split(' ').next());
        if let Some(k) = long.and_then(|o| kind_in(command, o)).filter(|_| line.ends_with(" -r")) {
            out.push_str(&format!(" -f -a \"(__fish_lsms_values {k})\""));
        }
        out.push('\n');
    }
    out
}

/// zsh: offers the words of `lsms complete KIND` (the last argument, after
/// compadd's options), asked in the store given with -C/--store on the
/// command line so far, if any.
const ZSH_VALUES: &str = r#"_lsms_values() {
    # The line up to the cursor, from its last `lsms`: _arguments has
    # dropped the options before the command from $words by now.
    local -a w store
    local i from=1
    w=(${(z)LBUFFER})
    for (( i = 1; i <= ${#w}; i++ )); do
        [[ ${${(Q)w[i]}:t} == lsms ]] && from=$i
    done
    for (( i = from + 1; i <= ${#w}; i++ )); do
        case ${w[i]} in
            (-C|--store) (( i < ${#w} )) && store=(-C "${(Q)w[i+1]}") ;;
            (--store=*) store=(-C "${(Q)w[i]#--store=}") ;;
        esac
    done
    # _arguments puts compadd's options before the kind, the last word.
    compadd "${@[1,-2]}" -- ${(f)"$(lsms "${store[@]}" complete "${@[-1]}" 2>/dev/null)"}
}

# After a comma, the words of the next item of a list (--category theft,cri).
_lsms_list() {
    compset -P '*,'
    _lsms_values "$@"
}

"#;

/// The long option a line of clap's zsh script declares: `'--site=[…`,
/// `'*--category=[…` (repeatable), `'(--from)--site=[…` (with options it
/// excludes).
fn zsh_long(line: &str) -> Option<&str> {
    let t = line.trim_start().strip_prefix('\'')?;
    let t = match t.strip_prefix('(') {
        Some(rest) => &rest[rest.find(')')? + 1..],
        None => t,
    };
    let t = t.strip_prefix('*').unwrap_or(t);
    t.strip_prefix("--")?.split(['=', '[']).next()
}

/// zsh: the words of `lsms complete KIND` in place of `_default` (files).
fn zsh(script: &str) -> String {
    let mut out = String::new();
    // The command whose options follow: a line `(notify)`.
    let mut command = String::new();
    for line in script.lines() {
        if line == "autoload -U is-at-least" {
            out.push_str(ZSH_VALUES);
        }
        if let Some(c) = line.trim().strip_prefix('(').and_then(|c| c.strip_suffix(')')) {
            command = c.to_string();
        }
        match zsh_long(line).and_then(|o| kind_in(&command, o)) {
            Some(k) if line.contains(":_default'") => {
                // A comma-separated list (`C[,C]`): the words of its next item.
                let f = if line.contains("[,") { "_lsms_list" } else { "_lsms_values" };
                out.push_str(&line.replacen(":_default'", &format!(":{f} {k}'"), 1))
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}
