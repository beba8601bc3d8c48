//! Sealing, where it meets files: finding the user's identity, the store's
//! recipients, and the hooks through which every read and write of an
//! incident passes (`crate::seal` does the sealing itself).

use super::{CONFIG_FILE, Store, fsio};
use crate::error::{Error, Result};
use crate::model::Incident;
use crate::seal::record::{self, Carry, Refused, Why};
use crate::seal::{Identity, Recipient};
use std::path::{Path, PathBuf};

/// What a read does with sealed values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(u8)]
pub enum View {
    /// Opened where this user's identity opens them, else shown `(sealed)`.
    #[default]
    Open = 0,
    /// Shown `(sealed)` (figures and counts, which never show them).
    Mask = 1,
    /// Opened, or the read fails (a command that works on personal data).
    Need = 2,
}

/// The identity as looked for: none, one, or why it could not be used
/// (a message and its help).
pub(crate) type Found = std::result::Result<Option<Identity>, (String, Option<String>)>;

/// The identity file's name in the user's config folder.
pub const IDENTITY_FILE: &str = "identity.txt";

/// The user's config folder for lsms: `$XDG_CONFIG_HOME/lsms`, else `~/.config/lsms`.
pub fn config_dir() -> Option<PathBuf> {
    let nonempty = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    nonempty("XDG_CONFIG_HOME")
        .filter(|p| p.is_absolute())
        .or_else(|| nonempty("HOME").map(|h| h.join(".config")))
        .map(|d| d.join("lsms"))
}

/// Where the identity is: `--identity FILE`, `$LSMS_IDENTITY`, then the
/// config folder (where a file is there). `None`: no identity anywhere.
pub fn identity_path(flag: Option<&Path>) -> Option<PathBuf> {
    given_identity(flag).or_else(|| {
        config_dir().map(|d| d.join(IDENTITY_FILE)).filter(|p| std::fs::symlink_metadata(p).is_ok())
    })
}

/// The identity file named by `--identity` (`flag`), else by
/// `$LSMS_IDENTITY`, if either is given.
pub fn given_identity(flag: Option<&Path>) -> Option<PathBuf> {
    flag.map(Path::to_path_buf)
        .or_else(|| std::env::var_os("LSMS_IDENTITY").filter(|v| !v.is_empty()).map(PathBuf::from))
}

/// Reads an identity file: refused when others may read it (the fix
/// named), or when it holds no key.
pub fn read_identity(path: &Path) -> Result<Identity> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).map_err(|e| {
        Error::failed_with(
            format!("cannot read the identity {}: {e}", path.display()),
            "give the file `lsms keys new` made (--identity FILE, $LSMS_IDENTITY), or make one with `lsms keys new`",
        )
    })?;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(Error::failed_with(
            format!(
                "the identity {} may be read by others (mode {mode:o}): a private key must be the owner's alone, so it was not used",
                path.display()
            ),
            format!("run `chmod 600 {}`", path.display()),
        ));
    }
    let bytes = fsio::read_bounded(path, 64 * 1024, true).map_err(|_| {
        Error::failed_with(
            format!("cannot read the identity {}: not a small regular file", path.display()),
            "an identity is a few lines of text: give the file `lsms keys new` made",
        )
    })?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::failed(format!("the identity {} is not text", path.display())))?;
    Identity::parse(&text).map_err(|m| {
        Error::failed_with(
            format!("the identity {} is not usable: {m}", path.display()),
            "give the file `lsms keys new` made, or an age identity (age-keygen)",
        )
    })
}

impl Store {
    /// What reads do with sealed values from now on.
    pub fn set_view(&self, v: View) {
        self.view.store(v as u8, std::sync::atomic::Ordering::Relaxed)
    }

    fn view(&self) -> View {
        match self.view.load(std::sync::atomic::Ordering::Relaxed) {
            1 => View::Mask,
            2 => View::Need,
            _ => View::Open,
        }
    }

    /// This user's identity, read once (`None`: there is none).
    pub fn identity(&self) -> Result<Option<&Identity>> {
        let got = self.identity.get_or_init(|| match identity_path(self.identity_flag.as_deref()) {
            None => Ok(None),
            Some(p) => read_identity(&p).map(Some).map_err(|e| match e {
                Error::Failed { message, help } => (message, help),
                other => (other.to_string(), None),
            }),
        });
        match got {
            Ok(i) => Ok(i.as_ref()),
            Err((m, h)) => Err(Error::Failed { message: m.clone(), help: h.clone() }),
        }
    }

