//! Redaction for a subject access bundle: every person in an incident but
//! the data subject is replaced by their role and party (`[witness 1,
//! staff]`), in the list of people and wherever their name appears in free
//! text, whatever its case, accents (a composed `é` or an `e` with a
//! combining accent) or spacing, and in the possessive (`Patel's`): the
//! full name, the first and last name, an initial and the surname, the
//! surname alone. What cannot be replaced with certainty (a first name
//! alone, a name the subject shares, a word that may be a nickname or a
//! misspelling of someone's name, a person recorded without a name) is
//! said, for the LSMS to review before release. Pure: text in, text out.

use super::text::fold_letter;

/// Words of a name, folded for matching: lower case, accents off,
/// apostrophes as `'`; split at anything that is not a letter, a digit,
/// an apostrophe or a hyphen (`J. O’Brien` → `j`, `o'brien`).
pub fn words(name: &str) -> Vec<String> {
    let f = Folded::of(name);
    f.chars.split(|c| !is_word(*c)).filter(|w| !w.is_empty()).map(|w| w.iter().collect()).collect()
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '\'' || c == '-'
}

/// Text folded for matching, each folded character with the span of the
/// original text it came from.
struct Folded {
    chars: Vec<char>,
    spans: Vec<(usize, usize)>,
}

impl Folded {
    fn of(s: &str) -> Folded {
        let (mut chars, mut spans) = (Vec::new(), Vec::<(usize, usize)>::new());
        for (i, c) in s.char_indices() {
            let end = i + c.len_utf8();
            if c.is_whitespace() {
                if chars.last() == Some(&' ') {
                    spans.last_mut().expect("a span for each char").1 = end;
                } else {
                    chars.push(' ');
                    spans.push((i, end));
                }
                continue;
            }
            if matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '`') {
                chars.push('\'');
                spans.push((i, end));
                continue;
            }
            for l in c.to_lowercase() {
                match fold_letter(l) {
                    // A combining accent belongs to the letter before it.
                    Some("") => {
                        if let Some(last) = spans.last_mut()
                            && last.1 == i
                        {
                            last.1 = end;
                        }
                    }
                    Some(plain) => {
                        for p in plain.chars() {
                            chars.push(p);
                            spans.push((i, end));
                        }
                    }
                    None => {
                        chars.push(l);
                        spans.push((i, end));
                    }
                }
            }
        }
        Folded { chars, spans }
    }
}

/// How sure a replacement is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sure {
    /// A full name, or a surname no one else in the case has.
    Yes,
    /// Replaced, but it may name someone else: for review.
    Review,
    /// Left as written (it may be the subject's own name): for review.
    Kept,
}

#[derive(Debug, Clone)]
struct Form {
    chars: Vec<char>,
    /// `None`: the subject's own name, kept as written.
    with: Option<String>,
    sure: Sure,
    why: String,
}

/// A name in a piece of free text that could not be redacted with
/// certainty: the word as written, and what was done with it and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doubt {
    pub written: String,
    pub why: String,
}

/// Someone in the case other than the subject: their label, and their
/// name as recorded (if any).
#[derive(Debug, Clone)]
pub struct Other {
    pub label: String,
    pub name: Option<String>,
}

/// The replacements for one incident.
#[derive(Debug, Clone)]
pub struct Redactor {
    forms: Vec<Form>,
    /// Words of others' names (first names and surnames), with whose, for
    /// spotting nicknames and misspellings.
    near: Vec<(String, String)>,
    subject: Vec<String>,
}

