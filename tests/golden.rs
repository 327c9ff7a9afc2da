//! Golden files for the samples: the cleaned text of each in `tests/golden/<sample>.txt`, and
//! its whole record (metadata, removals with rule ids) as an insta snapshot.
//! Regenerate after an intended change: `UPDATE_GOLDEN=1 cargo test golden` and
//! `cargo insta review`, then read the diff.

use crate::util::{assert_text_eq, cleaner, root};
use newsclean::output::Record;
use newsclean::Document;

#[test]
fn samples_match_golden_text_and_records() {
    let cleaner = cleaner();
    insta::glob!("../samples", "*.txt", |path| {
        let text = std::fs::read_to_string(path).expect("read sample");
        let id = path
            .file_stem()
            .expect("a stem")
            .to_string_lossy()
            .into_owned();
        let cleaned = cleaner.clean(&Document::from_text(id.clone(), text));
        let golden = root().join("tests/golden").join(format!("{id}.txt"));
        let actual = format!("{}\n", cleaned.text());
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&golden, &actual).expect("write golden");
        }
        let expected = std::fs::read_to_string(&golden)
            .unwrap_or_else(|_| panic!("missing {}", golden.display()));
        assert_text_eq(&expected, &actual, &golden.display().to_string());
        let record = Record::new(cleaned, format!("samples/{id}.txt"), true);
        insta::assert_json_snapshot!(record);
    });
}