    /// The store's recipients, parsed (lsms.yaml was checked on reading).
    pub fn recipients(&self) -> Vec<(String, Recipient)> {
        self.config
            .encryption
            .recipients
            .iter()
            .filter_map(|(n, k)| Recipient::parse(k).ok().map(|r| (n.clone(), r)))
            .collect()
    }

    /// The keys evidence files are written and read with: sealed to the
    /// recipients in a sealed store; opened with this user's identity
    /// when there is one (an identity that cannot be read counts as none
    /// here: what needs it says so).
    pub fn evidence_keys(&self) -> super::evidence::Keys<'_> {
        super::evidence::Keys {
            to: if self.is_sealed() {
                self.recipients().into_iter().map(|(_, r)| r).collect()
            } else {
                Vec::new()
            },
            id: self.identity().ok().flatten(),
            sealed: self.is_sealed(),
        }
    }

    /// Is the store sealed (`lsms seal`)?
    pub fn is_sealed(&self) -> bool {
        self.config.encryption.sealed
    }

    /// The recipients' names, for messages.
    pub fn recipient_names(&self) -> String {
        let names: Vec<&str> = self.config.encryption.recipients.iter().map(|(n, _)| n.as_str()).collect();
        if names.is_empty() { "none yet".into() } else { names.join(", ") }
    }

    /// The refusal of a command that needs sealed personal data, for a
    /// user without an identity.
    pub(crate) fn no_identity(&self, what: &str) -> Error {
        Error::failed_with(
            format!(
                "{what} needs personal data, which this store keeps sealed, and you have no identity to open it"
            ),
            format!(
                "make your identity with `lsms keys new`, then ask one of the store's recipients ({}) to run \
                 `lsms keys add YOUR-NAME YOUR-PUBLIC-KEY` and `lsms rekey`; an identity kept elsewhere is \
                 given with --identity FILE or $LSMS_IDENTITY",
                self.recipient_names()
            ),
        )
    }

    /// A command that works on personal data (`person`, `--grep`,
    /// `--include-personal`, `show --format json`): refused at once in a
    /// sealed store where the user has no identity; else every read opens
    /// the sealed values or fails.
    pub fn need_personal(&self, what: &str) -> Result<()> {
        if !self.is_sealed() {
            return Ok(());
        }
        if self.identity()?.is_none() {
            return Err(self.no_identity(what));
        }
        self.set_view(View::Need);
        Ok(())
    }

    /// A sealed value that does not open, as an error naming the file and field.
    pub(crate) fn refused(&self, inc: &Incident, r: Refused) -> Error {
        let file = self.show_path(&self.path_of(&inc.id));
        match r.why {
            Why::Broken => Error::failed_with(
                format!(
                    "{file}: the sealed value of `{}` does not open: it was changed, cut short, re-wrapped, or moved \
                     from another field or incident",
                    r.field
                ),
                format!(
                    "restore the file from git (`git log -p {file}` shows who changed it), then run `lsms check`"
                ),
            ),
            Why::NotForYou => Error::failed_with(
                format!(
                    "{file}: `{}` is sealed to other recipients: your identity does not open it",
                    r.field
                ),
                format!(
                    "ask one of the store's recipients ({}) to add your public key (`lsms keys add`) and run `lsms rekey`",
                    self.recipient_names()
                ),
            ),
            Why::Moved => Error::failed_with(
                format!(
                    "{}: this change would copy a sealed value into `{}`, which needs it opened and sealed again \
                     (a sealed value opens only in its own field): nothing was written",
                    inc.id, r.field
                ),
                format!(
                    "run it with your identity (--identity FILE, $LSMS_IDENTITY, or `lsms keys new` and ask {} to add you)",
                    self.recipient_names()
                ),
            ),
            Why::Wrap(m) => Error::failed(format!("{}: cannot seal to the store's recipients: {m}", inc.id)),
        }
    }

    /// A record read for a reader: its sealed values opened or masked
    /// as the store's `view` says.
    pub fn view_incident(&self, inc: &mut Incident) -> Result<()> {
        if inc.sealed.is_empty() {
            return Ok(());
        }
        let me = match self.view() {
            View::Mask => None,
            View::Open => self.identity()?,
            View::Need => Some(self.identity()?.ok_or_else(|| self.no_identity("this command"))?),
        };
        let Some(me) = me else {
            record::mask(inc);
            return Ok(());
        };
        let mut opened = inc.clone();
        match record::open_all(&mut opened, me) {
            Ok(_) => {
                *inc = opened;
                Ok(())
            }
            Err(r) if r.why == Why::NotForYou && self.view() == View::Open => {
                record::mask(inc);
                Ok(())
            }
            Err(r) => Err(self.refused(inc, r)),
        }
    }

    /// Before a change: the record opened where this user can (so the
    /// change sees what it changes), with what it was as read.
    pub(crate) fn before_change(&self, inc: &mut Incident) -> Result<Option<Carry>> {
        if inc.sealed.is_empty() && !self.is_sealed() {
            return Ok(None);
        }
        if !inc.sealed.is_empty()
            && let Some(me) = self.identity()?
        {
            let mut opened = inc.clone();
            match record::open_all(&mut opened, me) {
                Ok(carry) => {
                    *inc = opened;
                    return Ok(Some(carry));
                }
                Err(r) if r.why == Why::NotForYou => {}
                Err(r) => return Err(self.refused(inc, r)),
            }
        }
        Ok(Some(record::carry_unopened(inc)))
    }

    /// After a change: the record as it is written (sealed where the
    /// store is; a file holding sealed values stays sealed).
    pub(crate) fn for_writing(&self, inc: &Incident, carry: Option<Carry>) -> Result<Incident> {
        let mut out = inc.clone();
        if !self.is_sealed() && inc.sealed.is_empty() {
            return Ok(out);
        }
        let to = self.recipients();
        if to.is_empty() {
            return Err(Error::failed_with(
                format!("{}: the store is sealed but lists no recipients: nothing was written", inc.id),
                "add one with `lsms keys add NAME PUBLIC-KEY`",
            ));
        }
        let carry = match carry {
            Some(c) => c,
            None => record::carry_unopened(&mut out),
        };
        record::seal_all(&mut out, &to, carry).map_err(|r| self.refused(inc, r))?;
        Ok(out)
    }
}

