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
    after_help = "The merge driver is registered by name (`lsms merge-file %O %A %B %P`): git finds lsms on PATH.\n\nExamples:\n  lsms init /srv/security --trust '5 Boroughs Partnership NHS Trust' --git\n  # in a clone: register the merge driver\n  git clone host:security && cd security && lsms init --git"
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
    /// it), register `lsms merge-file` for incident files, and commit the
    /// store. On an existing store (a fresh clone, say) this registers the
    /// merge driver (and commits the store if it was not in git)
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
        let store = crate::store::Store::discover(Some(&dir), &ctx.cwd)?;
        let done = crate::store::git::setup(&dir)?;
        ctx.say(format!(
            "{} is already a store: registered the lsms merge driver for its git repository.",
            dir.display()
        ));
        say_lfs(ctx, &done);
        // A colleague's fresh clone: the evidence files themselves (not
        // LFS pointers), with the store's own permissions.
        if crate::store::git::lfs_pull(&dir)? == Some(true) {
            ctx.say("Git LFS: fetched the store's evidence files (`git lfs pull`).");
        }
        crate::store::git::evidence_modes(&dir);
        if done.fresh || done.attributes_written {
            // A store that was not in git, or had no .gitattributes: the
            // driver's attributes are committed so that every clone has them.
            let actor = ctx.actor(&store)?;
            let who = ctx.ident(&store, &actor);
            let repo = crate::store::git::Repo::open(&dir)?;
            if done.fresh {
                // The whole store, by git's own add, which records each
                // file's stat in the index (so that status stays quick).
                let mut files = vec![".gitattributes", CONFIG_FILE, ".gitignore", "incidents", "evidence"];
                files.retain(|f| dir.join(f).exists());
                let mut args = vec!["add", "--"];
                args.extend(files);
                repo.text(&args)?;
                let mut c =
                    repo.cmd(&["commit", "--quiet", "--no-verify", "-m", "lsms: the store kept in git"]);
                repo.as_ident(&mut c, &who);
                let out = c.output().map_err(Error::io("run", std::path::Path::new("git")))?;
                if !out.status.success() {
                    return Err(Error::failed(format!(
                        "git commit failed: {}",
                        String::from_utf8_lossy(&out.stderr).trim()
                    )));
                }
            } else {
                repo.commit_files(&[".gitattributes".to_string()], "lsms: register the merge driver", &who)?;
            }
            ctx.say(format!("Committed {}.", if done.fresh { "the store" } else { ".gitattributes" }));
        }
        warn_path(ctx);
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
        let done = crate::store::git::setup(&dir)?;
        let actor = ctx.actor_at(&dir)?;
        let who = crate::store::git::Ident { name: actor, email: None };
        let repo = crate::store::git::Repo::open(&dir)?;
        let files = [CONFIG_FILE, ".gitignore", ".gitattributes"].map(String::from);
        repo.commit_files(&files, "lsms: a new store", &who)?;
        let what = if done.fresh { "made a git repository" } else { "used the git repository around it" };
        ctx.say(format!(
            "Also {what}, registered the lsms merge driver, and committed lsms.yaml, .gitignore and .gitattributes."
        ));
        say_lfs(ctx, &done);
        warn_path(ctx);
    }
    Ok(())
}

/// Says whether evidence files go through Git LFS, and why not.
fn say_lfs(ctx: &Ctx, done: &crate::store::git::Setup) {
    if done.lfs {
        ctx.say(
            "Git LFS: evidence/** is stored through Git LFS (.gitattributes; `git lfs install --local` run).",
        );
    } else if done.lfs_named {
        ctx.say(crate::store::git::LFS_MISSING);
    } else {
        ctx.say(
            "git-lfs not found: evidence files will be stored in git as ordinary files \
             (install git-lfs and run `lsms init --git` again to store them through Git LFS).",
        );
    }
}

/// git runs the merge driver as `lsms`, found on PATH: say so if it is not.
fn warn_path(ctx: &Ctx) {
    if !crate::store::git::lsms_on_path() {
        ctx.say(
            "warning: `lsms` is not on PATH, where git looks for the merge driver: put the folder that holds lsms on PATH before `lsms sync`",
        );
    }
}
