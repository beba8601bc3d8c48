//! `lsms completions`: shell completion scripts.

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
    emit(&mut ctx.out(), |o| o.write_all(&script))
}
