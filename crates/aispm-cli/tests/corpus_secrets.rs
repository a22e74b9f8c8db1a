//! Acceptance on the secrets corpus (`../shared/corpus/secrets`, working tree only; the
//! rows of `history.bundle` belong to the history scan): recall and precision per kind,
//! strict precision (any secret finding that matches no expected row counts against
//! it), both at least 0.97.

use aispm_corpus::{KindMap, corpus_folder, evaluate, load_labels, run_scan};
use std::path::Path;

#[test]
fn secrets_corpus_recall_and_precision() {
    let Some(folder) = corpus_folder("secrets") else {
        return;
    };
    let labels: Vec<_> = load_labels(&folder)
        .unwrap()
        .into_iter()
        .filter(|l| l.commit.is_none())
        .collect();
    let kinds = KindMap::load().unwrap();
    let report = run_scan(Path::new(env!("CARGO_BIN_EXE_aispm")), &folder, &[]).unwrap();
    let ev = evaluate("secrets", &report, &labels, &kinds);
    print!("{}", ev.summary());
    assert!(
        ev.unmapped_kinds.is_empty(),
        "secret kinds without rules: {:?}",
        ev.unmapped_kinds
    );
    assert!(ev.recall() >= 0.97, "recall {:.3} below 0.97", ev.recall());
    assert!(
        ev.precision() >= 0.97,
        "precision {:.3} below 0.97",
        ev.precision()
    );
}
