//! `lsms keys`: your own identity, and the store's recipients (who can
//! open its sealed personal data).

use super::Ctx;
use crate::error::{Error, Result};
use crate::store::config::{Encryption, check_recipient_name};
use crate::store::seal::{IDENTITY_FILE, config_dir};

const AFTER_HELP: &str = "\
Sealing keeps names, descriptions and notes unreadable to anyone who holds a
copy of the store without a key (the git host, its backups, a lost laptop).
Each LSMS makes an identity of their own once, and gives its public key to
the store. The identity is read from --identity FILE, else $LSMS_IDENTITY,
else identity.txt in $XDG_CONFIG_HOME/lsms (~/.config/lsms). It must be
readable by its owner alone (chmod 600). Never put it in a store.

Examples:
  lsms keys new                        # prints your public key (age1…)
  lsms keys add jfowlis age1…          # a recipient, in lsms.yaml
  lsms keys add asmith \"$(cat ~/.ssh/id_ed25519.pub)\"
  lsms seal                            # seal the store's files
  lsms keys remove asmith              # a leaver, then:
  lsms rekey";

/// Your identity, and the store's recipients
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP, subcommand_required = true, arg_required_else_help = true)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Make your own identity (owner-only) and print its public key
    New,
    /// Add a recipient: someone who can open the store's sealed data
    Add {
        /// The recipient's name (a login, like jfowlis)
        name: String,
        /// Their public key: age1… (`lsms keys new`) or `ssh-ed25519 AAAA…`
        key: String,
    },
    /// Remove a recipient (then `lsms rekey`, so what is written next is not sealed to them)
    Remove {
        /// The recipient's name
        name: String,
    },
    /// List the store's recipients
    List,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<()> {
    match &args.action {
        Action::New => new(ctx),
        Action::Add { name, key } => add(ctx, name, key),
        Action::Remove { name } => remove(ctx, name),
        Action::List => list(ctx),
    }
}

/// Where `keys new` writes: --identity or $LSMS_IDENTITY where given,
/// else the config folder.
fn new(ctx: &Ctx) -> Result<()> {
    let path = match crate::store::seal::given_identity(ctx.identity.as_deref()) {
        Some(p) => p,
        None => {
            let dir = config_dir().ok_or_else(|| {
                Error::failed_with(
                    "no config folder: neither $XDG_CONFIG_HOME nor $HOME is set",
                    "give where to keep it: lsms keys new --identity FILE",
                )
            })?;
            crate::store::fsio::mkdirs(&dir)?;
            dir.join(IDENTITY_FILE)
        }
    };
    let (text, public) = crate::seal::new_identity(&ctx.now.to_rfc3339());
    crate::store::fsio::write_atomic(&path, text.as_bytes(), crate::store::Mode::CreateNew).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Error::failed_with(
                format!(
                    "{} is already there: an identity is never overwritten (what was sealed to it would be lost)",
                    path.display()
                ),
                "`lsms keys list` shows the recipients; to make a second identity, give another file with --identity FILE",
            )
        } else {
            Error::io("write", &path)(e)
        }
    })?;
    super::emit(&mut ctx.out(), |o| writeln!(o, "{public}"))?;
    ctx.say(format!(
        "Your identity is in {} (owner-only; keep it safe, and out of any store). Give the public key above to \
         the store: lsms keys add YOUR-NAME {public}",
        path.display()
    ));
    Ok(())
}

/// Writes lsms.yaml's `encryption:` under the store's lock, and commits
/// it where commits are on.
pub fn write(ctx: &Ctx, store: &mut crate::store::Store, e: &Encryption, message: &str) -> Result<()> {
    let commit = ctx.commits(store)?;
    store.write_encryption(e)?;
    if commit {
        let actor = ctx.actor(store)?;
        let who = ctx.ident(store, &actor);
        crate::store::git::commit(&store.root, &[crate::store::CONFIG_FILE.to_string()], message, &who)?;
    }
    Ok(())
}