/// `lsms.yaml`'s text with its `encryption:` block replaced by `e` (the
/// rest kept byte for byte; the block goes last).
pub fn with_encryption(text: &str, e: &crate::store::config::Encryption) -> String {
    let mut out = String::with_capacity(text.len() + 256);
    let mut skipping = false;
    // Blank and comment lines met in the block: the block's own where an
    // indented line of it follows, else kept with what comes after.
    let mut pending = String::new();
    for line in text.split_inclusive('\n') {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            if skipping {
                pending.push_str(line);
            } else {
                out.push_str(line);
            }
            continue;
        }
        if !line.starts_with([' ', '\t']) {
            skipping = line.starts_with("encryption:");
            out.push_str(&pending);
        }
        pending.clear();
        if !skipping {
            out.push_str(line);
        }
    }
    out.push_str(&pending);
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    if e.sealed || !e.recipients.is_empty() {
        out.push_str("encryption:\n");
        out.push_str(&format!("  sealed: {}\n", e.sealed));
        if !e.recipients.is_empty() {
            out.push_str("  recipients:\n");
            for (name, key) in &e.recipients {
                let q = serde_json::to_string(key).unwrap_or_default();
                out.push_str(&format!("    {name}: {q}\n"));
            }
        }
    }
    out
}

impl Store {
    /// Writes lsms.yaml with `e` as its `encryption:` (checked first: a
    /// store's settings are never written unreadable). Hold the lock.
    pub fn write_encryption(&mut self, e: &crate::store::config::Encryption) -> Result<()> {
        let path = self.root.join(CONFIG_FILE);
        let text = super::read_config(&path)?;
        let new = with_encryption(&text, e);
        let config = super::config::Config::parse(&path.display().to_string(), &new)?;
        fsio::write_atomic(&path, new.as_bytes(), fsio::Mode::Replace).map_err(Error::io("write", &path))?;
        self.config = config;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::config::Encryption;

    #[test]
    fn only_the_encryption_block_is_replaced_and_comments_around_it_are_kept() {
        let text = "trust: T\n# Sealing\nencryption:\n  sealed: false\n  # hand note\n\n  recipients:\n    a: \"age1x\"\n\n# Which files a commit holds\ngit: { commit: false }\n";
        let e = Encryption { sealed: true, recipients: vec![("b".into(), "age1y".into())] };
        assert_eq!(
            with_encryption(text, &e),
            "trust: T\n# Sealing\n\n# Which files a commit holds\ngit: { commit: false }\n\
             encryption:\n  sealed: true\n  recipients:\n    b: \"age1y\"\n"
        );
        // A comment at the end stays, before the block.
        let e = Encryption { sealed: false, recipients: Vec::new() };
        assert_eq!(with_encryption("encryption:\n  sealed: true\n# last\n", &e), "# last\n");
    }
}
