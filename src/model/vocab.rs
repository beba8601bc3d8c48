//! What a record may say beside the fixed vocabularies: the store's
//! categories, sites and flags.

#[cfg(test)]
use super::enums::{STANDARD_CATEGORIES, STANDARD_FLAGS};

/// What a record may say, beside the fixed vocabularies: the store's
/// categories and, where it lists them, its sites.
#[derive(Debug, Clone, Default)]
pub struct Vocab {
    pub categories: Vec<String>,
    pub sites: Option<Vec<String>>,
    /// The standard flags and the store's own (`flags:` in lsms.yaml).
    pub flags: Vec<String>,
}

impl Vocab {
    /// The standard words only: no sites list, no words of the store's own.
    #[cfg(test)]
    pub fn standard() -> Vocab {
        let own = |words: &[&str]| words.iter().map(|s| s.to_string()).collect();
        Vocab { categories: own(STANDARD_CATEGORIES), sites: None, flags: own(STANDARD_FLAGS) }
    }

    pub fn check_flag(&self, f: &str) -> Result<String, String> {
        let t = f.trim();
        self.flags.iter().find(|k| k.eq_ignore_ascii_case(t)).cloned().ok_or_else(|| {
            let names: Vec<&str> = self.flags.iter().map(String::as_str).collect();
            super::unknown_word("flag", f, &names) + " (a store adds its own under `flags:` in lsms.yaml)"
        })
    }

    pub fn check_category(&self, c: &str) -> Result<String, String> {
        let t = c.trim();
        self.categories.iter().find(|k| k.eq_ignore_ascii_case(t)).cloned().ok_or_else(|| {
            let names: Vec<&str> = self.categories.iter().map(String::as_str).collect();
            super::unknown_word("category", c, &names)
        })
    }

    pub fn check_site(&self, s: &str) -> Result<String, String> {
        let t = s.trim();
        match &self.sites {
            // No list: the site is as given (input trims it before).
            None => super::text::one_line("the site", s).map(|_| s.to_string()),
            Some(sites) => sites.iter().find(|k| k.eq_ignore_ascii_case(t)).cloned().ok_or_else(|| {
                let names: Vec<&str> = sites.iter().map(String::as_str).collect();
                super::unknown_word("site", s, &names) + " (the sites are listed under `sites:` in lsms.yaml)"
            }),
        }
    }
}