fn add(ctx: &Ctx, name: &str, key: &str) -> Result<()> {
    let mut store = ctx.store()?;
    let _lock = store.lock()?;
    check_recipient_name(name).map_err(|m| Error::failed_with(m, "lsms keys add NAME PUBLIC-KEY"))?;
    crate::seal::Recipient::parse(key).map_err(|m| {
        Error::failed_with(
            m,
            "`lsms keys new` prints an age public key; `cat ~/.ssh/id_ed25519.pub` an ssh one",
        )
    })?;
    let mut e = store.config.encryption.clone();
    if e.recipients.iter().any(|(n, _)| n == name) {
        return Err(Error::failed_with(
            format!("{name} is already a recipient: nothing was changed"),
            format!(
                "to give {name} a new key: lsms keys remove {name}, then lsms keys add {name} KEY and lsms rekey"
            ),
        ));
    }
    if let Some((n, _)) = e.recipients.iter().find(|(_, k)| k.trim() == key.trim()) {
        return Err(Error::failed_with(
            format!("that key is already {n}'s: nothing was changed"),
            "each recipient has a key of their own",
        ));
    }
    e.recipients.push((name.to_string(), key.trim().to_string()));
    write(ctx, &mut store, &e, &format!("lsms.yaml: keys add {name}"))?;
    if store.is_sealed() {
        ctx.say(format!(
            "{name} added. Incidents recorded from now on are sealed to them too; run `lsms rekey` (with your \
             identity) so that they can open those recorded before."
        ));
    } else {
        ctx.say(format!("{name} added. `lsms seal` seals the store's personal data to its recipients."));
    }
    Ok(())
}

fn remove(ctx: &Ctx, name: &str) -> Result<()> {
    let mut store = ctx.store()?;
    let _lock = store.lock()?;
    let mut e = store.config.encryption.clone();
    let Some(at) = e.recipients.iter().position(|(n, _)| n == name) else {
        return Err(Error::failed_with(
            format!("{name} is not a recipient of this store: nothing was changed"),
            format!("the recipients are: {} (lsms keys list)", store.recipient_names()),
        ));
    };
    if e.sealed && e.recipients.len() == 1 {
        return Err(Error::failed_with(
            format!("{name} is the last recipient of this sealed store: without one, no one could open it"),
            "add the next recipient first (lsms keys add NAME KEY), or `lsms unseal` the store",
        ));
    }
    e.recipients.remove(at);
    write(ctx, &mut store, &e, &format!("lsms.yaml: keys remove {name}"))?;
    if store.is_sealed() {
        ctx.say(format!(
            "{name} removed. Run `lsms rekey` now: until then every incident's data key is still wrapped to them. \
             What is already in git history stays readable to their key (see README, 'Sealing personal data')."
        ));
    }
    Ok(())
}

fn list(ctx: &Ctx) -> Result<()> {
    let store = ctx.store()?;
    let mine = store.identity().ok().flatten().and_then(|i| i.public.clone());
    let rows: Vec<Vec<String>> = store
        .config
        .encryption
        .recipients
        .iter()
        .map(|(n, k)| {
            let you = if mine.as_deref() == Some(k.as_str()) { "you" } else { "" };
            vec![n.clone(), k.clone(), you.to_string()]
        })
        .collect();
    let rows = crate::render::Rows { columns: vec!["name".into(), "key".into(), "".into()], rows };
    let table = ctx.stdout_is_terminal();
    super::emit(&mut ctx.out(), |o| {
        if table {
            crate::render::table(o, &rows, ctx.width(), ctx.color)
        } else {
            super::write_rows(o, super::args::Format::Tsv, &rows)
        }
    })?;
    ctx.say(format!(
        "{} recipient(s); the store is {}.",
        rows.rows.len(),
        if store.is_sealed() { "sealed" } else { "not sealed (`lsms seal` seals it)" }
    ));
    Ok(())
}
