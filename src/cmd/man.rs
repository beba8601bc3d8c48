//! `lsms man`: the manual page.

use super::{Ctx, emit};
use crate::error::Result;
use clap::CommandFactory;

/// Print the manual page (roff)
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  lsms man > /usr/local/share/man/man1/lsms.1 && man lsms")]
pub struct Args {}

pub fn run(ctx: &Ctx, _args: &Args) -> Result<()> {
    let cmd = crate::cli::Cli::command();
    emit(&mut ctx.out(), |o| clap_mangen::Man::new(cmd).render(o))
}