impl Redactor {
    /// `subject`: the subject's names as recorded in the case (and as
    /// searched for); `others`: everyone else, labelled.
    pub fn new(subject: &[&str], others: &[Other]) -> Redactor {
        let subject_words: Vec<String> = subject.iter().flat_map(|n| words(n)).collect();
        let mut forms: Vec<Form> = Vec::new();
        for s in subject {
            let w = words(s);
            if !w.is_empty() {
                forms.push(Form {
                    chars: w.join(" ").chars().collect(),
                    with: None,
                    sure: Sure::Yes,
                    why: String::new(),
                });
            }
        }
        // Who has each single word (first name, surname) among the others.
        let named: Vec<(&Other, Vec<String>)> = others
            .iter()
            .filter_map(|o| o.name.as_deref().map(|n| (o, words(n))))
            .filter(|(_, w)| !w.is_empty())
            .collect();
        let holders = |word: &str| -> Vec<&Other> {
            let mut v: Vec<&Other> = Vec::new();
            for (o, w) in &named {
                if w.iter().any(|x| x == word) && !v.iter().any(|p| p.label == o.label) {
                    v.push(o);
                }
            }
            v
        };
        let mut near = Vec::new();
        let push = |forms: &mut Vec<Form>, text: String, with: Option<String>, sure: Sure, why: String| {
            let chars: Vec<char> = text.chars().collect();
            if !chars.is_empty() && !forms.iter().any(|f| f.chars == chars) {
                forms.push(Form { chars, with, sure, why });
            }
        };
        for (o, w) in &named {
            // The name as recorded, whatever it holds between its words.
            if let Some(n) = &o.name {
                let exact: String = Folded::of(n.trim()).chars.into_iter().collect();
                push(&mut forms, exact.trim().to_string(), Some(o.label.clone()), Sure::Yes, String::new());
            }
            // An initial is written with or without its full stop (`A. Nurse`, `A Nurse`).
            let dotted: Vec<String> =
                w.iter().map(|t| if t.chars().count() == 1 { format!("{t}.") } else { t.clone() }).collect();
            for full in [w.join(" "), dotted.join(" ")] {
                push(&mut forms, full, Some(o.label.clone()), Sure::Yes, String::new());
            }
            if w.len() >= 2 {
                let (first, last) = (&w[0], &w[w.len() - 1]);
                push(&mut forms, format!("{first} {last}"), Some(o.label.clone()), Sure::Yes, String::new());
                if let Some(i) = first.chars().next() {
                    for form in [format!("{i} {last}"), format!("{i}. {last}"), format!("{i}.{last}")] {
                        push(&mut forms, form, Some(o.label.clone()), Sure::Yes, String::new());
                    }
                }
            }
            for (k, word) in w.iter().enumerate() {
                // A lone initial is no name.
                if word.chars().count() < 2 {
                    continue;
                }
                let surname = w.len() >= 2 && k == w.len() - 1;
                let single = w.len() == 1;
                near.push((word.clone(), o.label.clone()));
                let also = holders(word);
                let what = if single {
                    "a name"
                } else if surname {
                    "a surname alone"
                } else {
                    "a first name alone"
                };
                if subject_words.iter().any(|s| s == word) {
                    let who: Vec<&str> = also.iter().map(|x| x.label.as_str()).collect();
                    push(
                        &mut forms,
                        word.clone(),
                        None,
                        Sure::Kept,
                        format!(
                            "{what} the subject shares with {}: left as written; decide whom it names",
                            who.join(" and ")
                        ),
                    );
                } else if also.len() > 1 {
                    let who: Vec<&str> = also.iter().map(|x| x.label.trim_matches(['[', ']'])).collect();
                    push(
                        &mut forms,
                        word.clone(),
                        Some(format!("[{}]", who.join(" or "))),
                        Sure::Review,
                        format!("{what} several people in the case share: replaced by all their roles"),
                    );
                } else if single || surname {
                    push(&mut forms, word.clone(), Some(o.label.clone()), Sure::Yes, String::new());
                } else {
                    push(
                        &mut forms,
                        word.clone(),
                        Some(o.label.clone()),
                        Sure::Review,
                        format!("{what}: replaced by {}; check it names them", o.label),
                    );
                }
            }
        }
        // The longest form first: a full name before its parts.
        forms.sort_by_key(|f| std::cmp::Reverse(f.chars.len()));
        Redactor { forms, near, subject: subject_words }
    }

