//! Word diff of two cluster members, for the report's side-by-side view: which words both
//! paragraphs share (highlighted) and which one side has alone (an edit). A longest common
//! subsequence over words, compared casefolded and with typographic apostrophes and quotes made
//! plain, as the detector compares them: `North’s` and `North's` are the same word, so what the
//! view marks as an edit is one the detector saw too.

/// One word of a member and whether the other member shares it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word<'t> {
    pub text: &'t str,
    pub shared: bool,
}

/// Paragraphs longer than this many words are diffed on their first words only: the table is
/// `a × b` cells, and a member of a wire cluster is a paragraph, not a page.
pub const MAX_WORDS: usize = 600;

/// The words of `a` and of `b`, each marked shared when it is in their longest common
/// subsequence of words. Words past [`MAX_WORDS`] are marked not shared.
pub fn diff<'t>(a: &'t str, b: &'t str) -> (Vec<Word<'t>>, Vec<Word<'t>>) {
    let wa: Vec<&str> = a.split_whitespace().collect();
    let wb: Vec<&str> = b.split_whitespace().collect();
    let ka: Vec<String> = wa.iter().take(MAX_WORDS).map(|w| key(w)).collect();
    let kb: Vec<String> = wb.iter().take(MAX_WORDS).map(|w| key(w)).collect();
    let (n, m) = (ka.len(), kb.len());
    // lcs[i][j]: the LCS length of ka[i..] and kb[j..], in one flat table.
    let mut lcs = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[at(i, j)] = if ka[i] == kb[j] {
                lcs[at(i + 1, j + 1)] + 1
            } else {
                lcs[at(i + 1, j)].max(lcs[at(i, j + 1)])
            };
        }
    }
    let mut shared_a = vec![false; wa.len()];
    let mut shared_b = vec![false; wb.len()];
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if ka[i] == kb[j] {
            shared_a[i] = true;
            shared_b[j] = true;
            i += 1;
            j += 1;
        } else if lcs[at(i + 1, j)] >= lcs[at(i, j + 1)] {
            i += 1;
        } else {
            j += 1;
        }
    }
    let words = |ws: Vec<&'t str>, shared: Vec<bool>| {
        ws.into_iter()
            .zip(shared)
            .map(|(text, shared)| Word { text, shared })
            .collect()
    };
    (words(wa, shared_a), words(wb, shared_b))
}

/// The comparison key of a word: casefolded, typographic quotes made plain, and the
/// punctuation around it dropped (`safe place”,` is `safe place`).
fn key(word: &str) -> String {
    let plain: String = word
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{02bc}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect();
    plain
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(words: &[Word]) -> String {
        words
            .iter()
            .map(|w| match w.shared {
                true => w.text.to_string(),
                false => format!("[{}]", w.text),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn marks_the_edits_of_each_side() {
        let (a, b) = diff(
            "Italian authorities were “agonising” over what to do",
            "Italian authorities have been “agonising” over what to do, an official said",
        );
        assert_eq!(
            marks(&a),
            "Italian authorities [were] “agonising” over what to do"
        );
        assert_eq!(
            marks(&b),
            "Italian authorities [have] [been] “agonising” over what to do, [an] [official] [said]"
        );
    }

    #[test]
    fn typographic_apostrophes_and_case_are_not_edits() {
        let (a, b) = diff(
            "the North’s regime, the Joongang",
            "the North's regime, the JoongAng",
        );
        assert!(a.iter().chain(&b).all(|w| w.shared), "{a:?} {b:?}");
    }

    #[test]
    fn disjoint_and_empty_paragraphs() {
        let (a, b) = diff("alpha beta", "gamma");
        assert!(a.iter().chain(&b).all(|w| !w.shared));
        let (a, b) = diff("", "gamma");
        assert!(a.is_empty() && b.len() == 1);
    }
}
