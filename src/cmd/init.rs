//! `lsms init`: make a store.

use super::Ctx;
use crate::error::{Error, Result};
use crate::store::config::{DEFAULT_TZ, parse_tz};
use crate::store::fsio::{Mode, mkdirs, write_atomic};
use crate::store::{CONFIG_FILE, config::Config};
use std::path::PathBuf;

/// Make a new store: lsms.yaml, incidents/ and a .gitignore for .lsms/
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  lsms init /srv/security --trust '5 Boroughs Partnership NHS Trust' --git\n  # in a clone: register the merge driver\n  git clone host:security && cd security && lsms init --git"
)]
pub struct Args {
    /// Where to make it [default: -C/--store, else the current folder]
    pub dir: Option<PathBuf>,

    /// The trust's name, as reports show it
    #[arg(long, value_name = "NAME")]
    pub trust: Option<String>,

    /// The store's time zone (IANA name)
    #[arg(long, value_name = "TZ", default_value = DEFAULT_TZ.name())]
    pub timezone: String,

    /// Keep the store in git: make it a repository (or use the one around
    /// it) and register `lsms merge-file` for incident files. On an existing
    /// store (a fresh clone, say) this registers the merge driver only.
    #[arg(long)]
    pub git: bool,
}

fn yaml_text(s: &str) -> String {
    crate::codec::yaml_write::scalar(s)
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    let dir = match args.dir.as_ref().or(ctx.store_dir.as_ref()) {
        Some(d) => ctx.cwd.join(d),
        None => ctx.cwd.clone(),
    };
    if dir.is_file() {
        return Err(Error::failed(format!("{} is a file: give a folder for the store", dir.display())));
    }
    let cfg = dir.join(CONFIG_FILE);
    if cfg.exists() && args.git {
        crate::store::git::setup(&dir)?;
        ctx.say(format!(
            "{} is already a store: registered the lsms merge driver for its git repository.",
            dir.display()
        ));
        return Ok(());
    }
    if cfg.exists() {
        return Err(Error::failed_with(
            format!("{} is already a store: it has {CONFIG_FILE}", dir.display()),
            "nothing was changed; edit lsms.yaml to change its settings",
        ));
    }
    let tz = parse_tz(&args.timezone)
        .map_err(|m| Error::usage(format!("--timezone: {m}"), "for example --timezone Europe/London"))?;
    let Some(trust) = args.trust.as_deref().map(str::trim) else {
        return Err(Error::usage(
            "--trust is needed to make a store",
            "for example --trust '5 Boroughs Partnership NHS Trust'",
        ));
    };
    if trust.is_empty() || trust.contains(crate::model::text::LINE_BREAKS) {
        return Err(Error::usage(
            "--trust: give the trust's name on one line",
            "for example --trust '5 Boroughs Partnership NHS Trust'",
        ));
    }
    let text = format!(
        "trust: {}\ntimezone: {}\n# sites: [Hollins Park, Peasley Cross]   # when set, an incident's site must be one of these\n# team: [jfowlis, asmith]              # when set, an assignee must be one of these\n# categories: [lone-worker-alarm]      # extra categories beside the standard ones\n",
        yaml_text(trust),
        tz.name()
    );
    Config::parse(CONFIG_FILE, &text)?;
    mkdirs(&dir.join("incidents"))?;
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        write_atomic(&ignore, b".lsms/\n", Mode::CreateNew).map_err(Error::io("write", &ignore))?;
    }
    write_atomic(&cfg, text.as_bytes(), Mode::CreateNew).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Error::failed(format!("{} is already a store: it has {CONFIG_FILE}", dir.display()))
        } else {
            Error::io("write", &cfg)(e)
        }
    })?;
    ctx.say(format!("Made a store for {trust} in {}.", dir.display()));
    if args.git {
        let fresh = crate::store::git::setup(&dir)?;
        let what = if fresh { "made a git repository" } else { "used the git repository around it" };
        ctx.say(format!("Also {what} and registered the lsms merge driver: commit lsms.yaml, .gitignore and .gitattributes."));
    }
    Ok(())
}
