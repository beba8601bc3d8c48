//! The `git` program, for stores kept in git: committing changes (with
//! git's plumbing, so that a commit costs the same on a register of
//! 100,000 files as on one of ten), registering the merge driver, and the
//! steps of `lsms sync`.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Who a commit is by: the actor, with the email `team:` gives them, or
/// none (never the machine's git user.email, which is someone else's).
#[derive(Debug, Clone)]
pub struct Ident {
    pub name: String,
    pub email: Option<String>,
}

fn spawn_err(e: std::io::Error) -> Error {
    Error::failed_with(
        format!("cannot run git: {e}"),
        "install git, or set `git: { commit: false }` in lsms.yaml",
    )
}

fn git(root: &Path, args: &[&str]) -> Result<Output> {
    Command::new("git").args(args).current_dir(root).output().map_err(spawn_err)
}

fn ok(out: Output, what: &str) -> Result<String> {
    if out.status.success() {
        return Ok(String::from_utf8_lossy(&out.stdout).trim().to_string());
    }
    Err(Error::failed(format!("git {what} failed: {}", String::from_utf8_lossy(&out.stderr).trim())))
}

pub fn in_work_tree(root: &Path) -> bool {
    git(root, &["rev-parse", "--is-inside-work-tree"])
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).trim() == "true")
}

/// A store's git repository: where its `.git` is, and the store's folder
/// within the work tree (`prefix`, empty or ending in `/`).
#[derive(Debug, Clone)]
pub struct Repo {
    pub root: PathBuf,
    pub git_dir: PathBuf,
    pub prefix: String,
    /// Objects are named by SHA-1 (git's default), which lsms can compute
    /// itself; otherwise (SHA-256) each tree is hashed by git.
    sha1: bool,
    /// Where git keeps its objects (`git rev-parse --git-path objects`).
    objects: PathBuf,
}

impl Repo {
    /// The repository around the store at `root`; an error naming
    /// `lsms init --git` when there is none.
    pub fn open(root: &Path) -> Result<Repo> {
        // A run asks once (a commit first checks, then commits).
        static OPENED: std::sync::Mutex<Option<Repo>> = std::sync::Mutex::new(None);
        let mut opened = OPENED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = opened.as_ref().filter(|r| r.root == root) {
            return Ok(r.clone());
        }
        let repo = Repo::ask(root)?;
        *opened = Some(repo.clone());
        Ok(repo)
    }

    fn ask(root: &Path) -> Result<Repo> {
        let out = git(
            root,
            &[
                "rev-parse",
                "--absolute-git-dir",
                "--show-prefix",
                "--is-inside-work-tree",
                "--show-object-format",
                "--git-path",
                "objects",
            ],
        )?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let mut lines = text.lines();
        match (out.status.success(), lines.next(), lines.next(), lines.next(), lines.next(), lines.next()) {
            (true, Some(dir), Some(prefix), Some("true"), format, Some(objects)) => Ok(Repo {
                root: root.to_path_buf(),
                git_dir: PathBuf::from(dir),
                prefix: prefix.to_string(),
                sha1: format == Some("sha1"),
                objects: root.join(objects),
            }),
            _ => Err(Error::failed_with(
                format!("{} is not in a git work tree", root.display()),
                "make it one with `lsms init --git`, or clone the team's register with `git clone`",
            )),
        }
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new("git");
        c.args(args).current_dir(&self.root);
        c
    }

    pub fn run(&self, args: &[&str]) -> Result<Output> {
        self.cmd(args).output().map_err(spawn_err)
    }

    /// Runs git and returns its trimmed stdout, or an error with its stderr.
    pub fn text(&self, args: &[&str]) -> Result<String> {
        ok(self.run(args)?, args.first().copied().unwrap_or("git"))
    }

    /// Is a merge under way (a sync that stopped at a conflict)?
    pub fn merging(&self) -> bool {
        self.git_dir.join("MERGE_HEAD").exists()
    }

    /// A store-relative path as the repository names it.
    pub fn full(&self, rel: &str) -> String {
        format!("{}{rel}", self.prefix)
    }