    /// `text` with every other person's name replaced, and what could not
    /// be replaced with certainty.
    pub fn redact(&self, text: &str) -> (String, Vec<Doubt>) {
        let f = Folded::of(text);
        let n = f.chars.len();
        let boundary = |i: usize| i >= n || !f.chars[i].is_alphanumeric();
        let mut out = String::with_capacity(text.len());
        let mut doubts = Vec::new();
        let mut copied = 0; // bytes of `text` already out
        let mut i = 0;
        let mut word_start = true;
        'scan: while i < n {
            if word_start {
                for form in &self.forms {
                    let len = form.chars.len();
                    if i + len <= n && f.chars[i..i + len] == form.chars[..] && boundary(i + len) {
                        let (start, end) = (f.spans[i].0, f.spans[i + len - 1].1);
                        let written = &text[start..end];
                        if form.sure != Sure::Yes {
                            doubts.push(Doubt { written: written.to_string(), why: form.why.clone() });
                        }
                        if let Some(with) = form.with.as_ref().filter(|_| start >= copied) {
                            out.push_str(&text[copied..start]);
                            out.push_str(with);
                            copied = end;
                        }
                        i += len;
                        word_start = false;
                        continue 'scan;
                    }
                }
                // A word that is none of the names, but close to one.
                let mut j = i;
                while j < n && f.chars[j].is_alphanumeric() {
                    j += 1;
                }
                if j > i {
                    let word: String = f.chars[i..j].iter().collect();
                    if let Some(why) = self.near_miss(&word) {
                        let written = &text[f.spans[i].0..f.spans[j - 1].1];
                        if written.chars().next().is_some_and(char::is_uppercase) {
                            doubts.push(Doubt { written: written.to_string(), why });
                        }
                    }
                }
            }
            word_start = !f.chars[i].is_alphanumeric();
            i += 1;
        }
        out.push_str(&text[copied..]);
        (out, doubts)
    }

    /// Whether `word` may be a nickname or a misspelling of someone's name
    /// (`Sam` of `Samantha`, `Smyth` of `Smith`): the reason if so.
    fn near_miss(&self, word: &str) -> Option<String> {
        if word.chars().count() < 3 || self.subject.iter().any(|s| s == word) {
            return None;
        }
        for (name, label) in &self.near {
            if name == word {
                continue;
            }
            let shared = name.chars().zip(word.chars()).take_while(|(a, b)| a == b).count();
            let short = shared >= 3;
            let close = name.chars().count() >= 4 && strsim::levenshtein(name, word) == 1;
            if short || close {
                return Some(format!(
                    "may be a nickname or a misspelling of the name of {label}: left as written"
                ));
            }
        }
        None
    }
}

/// Whether a name as recorded names the subject: `Yes` when it holds
/// every word searched for; `Maybe` when it holds some (`S. Jones` for
/// `Sam Jones`, or a first name alone), for the LSMS to decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    Yes,
    Maybe,
    No,
}

