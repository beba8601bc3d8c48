//! Sealing personal data at rest (`encryption:` in lsms.yaml): the keys,
//! and each value sealed on its own. No files and no clock here; the one
//! thing taken from outside is the system's randomness (keys and nonces).
//!
//! - Each incident has a data key of its own (32 random bytes), wrapped to
//!   each recipient of the store with age and kept in the incident's
//!   `sealed:` block, one line per recipient.
//! - Each sealed value is `sealed:v1:` and the base64 of a random 24-byte
//!   nonce and the XChaCha20-Poly1305 ciphertext of the text under the data
//!   key, with the incident's id and the field's declared path
//!   (`people.name`, never a list index) as associated data: a value moved
//!   to another field or incident does not open.
//! - A value written by someone without an identity (who cannot unwrap the
//!   incident's data key) is `sealed:age:`, the base64 of an age file to
//!   the recipients holding the same id and path before the text, checked
//!   on opening; `lsms rekey` turns them into `sealed:v1:` values.
//!
//! `record` walks an incident's sealed fields (declared once, in the
//! record declaration) to open, mask or seal them.

pub mod record;

#[cfg(test)]
mod proptests;

use age::secrecy::ExposeSecret;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use std::io::{Read, Write};
use std::str::FromStr;

/// A value sealed under the incident's data key.
pub const V1: &str = "sealed:v1:";
/// A value sealed on its own to the recipients (written without an identity).
pub const ALONE: &str = "sealed:age:";
/// What a sealed value shows as to someone without the key.
pub const SHOWN: &str = "(sealed)";

/// Is `s` a sealed value (of either form)?
pub fn is_sealed(s: &str) -> bool {
    s.starts_with(V1) || s.starts_with(ALONE)
}

/// An incident's data key.
#[derive(Clone, PartialEq, Eq)]
pub struct DataKey([u8; 32]);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(..)")
    }
}

impl DataKey {
    /// A new random data key.
    pub fn new() -> DataKey {
        DataKey(XChaCha20Poly1305::generate_key(&mut OsRng).into())
    }
}

impl Default for DataKey {
    fn default() -> Self {
        DataKey::new()
    }
}

/// A recipient's public key, parsed: an age X25519 key (`age1…`) or an
/// OpenSSH Ed25519 key (`ssh-ed25519 AAAA… comment`).
pub struct Recipient {
    key: Box<dyn age::Recipient + Send + Sync>,
}

impl Recipient {
    pub fn parse(s: &str) -> Result<Recipient, String> {
        let t = s.trim();
        if t.starts_with("age1") {
            let r = age::x25519::Recipient::from_str(t)
                .map_err(|e| format!("'{t}' is not an age public key ({e})"))?;
            Ok(Recipient { key: Box::new(r) })
        } else if t.starts_with("ssh-ed25519 ") {
            let r = age::ssh::Recipient::from_str(t)
                .map_err(|_| format!("'{}' is not an ssh-ed25519 public key", short(t)))?;
            Ok(Recipient { key: Box::new(r) })
        } else {
            Err(format!(
                "'{}' is not a public key lsms takes: give an age key (age1…, from `lsms keys new` or age-keygen) \
                 or an ssh-ed25519 key (the line of ~/.ssh/id_ed25519.pub)",
                short(t)
            ))
        }
    }
}

/// The start of a long key, for messages.
fn short(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}

/// Someone's private key(s): what opens what was wrapped to them.
pub struct Identity {
    keys: Vec<Box<dyn age::Identity + Send + Sync>>,
    /// The public key of an age identity, as `keys list` shows it.
    pub public: Option<String>,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Identity({:?})", self.public)
    }
}

/// A new age X25519 identity: the file's text and its public key.
pub fn new_identity(created: &str) -> (String, String) {
    let id = age::x25519::Identity::generate();
    let public = id.to_public().to_string();
    let text = format!(
        "# lsms identity: your own private key. Keep it owner-only (chmod 600); never share it or put it in a store.\n\
         # created: {created}\n# public key: {public}\n{}\n",
        id.to_string().expose_secret()
    );
    (text, public)
}