    /// A repository path as the store names it, if it is inside the store.
    pub fn rel<'a>(&self, full: &'a str) -> Option<&'a str> {
        full.strip_prefix(self.prefix.as_str())
    }

    /// Is a committer identity configured for this machine (git's
    /// user.name and user.email, or GIT_COMMITTER_*)? If not, commits are
    /// committed as the actor too.
    fn committer_configured(&self) -> bool {
        let env = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
        if env("GIT_COMMITTER_NAME") && env("GIT_COMMITTER_EMAIL") {
            return true;
        }
        let Ok(out) = self.run(&["config", "--get-regexp", r"^user\.(name|email)$"]) else { return false };
        let text = String::from_utf8_lossy(&out.stdout);
        let set = |k: &str| text.lines().any(|l| l.strip_prefix(k).is_some_and(|v| !v.trim().is_empty()));
        (env("GIT_COMMITTER_NAME") || set("user.name ")) && (env("GIT_COMMITTER_EMAIL") || set("user.email "))
    }

    /// Sets a command's author (and, when the machine has no identity of
    /// its own, its committer) to `who`.
    pub fn as_ident(&self, c: &mut Command, who: &Ident) {
        let email = who.email.clone().unwrap_or_default();
        c.env("GIT_AUTHOR_NAME", &who.name).env("GIT_AUTHOR_EMAIL", &email);
        if !self.committer_configured() {
            c.env("GIT_COMMITTER_NAME", &who.name).env("GIT_COMMITTER_EMAIL", &email);
        }
    }

    /// The commit HEAD names, if any (none on a new repository).
    pub fn head(&self) -> Option<String> {
        self.run(&["rev-parse", "-q", "--verify", "HEAD^{commit}"])
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    }

    /// Commits the store files `rels` (store-relative paths of files as they
    /// are now in the work tree), and only them, as `who`, with `message`.
    /// Writes the changed blobs and trees and moves the branch with git's
    /// plumbing, and sets those files' index entries, so that the cost does
    /// not grow with the number of files in the repository. Returns false
    /// when there was nothing to commit.
    pub fn commit_files(&self, rels: &[String], message: &str, who: &Ident) -> Result<bool> {
        self.commit_files_with(rels, &[], message, who)
    }

    /// [`Repo::commit_files`], with `objects` too: store files (evidence)
    /// hashed by git itself, streaming and through the filters that
    /// `.gitattributes` names (Git LFS stores the file and commits its
    /// pointer), as `git add` would.
    pub fn commit_files_with(
        &self,
        rels: &[String],
        objects: &[String],
        message: &str,
        who: &Ident,
    ) -> Result<bool> {
        if rels.is_empty() && objects.is_empty() {
            return Ok(false);
        }
        if self.merging() {
            return Err(Error::failed_with(
                "a sync stopped at a merge conflict, so lsms will not commit now",
                "finish it first: `lsms resolve ID --take ours|theirs` (or edit and `lsms check`), then `lsms sync --continue`",
            ));
        }
        let filtered = self.hash_files(objects, true)?;
        if self.sha1 {
            return self.commit_files_sha1(rels, filtered, message, who);
        }
        let mut updates = self.hash_files(rels, false)?;
        updates.extend(filtered);
        updates.sort();
        let committed = self.commit_tree_of(&updates, message, who)?;
        self.set_index(&updates)?;
        Ok(committed)
    }

    /// `commit_files` where objects are SHA-1: lsms names and stores the
    /// blobs and trees itself (loose objects, as git writes them), so that
    /// the only git beside the commit is the index update, the one step
    /// whose cost grows with the register, and it runs while the commit is
    /// written.
    /// Store files hashed into git's objects by `git hash-object`, with
    /// the filters of `.gitattributes` or without: (repository path, blob).
    fn hash_files(&self, rels: &[String], filters: bool) -> Result<Vec<(String, String)>> {
        if rels.is_empty() {
            return Ok(Vec::new());
        }
        let mut args = vec!["hash-object", "-w", "--stdin-paths"];
        if !filters {
            args.push("--no-filters");
        }
        // Store-relative paths, from the store's folder: git matches them
        // against .gitattributes as the repository names them.
        let blobs = pipe(&mut self.cmd(&args), rels.join("\n").as_bytes(), "hash-object")?;
        let blobs: Vec<&str> = blobs.lines().collect();
        if blobs.len() != rels.len() {
            return Err(Error::failed("git hash-object did not hash every file"));
        }
        Ok(rels.iter().zip(&blobs).map(|(r, b)| (self.full(r), b.to_string())).collect())
    }

    fn commit_files_sha1(
        &self,
        rels: &[String],
        filtered: Vec<(String, String)>,
        message: &str,
        who: &Ident,
    ) -> Result<bool> {
        let mut updates = filtered;
        for r in rels {
            let p = self.root.join(r);
            let bytes = std::fs::read(&p).map_err(Error::io("read", &p))?;
            updates.push((self.full(r), self.store_object("blob", &bytes)?));
        }
        let index = {
            let (repo, updates) = (self.clone(), updates.clone());
            std::thread::spawn(move || repo.set_index(&updates))
        };
        updates.sort();
        let result = (|| -> Result<Option<(String, Option<String>)>> {
            let (head, mut trees) = self.read_trees(&updates)?;
            let root_tree = trees.remove("").flatten();
            let mut written = Vec::new();
            let new_tree = build_local("", root_tree.as_ref(), &updates, &mut trees, &mut written)?;
            if root_tree.as_ref().map(|t| &t.sha) == Some(&new_tree) {
                return Ok(None);
            }
            for (name, bytes) in &written {
                if &self.store_object("tree", bytes)? != name {
                    return Err(Error::failed("a tree was named two ways: nothing was committed"));
                }
            }
            let mut args = vec!["commit-tree", new_tree.as_str(), "-m", message];
            if let Some(h) = &head {
                args.extend(["-p", h.as_str()]);
            }
            Ok(Some((self.commit_tree(&args, who)?, head)))
        })();
        index.join().unwrap_or_else(|_| Err(Error::failed("git update-index failed")))?;
        let Some((commit, head)) = result? else { return Ok(false) };
        let reflog = format!("commit: {message}");
        let old = head.clone().unwrap_or_default();
        let out = self.run(&["update-ref", "-m", &reflog, "HEAD", &commit, &old])?;
        if out.status.success() {
            return Ok(true);
        }
        // Another writer moved the branch: the slower way, which retries.
        self.commit_tree_of(&updates, message, who)
    }

    /// Stores an object as git does a loose one (`objects/ab/cdef…`, its
    /// header and content compressed with zlib, written whole then renamed
    /// into place) and returns its name. An object already there is kept.
    fn store_object(&self, kind: &str, content: &[u8]) -> Result<String> {
        let name = object_name(kind, content);
        let dir = self.objects.join(&name[..2]);
        let path = dir.join(&name[2..]);
        if path.exists() {
            return Ok(name);
        }
        std::fs::create_dir_all(&dir).map_err(Error::io("create the folder", &dir))?;
        let mut data = format!("{kind} {}\0", content.len()).into_bytes();
        data.extend_from_slice(content);
        static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // git's own prefix for temporary objects, which gc clears if left.
        let tmp = dir.join(format!("tmp_obj_lsms_{}_{n}", std::process::id()));
        let written = (|| {
            use std::os::unix::fs::OpenOptionsExt;
            let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o444).open(&tmp)?;
            f.write_all(&zlib_stored(&data))?;
            drop(f);
            std::fs::rename(&tmp, &path)
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(Error::io("write", &path)(e));
        }
        Ok(name)
    }

    /// Writes the trees of HEAD with `updates`, commits them, and moves
    /// the branch; false when the tree is HEAD's already.
    fn commit_tree_of(&self, updates: &[(String, String)], message: &str, who: &Ident) -> Result<bool> {
        // A lost race with another writer of the branch is tried again.
        for _ in 0..5 {
            let (head, mut trees) = self.read_trees(updates)?;
            let root_tree = trees.remove("").flatten();
            let new_tree = self.build("", root_tree.as_ref(), updates, &mut trees)?;
            if root_tree.as_ref().map(|t| &t.sha) == Some(&new_tree) {
                return Ok(false);
            }
            let mut args = vec!["commit-tree", new_tree.as_str(), "-m", message];
            if let Some(h) = &head {
                args.extend(["-p", h.as_str()]);
            }
            let commit = self.commit_tree(&args, who)?;
            let reflog = format!("commit: {message}");
            let old = head.clone().unwrap_or_default();
            let out = self.run(&["update-ref", "-m", &reflog, "HEAD", &commit, &old])?;
            if out.status.success() {
                return Ok(true);
            }
        }
        Err(Error::failed_with(
            "the branch kept moving while lsms committed: the files are written but not committed",
            "commit them with `lsms sync`, or by hand with git",
        ))
    }

    /// Runs commit-tree as `who`: committed by this machine's identity where
    /// one is configured (never guessed), else by `who` too.
    fn commit_tree(&self, args: &[&str], who: &Ident) -> Result<String> {
        let email = who.email.clone().unwrap_or_default();
        let env = |c: &mut Command| {
            c.env("GIT_AUTHOR_NAME", &who.name).env("GIT_AUTHOR_EMAIL", &email);
        };
        let mut first = vec!["-c", "user.useConfigOnly=true"];
        first.extend_from_slice(args);
        let mut c = self.cmd(&first);
        env(&mut c);
        let out = c.output().map_err(spawn_err)?;
        if out.status.success() {
            return ok(out, "commit-tree");
        }
        let mut c = self.cmd(args);
        env(&mut c);
        c.env("GIT_COMMITTER_NAME", &who.name).env("GIT_COMMITTER_EMAIL", &email);
        ok(c.output().map_err(spawn_err)?, "commit-tree")
    }

    /// Points the index entries of `updates` at their new blobs.
    fn set_index(&self, updates: &[(String, String)]) -> Result<()> {
        let info: String = updates.iter().map(|(p, b)| format!("100644 {b}\t{p}\n")).collect();
        let mut c = self.cmd(&["update-index", "--add", "--index-info"]);
        pipe(&mut c, info.as_bytes(), "update-index").map(|_| ())
    }

    /// The commit HEAD names (none on a new repository), and the trees on
    /// the way to each updated path as it has them (`None`: not there), by
    /// folder ("" is the root): all read by one git.
    #[allow(clippy::type_complexity)]
    fn read_trees(
        &self,
        updates: &[(String, String)],
    ) -> Result<(Option<String>, std::collections::HashMap<String, Option<Tree>>)> {
        let mut dirs: Vec<String> = vec![String::new()];
        for (p, _) in updates {
            let mut at = 0;
            while let Some(i) = p[at..].find('/') {
                let d = p[..at + i].to_string();
                if !dirs.contains(&d) {
                    dirs.push(d);
                }
                at += i + 1;
            }
        }
        let mut trees = std::collections::HashMap::new();
        let input: String =
            std::iter::once("HEAD\n".to_string()).chain(dirs.iter().map(|d| format!("HEAD:{d}\n"))).collect();
        let mut c = self.cmd(&["cat-file", "--batch"]);
        let out = pipe_bytes(&mut c, input.as_bytes(), "cat-file")?;
        let nl = out.iter().position(|&b| b == b'\n').unwrap_or(out.len());
        let header = String::from_utf8_lossy(&out[..nl]).into_owned();
        let parts: Vec<&str> = header.split(' ').collect();
        let head = match parts[..] {
            [sha, "commit", size] => {
                let size: usize = size.parse().unwrap_or(0);
                let sha = sha.to_string();
                (Some(sha), (nl + 1 + size + 1).min(out.len()))
            }
            _ => (None, (nl + 1).min(out.len())),
        };
        let (head, start) = head;
        let Some(head) = head else {
            dirs.into_iter().for_each(|d| drop(trees.insert(d, None)));
            return Ok((None, trees));
        };
        let hash_len = head.len() / 2;
        let mut rest = &out[start..];
        for d in dirs {
            let nl = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            let header = String::from_utf8_lossy(&rest[..nl]).into_owned();
            rest = &rest[(nl + 1).min(rest.len())..];
            let parts: Vec<&str> = header.split(' ').collect();
            if parts.len() == 3 && parts[1] == "tree" {
                let size: usize = parts[2].parse().unwrap_or(0);
                let body = &rest[..size.min(rest.len())];
                rest = &rest[(size + 1).min(rest.len())..];
                trees
                    .insert(d, Some(Tree { sha: parts[0].to_string(), entries: parse_tree(body, hash_len) }));
            } else if parts.len() == 3 {
                return Err(Error::failed(format!("git: {d} is a {} in HEAD, not a folder", parts[1])));
            } else {
                trees.insert(d, None);
            }
        }
        Ok((Some(head), trees))
    }

    /// Writes the tree of folder `dir` with `updates` (paths under it)
    /// applied to `old` through `git hash-object` (which checks its form:
    /// mktree would look up every entry, a cost that grows with the folder
    /// and the number of loose objects), and returns its name.
    fn build(
        &self,
        dir: &str,
        old: Option<&Tree>,
        updates: &[(String, String)],
        trees: &mut std::collections::HashMap<String, Option<Tree>>,
    ) -> Result<String> {
        build_tree(dir, old, updates, trees, &mut |bytes| {
            let mut c = self.cmd(&["hash-object", "-w", "-t", "tree", "--stdin"]);
            pipe(&mut c, &bytes, "hash-object")
        })
    }
}

