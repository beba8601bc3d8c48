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
    /// The commit HEAD named when this run last looked (`Some(None)`: no
    /// commit yet), for the next commit to start from without asking
    /// again; taken by it. Only a guess: `git update-ref` refuses to move
    /// the branch from any other commit than the one given, and the
    /// commit is then made again from HEAD as it is.
    seen: std::sync::Arc<std::sync::Mutex<Option<Option<String>>>>,
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
        let args = ["rev-parse", "--absolute-git-dir", "--show-prefix", "--is-inside-work-tree"];
        // HEAD's commit too, which fails (after the rest) while there is none.
        let out = git(root, &[&args[..], &["-q", "--verify", "HEAD^{commit}"]].concat())?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let mut lines = text.lines();
        match (lines.next(), lines.next(), lines.next(), lines.next()) {
            (Some(dir), Some(prefix), Some("true"), head) => Ok(Repo {
                root: root.to_path_buf(),
                git_dir: PathBuf::from(dir),
                prefix: prefix.to_string(),
                seen: std::sync::Arc::new(std::sync::Mutex::new(Some(
                    head.filter(|_| out.status.success()).map(str::to_string),
                ))),
            }),
            _ => Err(Error::failed_with(
                format!("{} is not in a git work tree", root.display()),
                "make it one with `lsms init --git`, or clone the team's register with `git clone`",
            )),
        }
    }

    /// git with `args`, in the store's folder. What it does may move HEAD,
    /// so the next commit asks where HEAD is.
    pub fn cmd(&self, args: &[&str]) -> Command {
        if let Ok(mut seen) = self.seen.lock() {
            *seen = None;
        }
        self.plumbing(args)
    }

    /// git with `args`, for the steps of a commit, which know what they
    /// do to HEAD.
    fn plumbing(&self, args: &[&str]) -> Command {
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

    /// Does the index hold stage `n` (2 ours, 3 theirs) of the
    /// conflicted repository path `full`?
    pub fn staged(&self, n: u8, full: &str) -> bool {
        self.run(&["cat-file", "-e", &format!(":{n}:{full}")]).is_ok_and(|o| o.status.success())
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
    ///
    /// Every object is written by git: the blobs by `git hash-object`, the
    /// trees on the way to the changed paths (only those) by one `git
    /// mktree --batch` from the entries one `git ls-tree` read, the commit
    /// by `git commit-tree`; `git update-ref`, given the commit it read,
    /// moves the branch only if no one else moved it meanwhile, and `git
    /// update-index` sets the changed paths' index entries while the rest
    /// runs. The same for SHA-1 and SHA-256 repositories.
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
        let paths: Vec<String> = objects.iter().chain(rels).map(|r| self.full(r)).collect();
        let folders = folders(&paths);
        // update-index reads the index (what grows with the register) while
        // the files are hashed, and is told the new entries once they are.
        let mut index = self
            .plumbing(&["update-index", "--add", "--index-info"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(spawn_err)?;
        // HEAD's trees are read while the files are hashed.
        let (blobs, first) = std::thread::scope(|s| {
            let read = s.spawn(|| {
                let head = self.seen.lock().ok().and_then(|mut s| s.take()).unwrap_or_else(|| self.head());
                let old = self.read_trees(head.as_deref(), &folders)?;
                Ok((head, old))
            });
            let blobs = (|| {
                let mut updates = self.hash_files(objects, true)?;
                updates.extend(self.hash_files(rels, false)?);
                Ok::<_, Error>(updates)
            })();
            (blobs, read.join().unwrap_or_else(|_| Err(Error::failed("git ls-tree failed"))))
        });
        let (updates, first) = match blobs.and_then(|b| Ok((b, first?))) {
            Ok(read) => read,
            Err(e) => {
                // No entry given: update-index leaves the index as it was.
                drop(index.stdin.take());
                let _ = index.wait();
                return Err(e);
            }
        };
        let mut updates = updates;
        // One entry a path, the last hashed kept.
        updates.reverse();
        updates.sort_by(|a, b| a.0.cmp(&b.0));
        updates.dedup_by(|a, b| a.0 == b.0);
        // The index is set while the trees and the commit are written.
        std::thread::scope(|s| {
            let index = s.spawn(|| set_index(index, &updates));
            let committed = self.commit_tree_of(&updates, &folders, first, message, who);
            let indexed = index.join().unwrap_or_else(|_| Err(Error::failed("git update-index failed")));
            let committed = committed?;
            indexed?;
            Ok(committed)
        })
    }

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
        // Paths as the repository names them: git reads them from the top
        // of the work tree (wherever it is run), and matches them against
        // .gitattributes so.
        let full: Vec<String> = rels.iter().map(|r| self.full(r)).collect();
        let blobs = pipe(&mut self.plumbing(&args), full.join("\n").as_bytes(), "hash-object")?;
        let blobs: Vec<&str> = blobs.lines().collect();
        if blobs.len() != full.len() {
            return Err(Error::failed("git hash-object did not hash every file"));
        }
        Ok(full.into_iter().zip(blobs).map(|(p, b)| (p, b.to_string())).collect())
    }

    /// Writes the trees of HEAD with `updates` (sorted, one a path, in
    /// `folders`), commits them, and moves the branch; false when the tree
    /// is HEAD's already. `first` is HEAD and its trees as read before.
    fn commit_tree_of(
        &self,
        updates: &[(String, String)],
        folders: &[String],
        first: (Option<String>, Listing),
        message: &str,
        who: &Ident,
    ) -> Result<bool> {
        let mut first = Some(first);
        // A lost race with another writer of the branch is tried again.
        for _ in 0..5 {
            let (head, old) = match first.take() {
                Some(read) => read,
                None => {
                    let head = self.head();
                    let old = self.read_trees(head.as_deref(), folders)?;
                    (head, old)
                }
            };
            let Some(new_tree) = self.write_trees(folders, &old, updates)? else {
                return Ok(false);
            };
            let mut args = vec!["commit-tree", new_tree.as_str(), "-m", message];
            if let Some(h) = &head {
                args.extend(["-p", h.as_str()]);
            }
            let commit = self.commit_tree(&args, who)?;
            let reflog = format!("commit: {message}");
            let expected = head.clone().unwrap_or_default();
            let out = self
                .plumbing(&["update-ref", "-m", &reflog, "HEAD", &commit, &expected])
                .output()
                .map_err(spawn_err)?;
            if out.status.success() {
                if let Ok(mut seen) = self.seen.lock() {
                    *seen = Some(Some(commit));
                }
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
        let mut c = self.plumbing(&first);
        env(&mut c);
        let out = c.output().map_err(spawn_err)?;
        if out.status.success() {
            return ok(out, "commit-tree");
        }
        let mut c = self.plumbing(args);
        env(&mut c);
        c.env("GIT_COMMITTER_NAME", &who.name).env("GIT_COMMITTER_EMAIL", &email);
        ok(c.output().map_err(spawn_err)?, "commit-tree")
    }

    /// The entries of each of `folders` in commit `head`, as `git ls-tree`
    /// gives them, all read by one git: the root's, and those of every
    /// folder on the way to a changed path (`--full-tree .` lists the
    /// root and, with `-t`, each folder it goes into on the way to the
    /// others; no folder beside the way is opened).
    fn read_trees(&self, head: Option<&str>, folders: &[String]) -> Result<Listing> {
        let Some(head) = head else { return Ok(Listing::new()) };
        let mut args = vec!["--literal-pathspecs", "ls-tree", "-z", "-t", "--full-tree", head, "--", "."];
        let specs: Vec<String> = folders.iter().filter(|d| !d.is_empty()).map(|d| format!("{d}/")).collect();
        args.extend(specs.iter().map(String::as_str));
        let out = self.plumbing(&args).output().map_err(spawn_err)?;
        if !out.status.success() {
            return Err(Error::failed(format!(
                "git ls-tree failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        parse_listing(&String::from_utf8_lossy(&out.stdout), folders)
    }

    /// Writes the trees of `folders` (deepest first, the root last): each
    /// folder's entries in `old` with `updates` and the new subfolders
    /// put in, by one `git mktree --batch` that names each tree as it is
    /// written. Returns the root tree, or none when nothing changed (HEAD's
    /// tree is the one wanted already). A folder that did not change keeps
    /// its tree.
    fn write_trees(
        &self,
        folders: &[String],
        old: &Listing,
        updates: &[(String, String)],
    ) -> Result<Option<String>> {
        let mut new = old.clone();
        for (path, blob) in updates {
            let (dir, name) = split(path);
            new.entry(dir.to_string()).or_default().insert(name.to_string(), format!("100644 blob {blob}"));
        }
        let mut mktree: Option<Batch> = None;
        let result = (|| {
            for dir in folders {
                let entries = new.get(dir).cloned().unwrap_or_default();
                let unchanged = old.get(dir) == Some(&entries);
                if dir.is_empty() {
                    if unchanged {
                        return Ok(None);
                    }
                } else if unchanged {
                    continue;
                }
                if mktree.is_none() {
                    mktree = Some(Batch::start(self.plumbing(&["mktree", "-z", "--missing", "--batch"]))?);
                }
                let batch = mktree.as_mut().ok_or_else(|| Error::failed("git mktree did not start"))?;
                let mut input = Vec::new();
                for (name, head) in &entries {
                    input.extend_from_slice(format!("{head}\t{name}\0").as_bytes());
                }
                // An empty entry ends a tree.
                input.push(0);
                let tree =
                    batch.ask(&input).filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_hexdigit()));
                let Some(tree) = tree else {
                    return Err(Error::failed("git mktree did not write a tree"));
                };
                if dir.is_empty() {
                    return Ok(Some(tree));
                }
                let (parent, name) = split(dir);
                new.entry(parent.to_string())
                    .or_default()
                    .insert(name.to_string(), format!("040000 tree {tree}"));
            }
            Err(Error::failed("no root tree was written"))
        })();
        if let Some(batch) = mktree {
            let finished = batch.finish("mktree");
            if result.is_err() {
                finished?;
            }
        }
        result
    }
}

/// A git that answers a line for each request written to it (`git mktree
/// --batch`), kept running for a commit's requests.
struct Batch {
    child: std::process::Child,
    out: std::io::BufReader<std::process::ChildStdout>,
}

impl Batch {
    fn start(mut c: Command) -> Result<Batch> {
        let mut child = c
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(spawn_err)?;
        match child.stdout.take() {
            Some(out) => Ok(Batch { child, out: std::io::BufReader::new(out) }),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                Err(Error::failed("git gave no output to read"))
            }
        }
    }

    /// Writes one request and reads the answer's line, trimmed (none if
    /// git stopped).
    fn ask(&mut self, request: &[u8]) -> Option<String> {
        let stdin = self.child.stdin.as_mut()?;
        stdin.write_all(request).and_then(|()| stdin.flush()).ok()?;
        let mut line = String::new();
        match std::io::BufRead::read_line(&mut self.out, &mut line) {
            Ok(n) if n > 0 => Some(line.trim().to_string()),
            _ => None,
        }
    }

    /// Ends the input and waits for git; an error with its stderr if it
    /// failed.
    fn finish(mut self, what: &str) -> Result<()> {
        drop(self.child.stdin.take());
        let out = self.child.wait_with_output().map_err(spawn_err)?;
        if out.status.success() {
            return Ok(());
        }
        Err(Error::failed(format!("git {what} failed: {}", String::from_utf8_lossy(&out.stderr).trim())))
    }
}

/// Points the index entries of `updates` at their new blobs, through
/// `git update-index --add --index-info` (started, reading its input).
fn set_index(mut index: std::process::Child, updates: &[(String, String)]) -> Result<()> {
    let info: String = updates.iter().map(|(p, b)| format!("100644 {b}\t{p}\n")).collect();
    let written = index.stdin.take().map(|mut i| i.write_all(info.as_bytes()));
    let out = index.wait_with_output().map_err(spawn_err)?;
    if !out.status.success() {
        return Err(Error::failed(format!(
            "git update-index failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    match written {
        Some(Ok(())) => Ok(()),
        _ => Err(Error::failed("git update-index did not take the new entries")),
    }
}

/// Folders' entries by name, each as `git ls-tree` gives it before the
/// name (`mode type object`); "" is the root.
type Listing = std::collections::HashMap<String, std::collections::BTreeMap<String, String>>;

/// A repository path's folder ("" for the root) and name.
fn split(path: &str) -> (&str, &str) {
    path.rsplit_once('/').unwrap_or(("", path))
}

/// The folders on the way to each of `paths`, the root among them,
/// deepest first (a tree is written after every tree within it).
fn folders(paths: &[String]) -> Vec<String> {
    let mut dirs = std::collections::BTreeSet::from([String::new()]);
    for p in paths {
        let mut at = p.as_str();
        while let Some((dir, _)) = at.rsplit_once('/') {
            dirs.insert(dir.to_string());
            at = dir;
        }
    }
    let depth = |d: &String| if d.is_empty() { 0 } else { d.matches('/').count() + 1 };
    let mut dirs: Vec<String> = dirs.into_iter().collect();
    dirs.sort_by_key(|d| std::cmp::Reverse(depth(d)));
    dirs
}

/// `git ls-tree -z` output (`mode SP type SP object TAB path NUL`) as
/// the entries of each of `folders` that is there; an error when one
/// of them is not a folder in the commit.
fn parse_listing(text: &str, folders: &[String]) -> Result<Listing> {
    let mut listing = Listing::new();
    let mut kinds = std::collections::HashMap::new();
    for record in text.split('\0').filter(|r| !r.is_empty()) {
        let Some((head, path)) = record.split_once('\t') else {
            return Err(Error::failed(format!("git ls-tree gave a line lsms cannot read: {record}")));
        };
        let kind = head.split(' ').nth(1).unwrap_or_default();
        kinds.insert(path, kind);
        let (dir, name) = split(path);
        listing.entry(dir.to_string()).or_default().insert(name.to_string(), head.to_string());
    }
    for d in folders.iter().filter(|d| !d.is_empty()) {
        match kinds.get(d.as_str()) {
            Some(&"tree") | None => {}
            Some(kind) => return Err(Error::failed(format!("git: {d} is a {kind} in HEAD, not a folder"))),
        }
    }
    listing.retain(|dir, _| dir.is_empty() || kinds.get(dir.as_str()) == Some(&"tree"));
    Ok(listing)
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

/// [`commit`], with evidence files (`objects`) hashed by git through the
/// filters `.gitattributes` names, as `evidence add` commits them.
pub fn commit_with(
    root: &Path,
    rels: &[String],
    objects: &[String],
    message: &str,
    who: &Ident,
) -> Result<()> {
    let repo = Repo::open(root)?;
    repo.commit_files_with(rels, objects, message, who).map(|_| ()).map_err(|e| {
        let all: Vec<&str> = rels.iter().chain(objects).map(String::as_str).collect();
        Error::failed_with(
            format!("{} written but not committed: {e}", all.join(", ")),
            "commit with `lsms sync`, or by hand with git",
        )
    })
}

/// Commits a disposal (`lsms dispose`, or `lsms sync` carrying one made
/// without a commit): the certificates `added` to the register and the
/// files `removed` (the records and their evidence), and nothing else the
/// index holds. Git's porcelain, since the commit removes files: a
/// disposal is rare, and its cost is git's own.
pub fn commit_disposal(
    root: &Path,
    added: &[String],
    removed: &[String],
    message: &str,
    who: &Ident,
) -> Result<()> {
    let repo = Repo::open(root)?;
    let fail = |e: Error| {
        Error::failed_with(
            format!("the disposal is done but not committed: {e}"),
            "commit it with `lsms sync` (which knows a disposal by its certificate), or by hand with git",
        )
    };
    if repo.merging() {
        return Err(fail(Error::failed("a sync stopped at a merge conflict")));
    }
    if !added.is_empty() {
        let mut args = vec!["add", "--"];
        args.extend(added.iter().map(String::as_str));
        repo.text(&args).map_err(fail)?;
    }
    // Only what HEAD holds can be committed as removed (a file never
    // committed is simply gone).
    let removed: Vec<String> = match repo.head() {
        None => Vec::new(),
        Some(head) => {
            let mut args = vec!["ls-tree", "-r", "-z", "--name-only", head.as_str(), "--"];
            args.extend(removed.iter().map(String::as_str));
            let out = repo.run(&args)?;
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            let held: Vec<&str> = text.split('\0').filter(|s| !s.is_empty()).collect();
            removed.iter().filter(|r| held.contains(&r.as_str())).cloned().collect()
        }
    };
    if added.is_empty() && removed.is_empty() {
        return Ok(());
    }
    // `--only` takes these paths as they are now (a removed file, removed)
    // and leaves whatever else is staged as it was.
    let mut args = vec!["commit", "--quiet", "--no-verify", "--no-gpg-sign", "-m", message, "--only", "--"];
    args.extend(added.iter().chain(&removed).map(String::as_str));
    let mut c = repo.cmd(&args);
    repo.as_ident(&mut c, who);
    let out = c.output().map_err(spawn_err)?;
    ok(out, "commit").map(|_| ()).map_err(fail)
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
    /// The store's `.gitattributes` sends evidence through Git LFS.
    pub lfs_named: bool,
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
        if wanted && !new.lines().any(|l| same_attribute_line(l, line)) {
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
    Ok(Setup { fresh, attributes_written, lfs, lfs_named: lfs_named(root) })
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

/// How old a git lock or merge temp file must be before lsms, holding
/// the store's own lock, takes it for a leftover of a killed git: git
/// holds `index.lock` for a moment, and a merge's temp files for one
/// file's merge, never minutes.
pub const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(120);

/// Leftovers of a killed git (its `*.lock` files: `index.lock`,
/// `ORIG_HEAD.lock`, a ref's lock under `refs/`; `.merge_file_*` temp
/// files of a merge driver run) older than [`STALE_AFTER`]: removed, and
/// named in what is returned; younger ones are named in the error with
/// the one command that clears them, since a git may still hold them.
pub fn clear_leftovers(repo: &Repo) -> Result<Vec<String>> {
    let mut found = Vec::new();
    git_locks(&repo.git_dir, &mut found, 0);
    git_locks(&repo.git_dir.join("refs"), &mut found, 8);
    if let Ok(dir) = std::fs::read_dir(&repo.root) {
        found.extend(
            dir.flatten()
                .filter(|e| e.file_name().to_string_lossy().starts_with(".merge_file_"))
                .map(|e| e.path()),
        );
    }
    let mut cleared = Vec::new();
    let mut live = Vec::new();
    for path in found {
        let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
        if !meta.is_file() {
            continue;
        }
        let age = meta.modified().ok().and_then(|m| m.elapsed().ok()).unwrap_or_default();
        if age >= STALE_AFTER {
            std::fs::remove_file(&path).map_err(Error::io("remove the leftover", &path))?;
            cleared.push(path.display().to_string());
        } else {
            live.push(path.display().to_string());
        }
    }
    if !live.is_empty() {
        return Err(Error::failed_with(
            format!(
                "git is at work in this repository, or was killed a moment ago, leaving: {}",
                live.join(", ")
            ),
            format!(
                "if no git is running here (`ps -C git`), remove them: `rm {}`; then run `lsms sync` again",
                live.join(" ")
            ),
        ));
    }
    Ok(cleared)
}

/// The `*.lock` files in `dir`, and in the folders `depth` levels under
/// it (a ref's lock, `refs/heads/main.lock`), not following links.
fn git_locks(dir: &Path, found: &mut Vec<std::path::PathBuf>, depth: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        if e.file_name().to_string_lossy().ends_with(".lock") {
            found.push(e.path());
        } else if depth > 0 && e.file_type().is_ok_and(|t| t.is_dir()) {
            git_locks(&e.path(), found, depth - 1);
        }
    }
}

/// Is `line` (of a `.gitattributes`) lsms's `own` line, however spaced?
pub fn same_attribute_line(line: &str, own: &str) -> bool {
    line.split_whitespace().eq(own.split_whitespace())
}

/// Sets evidence files and folders to the store's own rule (files 0444 as
/// `evidence add` writes them, folders 0700 as every folder lsms makes),
/// where git wrote them with its own (0644 in 0755): after a clone, a
/// merge or an LFS fetch. Returns how many it changed.
pub fn evidence_modes(root: &Path) -> usize {
    use std::os::unix::fs::PermissionsExt;
    let mut changed = 0;
    let set = |p: &Path, mode: u32, changed: &mut usize| {
        if let Ok(m) = std::fs::symlink_metadata(p)
            && !m.file_type().is_symlink()
            && m.permissions().mode() & 0o777 != mode
            && std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).is_ok()
        {
            *changed += 1;
        }
    };
    let top = root.join(crate::store::evidence::DIR);
    let Ok(meta) = std::fs::symlink_metadata(&top) else { return 0 };
    if !meta.is_dir() {
        return 0;
    }
    set(&top, 0o700, &mut changed);
    let Ok(dirs) = std::fs::read_dir(&top) else { return changed };
    for d in dirs.flatten() {
        let Ok(t) = d.file_type() else { continue };
        if !t.is_dir() {
            continue;
        }
        set(&d.path(), 0o700, &mut changed);
        let Ok(files) = std::fs::read_dir(d.path()) else { continue };
        for f in files.flatten() {
            if f.file_type().is_ok_and(|t| t.is_file()) {
                set(&f.path(), 0o444, &mut changed);
            }
        }
    }
    changed
}

/// Does the store's `.gitattributes` send evidence through Git LFS?
pub fn lfs_named(root: &Path) -> bool {
    std::fs::read_to_string(root.join(".gitattributes"))
        .is_ok_and(|t| t.lines().any(|l| same_attribute_line(l, LFS_ATTRIBUTES)))
}

/// Fetches the store's Git LFS objects (`git lfs pull`), so that evidence
/// files are the files, not pointers. `Ok(None)` when the store does not
/// use LFS; `Ok(Some(false))` when it does but Git LFS is not installed.
pub fn lfs_pull(root: &Path) -> Result<Option<bool>> {
    if !lfs_named(root) || !root.join(crate::store::evidence::DIR).exists() {
        return Ok(None);
    }
    if !lfs_installed(root) {
        return Ok(Some(false));
    }
    let out = git(root, &["lfs", "pull"])?;
    if !out.status.success() {
        return Err(Error::failed_with(
            format!(
                "cannot fetch the evidence files (Git LFS): {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
            "check the network and that the shared repository holds them (`git lfs pull` by hand shows the same)",
        ));
    }
    Ok(Some(true))
}

/// The line to say where the store's evidence is in Git LFS and Git LFS
/// is not installed here.
pub const LFS_MISSING: &str = "git-lfs not found: this store keeps evidence in Git LFS, so the evidence      files here are pointers, not the files: install git-lfs, then run `git lfs install --local && git lfs pull`";

#[cfg(test)]
mod tests {
    use super::*;

    fn up(paths: &[&str]) -> Vec<String> {
        paths.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn lsms_own_attribute_lines_are_known_however_spaced_and_only_they() {
        for line in ["incidents/**/*.yaml merge=lsms", "  incidents/**/*.yaml\t merge=lsms  "] {
            assert!(same_attribute_line(line, ATTRIBUTES), "{line:?}");
        }
        for line in ["incidents/**/*.yaml merge=lsms -text", "# incidents/**/*.yaml merge=lsms", ""] {
            assert!(!same_attribute_line(line, ATTRIBUTES), "{line:?}");
        }
        assert!(same_attribute_line("evidence/**  filter=lfs diff=lfs merge=lfs -text", LFS_ATTRIBUTES));
    }

    #[test]
    fn writes_the_deepest_folders_first_and_the_root_last() {
        let dirs =
            folders(&up(&["incidents/2026/11/a.yaml", "evidence/ab/abc", "incidents/2026/10/b.yaml", "x"]));
        assert_eq!(
            dirs,
            [
                "incidents/2026/10",
                "incidents/2026/11",
                "evidence/ab",
                "incidents/2026",
                "evidence",
                "incidents",
                ""
            ]
        );
        assert_eq!(folders(&up(&["lsms.yaml"])), [""]);
    }

    #[test]
    fn reads_ls_tree_into_each_folders_entries() {
        let (t, b) = ("1".repeat(40), "2".repeat(40));
        let text = format!(
            "040000 tree {t}\tincidents\0100644 blob {b}\tlsms.yaml\0040000 tree {t}\tincidents/2026\0\
             100644 blob {b}\tincidents/2026/a name.yaml\0"
        );
        let dirs = folders(&up(&["incidents/2026/11/x.yaml"]));
        let l = parse_listing(&text, &dirs).unwrap();
        assert_eq!(l[""].len(), 2);
        assert_eq!(l["incidents"]["2026"], format!("040000 tree {t}"));
        assert_eq!(l["incidents/2026"]["a name.yaml"], format!("100644 blob {b}"));
        assert!(!l.contains_key("incidents/2026/11"), "a folder not in HEAD has no entries");
        let err = parse_listing(&text, &folders(&up(&["lsms.yaml/x.yaml"]))).unwrap_err();
        assert!(err.to_string().contains("lsms.yaml is a blob in HEAD, not a folder"), "{err}");
    }
}