impl Identity {
    /// Reads an identity file: age's (`AGE-SECRET-KEY-1…` lines, as
    /// `lsms keys new` and age-keygen write) or an unencrypted OpenSSH
    /// Ed25519 private key.
    pub fn parse(text: &str) -> Result<Identity, String> {
        let mut keys: Vec<Box<dyn age::Identity + Send + Sync>> = Vec::new();
        let mut public = None;
        for line in text.lines().map(str::trim) {
            if line.starts_with("AGE-SECRET-KEY-") {
                let id = age::x25519::Identity::from_str(line)
                    .map_err(|e| format!("a line holds a malformed age secret key ({e})"))?;
                public.get_or_insert_with(|| id.to_public().to_string());
                keys.push(Box::new(id));
            }
        }
        if keys.is_empty() && text.contains("OPENSSH PRIVATE KEY") {
            let id = age::ssh::Identity::from_buffer(text.as_bytes(), None)
                .map_err(|e| format!("not a readable OpenSSH private key ({e})"))?;
            match id {
                age::ssh::Identity::Unencrypted(_) => keys.push(Box::new(id)),
                _ => {
                    return Err("an encrypted or unsupported ssh key: lsms reads an unencrypted \
                                ssh-ed25519 key, or an age identity (`lsms keys new`)"
                        .into());
                }
            }
        }
        if keys.is_empty() {
            return Err("it holds no key: an age identity has an AGE-SECRET-KEY-1… line".into());
        }
        Ok(Identity { keys, public })
    }

    fn age(&self) -> impl Iterator<Item = &dyn age::Identity> {
        self.keys.iter().map(|k| k.as_ref() as &dyn age::Identity)
    }
}