/// A tree's content in git's form: entries by name (a folder's name as if
/// it ended in '/'), each `mode SP name NUL hash`.
fn tree_bytes(entries: &mut [Entry]) -> Result<Vec<u8>> {
    entries.sort_by_key(|e| {
        let mut k = e.name.as_bytes().to_vec();
        if e.mode == "040000" {
            k.push(b'/');
        }
        k
    });
    let mut out = Vec::new();
    for e in entries.iter() {
        out.extend_from_slice(e.mode.trim_start_matches('0').as_bytes());
        out.push(b' ');
        out.extend_from_slice(e.name.as_bytes());
        out.push(0);
        out.extend(
            unhex(&e.sha).ok_or_else(|| Error::failed(format!("git gave a bad object name {}", e.sha)))?,
        );
    }
    Ok(out)
}

/// The tree of folder `dir` with `updates` applied to `old`, named by
/// lsms; each new tree's name and content is pushed to `written`.
fn build_local(
    dir: &str,
    old: Option<&Tree>,
    updates: &[(String, String)],
    trees: &mut std::collections::HashMap<String, Option<Tree>>,
    written: &mut Vec<(String, Vec<u8>)>,
) -> Result<String> {
    build_tree(dir, old, updates, trees, &mut |bytes| {
        let name = object_name("tree", &bytes);
        written.push((name.clone(), bytes));
        Ok(name)
    })
}

