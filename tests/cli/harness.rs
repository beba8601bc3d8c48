//! A temporary store and a builder for `lsms` runs against it, with the
//! clock fixed (LSMS_NOW) and the actor set, so every run is reproducible.

#![allow(dead_code)]

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// "Now" for every test run: a Wednesday.
pub const NOW: &str = "2026-11-25T12:00:00Z";

pub struct Store {
    pub tmp: tempfile::TempDir,
    pub root: PathBuf,
}

/// PATH with the built binary's folder first: git runs the merge driver as
/// `lsms merge-file`, found on PATH, as it would be once installed.
pub fn path_with_lsms() -> std::ffi::OsString {
    let bin = Path::new(env!("CARGO_BIN_EXE_lsms")).parent().unwrap().to_path_buf();
    let rest = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&rest))).unwrap()
}

/// `lsms` with a clean environment: no store from the outside, a fixed clock.
pub fn lsms() -> Command {
    let mut c = Command::cargo_bin("lsms").expect("the lsms binary");
    c.env("PATH", path_with_lsms())
        .env_remove("LSMS_STORE")
        .env_remove("LSMS_USER")
        .env("LSMS_NOW", NOW)
        .env("USER", "tester")
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1");
    c
}

pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    pub fn ok(self) -> Out {
        assert_eq!(self.code, 0, "expected success; stderr:\n{}\nstdout:\n{}", self.stderr, self.stdout);
        self
    }
    pub fn fails(self, code: i32) -> Out {
        assert_eq!(
            self.code, code,
            "expected exit {code}; stderr:\n{}\nstdout:\n{}",
            self.stderr, self.stdout
        );
        self
    }
    pub fn says(self, text: &str) -> Out {
        assert!(self.stderr.contains(text), "stderr should contain {text:?}:\n{}", self.stderr);
        self
    }
    pub fn prints(self, text: &str) -> Out {
        assert!(self.stdout.contains(text), "stdout should contain {text:?}:\n{}", self.stdout);
        self
    }
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }
}

pub fn run(mut c: Command) -> Out {
    let o = c.output().expect("run lsms");
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

impl Store {
    /// A new store made by `lsms init`, with sites and a team set.
    pub fn new() -> Store {
        Store::with_config(
            "sites: [Hollins Park, Peasley Cross]\nteam: [jfowlis, asmith]\ncategories: [lone-worker-alarm]\n",
        )
    }

    pub fn with_config(extra: &str) -> Store {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("store");
        run({
            let mut c = lsms();
            c.arg("init").arg(&root).args(["--trust", "Test Trust"]);
            c
        })
        .ok();
        let cfg = root.join("lsms.yaml");
        let mut text = std::fs::read_to_string(&cfg).unwrap();
        text.push_str(extra);
        std::fs::write(&cfg, text).unwrap();
        Store { tmp, root }
    }

    /// A copy of examples/, standing in its copy of the sample store.
    pub fn sample() -> Store {
        let tmp = tempfile::tempdir().unwrap();
        copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"), &tmp.path().join("examples"));
        let root = tmp.path().join("examples/store");
        Store { tmp, root }
    }

    /// `lsms -C <store> ARGS…` as the actor `tester`.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = lsms();
        c.arg("-C").arg(&self.root).args(["--as", "tester"]).args(args);
        c
    }

    pub fn run(&self, args: &[&str]) -> Out {
        run(self.cmd(args))
    }

    /// Records an incident and returns its id.
    pub fn report(&self, args: &[&str]) -> String {
        let mut all = vec!["report"];
        all.extend_from_slice(args);
        let out = self.run(&all).ok();
        let id = out.stdout.trim().to_string();
        assert_eq!(out.stdout, format!("{id}\n"), "report prints the id alone");
        id
    }

    pub fn path_of(&self, id: &str) -> PathBuf {
        self.root.join(format!("incidents/{}/{}/{id}.yaml", &id[..4], &id[4..6]))
    }

    /// Where the store keeps the evidence file of this SHA-256.
    pub fn object(&self, sha: &str) -> PathBuf {
        self.root.join(format!("evidence/{}/{sha}", &sha[..2]))
    }

    pub fn read(&self, id: &str) -> String {
        std::fs::read_to_string(self.path_of(id)).unwrap()
    }

    /// Every file in the store but the local `.lsms/`, with its bytes.
    pub fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut files = BTreeMap::new();
        walk(&self.root, &self.root, &mut files);
        files
    }
}