pub fn names_subject(searched: &[String], recorded: &str) -> Names {
    let w = words(recorded);
    if searched.is_empty() || w.is_empty() {
        return Names::No;
    }
    if searched.iter().all(|s| w.contains(s)) {
        return Names::Yes;
    }
    // The surname, with no first name or one that fits as an initial.
    let last = searched.last().expect("not empty");
    let first = &searched[0];
    let surname = w.last() == Some(last);
    let first_fits = w.len() == 1 || w[0].starts_with(first.as_str()) || first.starts_with(w[0].as_str());
    if surname && first_fits || searched.len() >= 2 && w.len() == 1 && w[0] == *first {
        Names::Maybe
    } else {
        Names::No
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn others() -> Vec<Other> {
        vec![
            Other { label: "[witness 1, staff]".into(), name: Some("Sam Patel".into()) },
            Other { label: "[alleged-offender 1, visitor]".into(), name: Some("Sam Clarke".into()) },
        ]
    }

    #[test]
    fn full_names_and_surnames_are_replaced_first_names_shared_are_for_review() {
        let r = Redactor::new(&["Sam Jones"], &others());
        let (t, d) = r.redact("Sam Jones saw Sam Patel push Clarke. Sam said stop.");
        assert_eq!(t, "Sam Jones saw [witness 1, staff] push [alleged-offender 1, visitor]. Sam said stop.");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].written, "Sam");
        assert!(d[0].why.contains("shares"), "{}", d[0].why);
    }

    #[test]
    fn case_accents_spacing_and_the_possessive_are_all_one_name() {
        let o = vec![Other { label: "[victim 1, staff]".into(), name: Some("Zoë O'Brien".into()) }];
        let r = Redactor::new(&["Jo Bloggs"], &o);
        let text = "ZOE O\u{2019}BRIEN's bag; zoe\u{301}  o'brien; Zoé O'Brien's; J. Bloggs and O'Brien.";
        let (t, _) = r.redact(text);
        assert_eq!(
            t,
            "[victim 1, staff]'s bag; [victim 1, staff]; [victim 1, staff]'s; J. Bloggs and [victim 1, staff]."
        );
    }

    #[test]
    fn an_initial_and_surname_is_the_person_and_a_near_miss_is_for_review() {
        let o = vec![Other { label: "[witness 1, staff]".into(), name: Some("Samantha Smith".into()) }];
        let r = Redactor::new(&["Jo Bloggs"], &o);
        let (t, d) = r.redact("S. Smith and Smyth; Sammy was there.");
        assert_eq!(t, "[witness 1, staff] and Smyth; Sammy was there.");
        let words: Vec<&str> = d.iter().map(|d| d.written.as_str()).collect();
        assert_eq!(words, ["Smyth", "Sammy"]);
    }

    #[test]
    fn a_name_ends_at_a_full_stop_and_a_recorded_initial_keeps_its_own() {
        let o = vec![Other { label: "[victim 1, staff]".into(), name: Some("A. Nurse".into()) }];
        let r = Redactor::new(&["Jo Bloggs"], &o);
        let (t, _) = r.redact("Statement of A. Nurse.pdf; A Nurse; Nurse.");
        assert_eq!(t, "Statement of [victim 1, staff].pdf; [victim 1, staff]; [victim 1, staff].");
    }

    #[test]
    fn a_first_name_alone_is_replaced_but_listed() {
        let o = vec![Other { label: "[witness 1, staff]".into(), name: Some("Priya Patel".into()) }];
        let r = Redactor::new(&["Jo Bloggs"], &o);
        let (t, d) = r.redact("Priya called.");
        assert_eq!(t, "[witness 1, staff] called.");
        assert_eq!(d.len(), 1);
    }

    proptest::proptest! {
        /// Any text, any names: never a panic, and a full name never survives.
        /// (The subject is Jo Bloggs.)
        #[test]
        fn any_text_is_redacted_without_a_panic(
            text in "(\\PC|[ßæİŉ\u{301}\u{202E}'’. ]|Sam|Patel|PATEL){0,40}",
            name in "(\\PC|[ßæİ\u{301}'. ]|Sam|Patel){1,12}",
        ) {
            let o = vec![Other { label: "[witness 1, staff]".into(), name: Some(name.clone()) }];
            let r = Redactor::new(&["Jo Bloggs"], &o);
            let (out, _) = r.redact(&text);
            let (again, _) = r.redact(&format!("{name} said"));
            let w = words(&name);
            // A name that is the subject's (or part of it) is kept, rightly.
            if !w.is_empty() && w.iter().all(|x| x != "jo" && x != "bloggs") {
                proptest::prop_assert!(again.starts_with("[witness 1, staff]") || !again.contains(&name), "{again}");
            }
            let _ = out;
        }
    }

    #[test]
    fn the_subject_is_found_by_every_word_searched_or_maybe_by_surname() {
        let s = words("Sam Jones");
        assert_eq!(names_subject(&s, "SAM  JONES"), Names::Yes);
        assert_eq!(names_subject(&s, "Samuel Jones"), Names::Maybe);
        assert_eq!(names_subject(&s, "S. Jones"), Names::Maybe);
        assert_eq!(names_subject(&s, "Sam"), Names::Maybe);
        assert_eq!(names_subject(&s, "Sam Patel"), Names::No);
        assert_eq!(names_subject(&s, "Anna Jones"), Names::No);
    }
}