/// The tree of folder `dir` with `updates` (paths under it) applied to
/// `old`, its subfolders first; `write` stores each new tree's content in
/// git's form and gives its name. An unchanged tree keeps its name.
fn build_tree(
    dir: &str,
    old: Option<&Tree>,
    updates: &[(String, String)],
    trees: &mut std::collections::HashMap<String, Option<Tree>>,
    write: &mut dyn FnMut(Vec<u8>) -> Result<String>,
) -> Result<String> {
    let mut entries: Vec<Entry> = old.map(|t| t.entries.clone()).unwrap_or_default();
    let base = if dir.is_empty() { String::new() } else { format!("{dir}/") };
    let mut i = 0;
    while i < updates.len() {
        let rest = &updates[i].0[base.len()..];
        match rest.split_once('/') {
            None => {
                set_entry(
                    &mut entries,
                    Entry { mode: "100644".into(), sha: updates[i].1.clone(), name: rest.into() },
                );
                i += 1;
            }
            Some((sub, _)) => {
                let child = format!("{base}{sub}");
                let prefix = format!("{child}/");
                let n = updates[i..].iter().take_while(|(p, _)| p.starts_with(&prefix)).count();
                let old_child = trees.remove(&child).flatten();
                let sha = build_tree(&child, old_child.as_ref(), &updates[i..i + n], trees, write)?;
                set_entry(&mut entries, Entry { mode: "040000".into(), sha, name: sub.into() });
                i += n;
            }
        }
    }
    if let Some(t) = old
        && t.entries == entries
    {
        return Ok(t.sha.clone());
    }
    write(tree_bytes(&mut entries)?)
}