fn walk(root: &Path, dir: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let rel = p.strip_prefix(root).unwrap().to_path_buf();
        if rel.starts_with(".lsms") {
            continue;
        }
        if p.is_dir() {
            files.insert(rel.join(""), Vec::new());
            walk(root, &p, files);
        } else {
            files.insert(rel, std::fs::read(&p).unwrap());
        }
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

/// Whether an outside reader a test needs is here (Chromium, pdftotext,
/// Python with PyYAML or openpyxl, LibreOffice, Git LFS): `probe` is a shell
/// command that succeeds when it is. Where it is missing, the test prints
/// one line saying what it skipped and why, and should return; with
/// `LSMS_TEST_NO_SKIP` set (`.ci/run` sets it, having installed them all)
/// a missing reader fails the test instead, so nothing is skipped in CI.
pub fn outside(what: &str, probe: &str, install: &str) -> bool {
    let here = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{probe} >/dev/null 2>&1"))
        .status()
        .is_ok_and(|s| s.success());
    if here {
        return true;
    }
    let test = std::thread::current().name().unwrap_or("a test").to_string();
    let why = format!("{test}: skipped, {what} is not installed (`{install}`; `bash .ci/run` installs it)");
    assert!(
        std::env::var_os("LSMS_TEST_NO_SKIP").is_none(),
        "{why}; LSMS_TEST_NO_SKIP is set, so this fails"
    );
    eprintln!("{why}");
    false
}

pub fn python3() -> bool {
    outside("Python", "command -v python3", "apt-get install python3")
}

pub fn pyyaml() -> bool {
    outside("Python with PyYAML", "python3 -c 'import yaml'", "pip install pyyaml")
}

pub fn openpyxl() -> bool {
    outside("Python with openpyxl", "python3 -c 'import openpyxl'", "pip install openpyxl")
}

pub fn chromium() -> bool {
    outside("Chromium", "command -v chromium", "apt-get install chromium")
}

pub fn pdftotext() -> bool {
    outside("pdftotext", "command -v pdftotext", "apt-get install poppler-utils")
}

pub fn libreoffice() -> bool {
    outside("LibreOffice", "command -v soffice", "apt-get install libreoffice-calc-nogui")
}

pub fn git_lfs() -> bool {
    outside("Git LFS", "git lfs version", "apt-get install git-lfs")
}

/// Prints `html` to PDF with headless Chromium, its own header and footer
/// off (as the board's help says): the PDF's path, beside the page.
pub fn print_to_pdf(dir: &Path, html: &Path) -> PathBuf {
    let pdf = dir.join(format!("{}.pdf", html.file_stem().unwrap().to_str().unwrap()));
    let out = std::process::Command::new("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"])
        .args(["--disable-background-networking", "--disable-component-update", "--disable-sync"])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg("--no-pdf-header-footer")
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("run chromium");
    assert!(pdf.exists(), "chromium made no PDF: {}", String::from_utf8_lossy(&out.stderr));
    pdf
}

/// The text of each page of a PDF (pdftotext, laid out).
pub fn pdf_pages(pdf: &Path) -> Vec<String> {
    let text = std::process::Command::new("pdftotext").arg("-layout").arg(pdf).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    // pdftotext ends each page with a form feed.
    text.split('\u{c}').filter(|p| !p.trim().is_empty()).map(String::from).collect()
}

/// [`print_to_pdf`], then the text of each page.
pub fn print_pages(dir: &Path, html: &Path) -> Vec<String> {
    pdf_pages(&print_to_pdf(dir, html))
}

/// Every page carries the marking at its top and bottom and "Page N of M".
pub fn every_page_marked(pages: &[String], marking: &str, what: &str) {
    let m = pages.len();
    for (n, page) in pages.iter().enumerate() {
        let n = n + 1;
        let marks = page.lines().filter(|l| l.split_whitespace().any(|w| w == marking)).count();
        assert!(
            marks >= 2,
            "{what}: page {n} of {m} has {marking} {marks} times, not top and bottom:\n{page}"
        );
        assert!(
            page.contains(&format!("Page {n} of {m}")),
            "{what}: page {n} of {m} has no page number:\n{page}"
        );
    }
}

/// A file's SHA-256 as coreutils' `sha256sum` computes it: an
/// implementation other than the one lsms uses.
pub fn sha256sum(path: &std::path::Path) -> String {
    let out = std::process::Command::new("sha256sum").arg(path).output().expect("sha256sum");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).split_whitespace().next().unwrap().to_string()
}