fn age_encrypt(to: &[&Recipient], plain: &[u8]) -> Result<Vec<u8>, String> {
    let enc = age::Encryptor::with_recipients(to.iter().map(|r| r.key.as_ref() as &dyn age::Recipient))
        .map_err(|e| format!("cannot wrap to the recipients: {e}"))?;
    let mut out = Vec::with_capacity(plain.len() + 256);
    let mut w = enc.wrap_output(&mut out).map_err(|e| e.to_string())?;
    w.write_all(plain).map_err(|e| e.to_string())?;
    w.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

fn age_decrypt(id: &Identity, bytes: &[u8], limit: usize) -> Option<Vec<u8>> {
    let dec = age::Decryptor::new_buffered(bytes).ok()?;
    let mut r = dec.decrypt(id.age()).ok()?;
    let mut out = Vec::new();
    (&mut r).take(limit as u64 + 1).read_to_end(&mut out).ok()?;
    (out.len() <= limit).then_some(out)
}

/// How an age file begins: a sealed evidence file is told from a plain
/// one by these bytes (a plain file that happens to begin so is read as
/// sealed, and does not open: `evidence verify` names it).
pub const AGE_MAGIC: &[u8] = b"age-encryption.org/v1\n";

/// A writer that seals what passes through it to the recipients, in
/// age's 64 KiB chunks: the memory is flat whatever the size.
pub fn seal_stream<W: Write>(to: &[Recipient], out: W) -> std::io::Result<age::stream::StreamWriter<W>> {
    let enc = age::Encryptor::with_recipients(to.iter().map(|r| r.key.as_ref() as &dyn age::Recipient))
        .map_err(|e| std::io::Error::other(format!("cannot seal to the recipients: {e}")))?;
    enc.wrap_output(out)
}

/// A reader that opens a sealed stream with `id`, chunk by chunk.
pub fn open_stream<R: Read>(id: &Identity, r: R) -> Result<age::stream::StreamReader<R>, NotOpened> {
    let dec = age::Decryptor::new(r).map_err(|_| NotOpened::Broken)?;
    match dec.decrypt(id.age()) {
        Ok(r) => Ok(r),
        Err(age::DecryptError::NoMatchingKeys) => Err(NotOpened::NotForYou),
        Err(_) => Err(NotOpened::Broken),
    }
}

/// The data key wrapped to one recipient: one line of base64.
pub fn wrap(key: &DataKey, to: &Recipient) -> Result<String, String> {
    Ok(B64.encode(age_encrypt(&[to], &key.0)?))
}

/// The data key from one wrapped line, where it was wrapped to `id`.
pub fn unwrap(wrapped: &str, id: &Identity) -> Option<DataKey> {
    let bytes = B64.decode(wrapped.trim()).ok()?;
    let key = age_decrypt(id, &bytes, 32)?;
    Some(DataKey(key.try_into().ok()?))
}

/// What binds a sealed value to its place: the incident's id and the
/// field's declared path.
fn bound(id: &str, path: &str) -> Vec<u8> {
    format!("lsms-seal-v1\0{id}\0{path}\0").into_bytes()
}

/// Seals `plain` under the incident's data key, bound to `id` and `path`.
pub fn seal(key: &DataKey, id: &str, path: &str, plain: &str) -> String {
    let cipher = XChaCha20Poly1305::new((&key.0).into());
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let aad = bound(id, path);
    let ct = cipher
        .encrypt(&nonce, Payload { msg: plain.as_bytes(), aad: &aad })
        .expect("XChaCha20-Poly1305 encrypts any length lsms writes");
    let mut raw = nonce.to_vec();
    raw.extend_from_slice(&ct);
    format!("{V1}{}", B64.encode(raw))
}

/// Seals `plain` on its own to the recipients, bound to `id` and `path`.
pub fn seal_alone(to: &[&Recipient], id: &str, path: &str, plain: &str) -> Result<String, String> {
    let mut body = bound(id, path);
    body.extend_from_slice(plain.as_bytes());
    Ok(format!("{ALONE}{}", B64.encode(age_encrypt(to, &body)?)))
}

/// Why a sealed value did not open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotOpened {
    /// It does not open: changed, cut short, or moved from another field
    /// or incident.
    Broken,
    /// It is sealed on its own to recipients among whom this identity is not.
    NotForYou,
}