/// Git's SHA-1 name of an object: of `<kind> <size>\0<content>`.
pub fn object_name(kind: &str, content: &[u8]) -> String {
    let mut data = format!("{kind} {}\0", content.len()).into_bytes();
    data.extend_from_slice(content);
    sha1(&data).iter().map(|b| format!("{b:02x}")).collect()
}

/// A zlib stream (RFC 1950) of `data` in stored (uncompressed) deflate
/// blocks: what git reads for any loose object, and quick to make.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + data.len() / 65535 * 5 + 11);
    out.extend_from_slice(&[0x78, 0x01]);
    let chunks: Vec<&[u8]> = if data.is_empty() { vec![&[][..]] } else { data.chunks(65535).collect() };
    for (i, c) in chunks.iter().enumerate() {
        out.push(u8::from(i + 1 == chunks.len()));
        let len = c.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(c);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &x in data {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

/// SHA-1 (FIPS 180-4), for naming git objects; not for security.
fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    for chunk in msg.chunks(64) {
        let mut w = [0u32; 80];
        for (i, word) in chunk.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let t = a.rotate_left(5).wrapping_add(f).wrapping_add(e).wrapping_add(k).wrapping_add(*wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 20];
    for (i, x) in h.iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&x.to_be_bytes());
    }
    out
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    (0..s.len()).step_by(2).map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect()
}

