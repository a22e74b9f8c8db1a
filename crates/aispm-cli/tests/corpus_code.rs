//! Acceptance on the code corpus (`../shared/corpus/code`): unsafe handling of model
//! output, unsafe model loading and Hub pinning in Python, JavaScript and TypeScript,
//! and the AI SDK inventory. Recall and strict precision (any finding of a corpus kind
//! that matches no expected row counts against it), both at least 0.95.

use aispm_corpus::{KindMap, corpus_folder, evaluate, load_labels, run_scan};
use std::path::Path;

#[test]
fn code_corpus_recall_and_precision() {
    let Some(folder) = corpus_folder("code") else {
        return;
    };
    let labels = load_labels(&folder).unwrap();
    let kinds = KindMap::load().unwrap();
    let report = run_scan(Path::new(env!("CARGO_BIN_EXE_aispm")), &folder, &[]).unwrap();
    let ev = evaluate("code", &report, &labels, &kinds);
    print!("{}", ev.summary());
    assert!(
        ev.unmapped_kinds.is_empty(),
        "code kinds without rules: {:?}",
        ev.unmapped_kinds
    );
    for (kind, score) in &ev.per_kind {
        assert!(
            score.recall() >= 0.95 && score.precision() >= 0.95,
            "{kind}: recall {:.3}, precision {:.3}",
            score.recall(),
            score.precision()
        );
    }
    assert!(ev.recall() >= 0.95, "recall {:.3} below 0.95", ev.recall());
    assert!(
        ev.precision() >= 0.95,
        "precision {:.3} below 0.95",
        ev.precision()
    );
}