/// Opens a sealed value of either form at `path` of incident `id`.
pub fn open(
    key: Option<&DataKey>,
    me: &Identity,
    id: &str,
    path: &str,
    sealed: &str,
) -> Result<String, NotOpened> {
    if let Some(b) = sealed.strip_prefix(V1) {
        let key = key.ok_or(NotOpened::NotForYou)?;
        let raw = B64.decode(b).map_err(|_| NotOpened::Broken)?;
        if raw.len() < 24 + 16 {
            return Err(NotOpened::Broken);
        }
        let (nonce, ct) = raw.split_at(24);
        let cipher = XChaCha20Poly1305::new((&key.0).into());
        let aad = bound(id, path);
        let plain = cipher
            .decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad: &aad })
            .map_err(|_| NotOpened::Broken)?;
        return String::from_utf8(plain).map_err(|_| NotOpened::Broken);
    }
    if let Some(b) = sealed.strip_prefix(ALONE) {
        let raw = B64.decode(b).map_err(|_| NotOpened::Broken)?;
        // An age file that does not parse is broken; one that parses but
        // has no stanza for this identity is not for it.
        let dec = age::Decryptor::new_buffered(raw.as_slice()).map_err(|_| NotOpened::Broken)?;
        let mut r = match dec.decrypt(me.age()) {
            Ok(r) => r,
            Err(age::DecryptError::NoMatchingKeys) => return Err(NotOpened::NotForYou),
            Err(_) => return Err(NotOpened::Broken),
        };
        let mut body = Vec::new();
        r.read_to_end(&mut body).map_err(|_| NotOpened::Broken)?;
        let want = bound(id, path);
        let text = body.strip_prefix(want.as_slice()).ok_or(NotOpened::Broken)?;
        return String::from_utf8(text.to_vec()).map_err(|_| NotOpened::Broken);
    }
    Err(NotOpened::Broken)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn me() -> (Identity, Recipient) {
        let (text, public) = new_identity("test");
        (Identity::parse(&text).unwrap(), Recipient::parse(&public).unwrap())
    }

    #[test]
    fn a_value_opens_only_where_it_was_sealed() {
        let (id, r) = me();
        let key = DataKey::new();
        let s = seal(&key, "20261124-7QF3", "summary", "Jo Bloggs was hit");
        // Long enough that random base64 never holds it by chance ("Jo"
        // did, once in about sixty runs).
        assert!(!s.contains("Jo Bloggs") && !s.contains("Bloggs was"));
        assert_eq!(open(Some(&key), &id, "20261124-7QF3", "summary", &s).unwrap(), "Jo Bloggs was hit");
        assert_eq!(open(Some(&key), &id, "20261124-7QF3", "location", &s), Err(NotOpened::Broken));
        assert_eq!(open(Some(&key), &id, "20261124-7QF4", "summary", &s), Err(NotOpened::Broken));
        assert_eq!(
            open(Some(&key), &id, "20261124-7QF3", "summary", &s[..s.len() - 2]),
            Err(NotOpened::Broken)
        );
        let wrapped = wrap(&key, &r).unwrap();
        assert_eq!(unwrap(&wrapped, &id), Some(key.clone()));
        let (other, _) = me();
        assert_eq!(unwrap(&wrapped, &other), None);
        let alone = seal_alone(&[&r], "20261124-7QF3", "history.detail", "Called back").unwrap();
        assert_eq!(open(None, &id, "20261124-7QF3", "history.detail", &alone).unwrap(), "Called back");
        assert_eq!(open(None, &id, "20261124-7QF3", "summary", &alone), Err(NotOpened::Broken));
        assert_eq!(open(None, &other, "20261124-7QF3", "history.detail", &alone), Err(NotOpened::NotForYou));
    }

    /// A key pair made for this test alone (ssh-keygen -t ed25519 -N '').
    const SSH_TEST_KEY: &str = "-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACAPtHajjC3m3obsDSae/GcRWGNyF+8T/ZZjkMAZwrcXJgAAAJAA0hExANIR
MQAAAAtzc2gtZWQyNTUxOQAAACAPtHajjC3m3obsDSae/GcRWGNyF+8T/ZZjkMAZwrcXJg
AAAEALMPlux6TTBaFzVB28uPYNYhLmFc1+YurmSEyhy6bSOA+0dqOMLebehuwNJp78ZxFY
Y3IX7xP9lmOQwBnCtxcmAAAACXRlc3Qtb25seQECAwQ=
-----END OPENSSH PRIVATE KEY-----
";
    const SSH_TEST_PUB: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA+0dqOMLebehuwNJp78ZxFYY3IX7xP9lmOQwBnCtxcm test-only";

    #[test]
    fn an_ssh_ed25519_recipient_opens_with_its_private_key() {
        let key = DataKey::new();
        let wrapped = wrap(&key, &Recipient::parse(SSH_TEST_PUB).unwrap()).unwrap();
        let id = Identity::parse(SSH_TEST_KEY).unwrap();
        assert_eq!(unwrap(&wrapped, &id), Some(key));
        let (other, _) = me();
        assert_eq!(unwrap(&wrapped, &other), None);
    }

    #[test]
    fn malformed_public_keys_are_named() {
        assert!(Recipient::parse("age1notakey").is_err());
        assert!(Recipient::parse("ssh-rsa AAAAB3Nza").is_err());
        assert!(Recipient::parse("ssh-ed25519 AAAAnot").is_err());
        assert!(Recipient::parse("").is_err());
    }
}