#[derive(Debug, Clone)]
struct Tree {
    sha: String,
    entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq)]
struct Entry {
    mode: String,
    sha: String,
    name: String,
}

fn set_entry(entries: &mut Vec<Entry>, e: Entry) {
    match entries.iter_mut().find(|x| x.name == e.name) {
        Some(x) => *x = e,
        None => entries.push(e),
    }
}

/// A tree object's entries: `mode SP name NUL hash`, the hash raw.
fn parse_tree(mut body: &[u8], hash_len: usize) -> Vec<Entry> {
    let mut out = Vec::new();
    while let Some(sp) = body.iter().position(|&b| b == b' ') {
        let Some(nul) = body[sp..].iter().position(|&b| b == 0).map(|n| sp + n) else { break };
        if body.len() < nul + 1 + hash_len {
            break;
        }
        let mode = String::from_utf8_lossy(&body[..sp]).into_owned();
        let mode = if mode == "40000" { "040000".to_string() } else { mode };
        let name = String::from_utf8_lossy(&body[sp + 1..nul]).into_owned();
        let sha: String = body[nul + 1..nul + 1 + hash_len].iter().map(|b| format!("{b:02x}")).collect();
        out.push(Entry { mode, sha, name });
        body = &body[nul + 1 + hash_len..];
    }
    out
}

