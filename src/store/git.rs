//! The `git` program, for stores kept in git: committing each change, and
//! registering the merge driver. No network: only local commands.

use crate::error::{Error, Result};
use std::path::Path;
use std::process::{Command, Output};

fn git(root: &Path, args: &[&str]) -> Result<Output> {
    Command::new("git").args(args).current_dir(root).output().map_err(|e| {
        Error::failed_with(
            format!("cannot run git: {e}"),
            "install git, or set `git: { commit: false }` in lsms.yaml",
        )
    })
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

/// Refuses, before anything is written, a store that should commit but is
/// not in a git work tree.
pub fn require_work_tree(root: &Path) -> Result<()> {
    if in_work_tree(root) {
        return Ok(());
    }
    Err(Error::failed_with(
        format!("{} is not in a git work tree, but committing is on", root.display()),
        "make it one with `lsms init --git`, or set `git: { commit: false }` in lsms.yaml",
    ))
}

/// Commits one file, and only it, as `actor`. The message holds no
/// personal data: `<id>: <action>`.
pub fn commit(root: &Path, rel: &str, message: &str, actor: &str) -> Result<()> {
    ok(git(root, &["add", "--", rel])?, "add")?;
    let email = git(root, &["config", "user.email"]).ok().filter(|o| o.status.success());
    let email =
        email.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string()).filter(|e| !e.is_empty());
    let mut c = Command::new("git");
    c.current_dir(root)
        .args(["commit", "--quiet", "--no-verify", "-m", message, "--only", "--", rel])
        .env("GIT_AUTHOR_NAME", actor)
        .env("GIT_AUTHOR_EMAIL", email.clone().unwrap_or_else(|| format!("{actor}@lsms.invalid")));
    if email.is_none() {
        c.env("GIT_COMMITTER_NAME", actor).env("GIT_COMMITTER_EMAIL", format!("{actor}@lsms.invalid"));
    }
    let out = c.output().map_err(|e| Error::failed(format!("cannot run git: {e}")))?;
    ok(out, "commit").map(|_| ()).map_err(|e| {
        Error::failed_with(
            format!("{rel} was written but not committed: {e}"),
            format!("commit it by hand: git commit -m '{message}' -- {rel}"),
        )
    })
}

pub const ATTRIBUTES: &str = "incidents/**/*.yaml merge=lsms\n";

/// Makes `root` a git repository (or uses the one around it) and registers
/// `lsms merge-file` as the merge driver for incident files. Returns
/// whether a new repository was made.
pub fn setup(root: &Path) -> Result<bool> {
    let fresh = !in_work_tree(root);
    if fresh {
        ok(git(root, &["init", "--quiet"])?, "init")?;
    }
    let attrs = root.join(".gitattributes");
    let text = std::fs::read_to_string(&attrs).unwrap_or_default();
    if !text.lines().any(|l| l.trim() == ATTRIBUTES.trim()) {
        let mut new = text;
        if !new.is_empty() && !new.ends_with('\n') {
            new.push('\n');
        }
        new.push_str(ATTRIBUTES);
        super::fsio::write_atomic(&attrs, new.as_bytes(), super::Mode::Replace)
            .map_err(Error::io("write", &attrs))?;
    }
    let exe =
        std::env::current_exe().map_err(|e| Error::failed(format!("cannot find the lsms program: {e}")))?;
    let driver = format!("'{}' merge-file %O %A %B %P", exe.display().to_string().replace('\'', "'\\''"));
    ok(git(root, &["config", "merge.lsms.name", "lsms incident merge"])?, "config")?;
    ok(git(root, &["config", "merge.lsms.driver", &driver])?, "config")?;
    Ok(fresh)
}
