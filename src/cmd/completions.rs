//! `lsms completions`: shell completion scripts.

use super::{Ctx, emit};
use crate::error::Result;
use clap::CommandFactory;
use clap_complete::Shell;

/// Print a completion script for a shell
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  lsms completions bash > ~/.local/share/bash-completion/completions/lsms\n  lsms completions zsh > ~/.zfunc/_lsms\n  lsms completions fish > ~/.config/fish/completions/lsms.fish"
)]
pub struct Args {
    /// bash, zsh, fish, elvish or powershell
    pub shell: Shell,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let mut cmd = crate::cli::Cli::command();
    emit(&mut ctx.out(), |o| {
        clap_complete::generate(args.shell, &mut cmd, "lsms", o);
        Ok(())
    })
}