fn pipe_bytes(c: &mut Command, input: &[u8], what: &str) -> Result<Vec<u8>> {
    let mut child =
        c.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().map_err(spawn_err)?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().map_err(spawn_err)?;
    let _ = writer.join();
    if !out.status.success() {
        return Err(Error::failed(format!(
            "git {what} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(out.stdout)
}

fn pipe(c: &mut Command, input: &[u8], what: &str) -> Result<String> {
    pipe_bytes(c, input, what).map(|o| String::from_utf8_lossy(&o).trim().to_string())
}

/// Refuses, before anything is written, a store that should commit but is
/// not in a git work tree, or is in the middle of a merge.
pub fn require_work_tree(root: &Path) -> Result<()> {
    let repo = Repo::open(root).map_err(|_| {
        Error::failed_with(
            format!("{} is not in a git work tree, but committing is on", root.display()),
            "make it one with `lsms init --git`, or set `git: { commit: false }` in lsms.yaml",
        )
    })?;
    if repo.merging() {
        return Err(Error::failed_with(
            "a sync stopped at a merge conflict, so lsms will not commit now",
            "finish it first: `lsms resolve ID --take ours|theirs` (or edit and `lsms check`), then `lsms sync --continue`",
        ));
    }
    Ok(())
}

/// Commits store files, and only them, as `who`. The message holds no
/// personal data: `<id>: <action>`.
pub fn commit(root: &Path, rels: &[String], message: &str, who: &Ident) -> Result<()> {
    let repo = Repo::open(root)?;
    repo.commit_files(rels, message, who).map(|_| ()).map_err(|e| {
        Error::failed_with(
            format!("{} written but not committed: {e}", rels.join(", ")),
            "commit with `lsms sync`, or by hand with git",
        )
    })
}

pub const ATTRIBUTES: &str = "incidents/**/*.yaml merge=lsms\n";

/// Evidence files through Git LFS, where it is installed.
pub const LFS_ATTRIBUTES: &str = "evidence/** filter=lfs diff=lfs merge=lfs -text\n";

/// Is Git LFS installed (`git lfs version` runs)?
pub fn lfs_installed(root: &Path) -> bool {
    git(root, &["lfs", "version"]).is_ok_and(|o| o.status.success())
}

/// The merge driver as registered: by command name, found on PATH when git
/// runs it, so that it does not point into one build's folder.
pub const DRIVER: &str = "lsms merge-file %O %A %B %P";

/// Is `lsms` on PATH, where git will look for the merge driver?
pub fn lsms_on_path() -> bool {
    std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|d| {
            use std::os::unix::fs::PermissionsExt;
            std::fs::metadata(d.join("lsms"))
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
    })
}

/// What `setup` did.
pub struct Setup {
    /// A new repository was made.
    pub fresh: bool,
    /// .gitattributes was written (so it wants committing).
    pub attributes_written: bool,
    /// Evidence files go through Git LFS (it is installed and set up).
    pub lfs: bool,
}

/// Makes `root` a git repository (or uses the one around it), registers
/// `lsms merge-file` as the merge driver for incident files, and sets
/// git's settings for a work tree of many files.
pub fn setup(root: &Path) -> Result<Setup> {
    let fresh = !in_work_tree(root);
    if fresh {
        ok(git(root, &["init", "--quiet"])?, "init")?;
    }
    let lfs = lfs_installed(root);
    if lfs {
        // The repository's own config and hooks, never the user's.
        ok(git(root, &["lfs", "install", "--local"])?, "lfs install")?;
    }
    let attrs = root.join(".gitattributes");
    let text = std::fs::read_to_string(&attrs).unwrap_or_default();
    let mut new = text.clone();
    for (line, wanted) in [(ATTRIBUTES, true), (LFS_ATTRIBUTES, lfs)] {
        if wanted && !new.lines().any(|l| l.trim() == line.trim()) {
            if !new.is_empty() && !new.ends_with('\n') {
                new.push('\n');
            }
            new.push_str(line);
        }
    }
    let attributes_written = new != text;
    if attributes_written {
        super::fsio::write_atomic(&attrs, new.as_bytes(), super::Mode::Replace)
            .map_err(Error::io("write", &attrs))?;
    }
    register(root)?;
    Ok(Setup { fresh, attributes_written, lfs })
}

/// Registers the merge driver and the many-files settings in the
/// repository's own config (idempotent, and cheap when already done).
pub fn register(root: &Path) -> Result<()> {
    let current = git(root, &["config", "--get", "merge.lsms.driver"])?;
    if current.status.success() && String::from_utf8_lossy(&current.stdout).trim() == DRIVER {
        return Ok(());
    }
    for (k, v) in [
        ("merge.lsms.name", "lsms incident merge"),
        ("merge.lsms.driver", DRIVER),
        // A register grows to many files: a smaller index that is quicker
        // to write, and status that skips unchanged folders.
        ("feature.manyFiles", "true"),
        ("core.untrackedCache", "true"),
    ] {
        ok(git(root, &["config", k, v])?, "config")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_objects_as_git_does() {
        assert_eq!(
            sha1(b"abc").iter().map(|b| format!("{b:02x}")).collect::<String>(),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(object_name("blob", b"hello\n"), "ce013625030ba8dba906f756967f9e9ca394464a");
        assert_eq!(object_name("tree", b""), "4b825dc642cb6eb9a060e54bf8d69288fbee4904");
        let long = vec![b'x'; 1000];
        assert_eq!(object_name("blob", &long).len(), 40);
    }

    #[test]
    fn orders_tree_entries_as_git_does() {
        let e = |mode: &str, name: &str| Entry { mode: mode.into(), sha: "00".repeat(20), name: name.into() };
        let mut v = vec![e("100644", "a.yaml"), e("040000", "a"), e("100644", "a-b")];
        tree_bytes(&mut v).unwrap();
        let names: Vec<&str> = v.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["a-b", "a.yaml", "a"], "a folder sorts as 'a/'");
    }
}
