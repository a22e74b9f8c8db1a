//! Pickles that hold retrieval data rather than a model: a vector store's docstore
//! (LangChain's FAISS store writes `index.pkl` beside `index.faiss`), pickled
//! document classes, or a mapping of embeddings. They are inventoried as
//! `vector-store` assets. The model-security analyzers judge every pickle whatever
//! the inventory calls it; this only decides what the asset is.
//!
//! Read from the head only (the engine's first bytes), without an opcode walk: the
//! module paths a pickle imports are written as plain text (`GLOBAL` lines or the
//! strings before `STACK_GLOBAL`), and so are the keys of a pickled mapping.

use aispm_core::{FileInput, FileKind};

/// Module path components of document and vector stores.
const STORE_COMPONENTS: &[&str] = &[
    "docstore",
    "docstores",
    "vectorstore",
    "vectorstores",
    "vector_store",
    "vector_stores",
];
/// Retrieval frameworks whose document classes make a pickle a store of documents.
const RETRIEVAL_ROOTS: &[&str] = &[
    "langchain",
    "langchain_core",
    "langchain_community",
    "llama_index",
];
/// Their modules that hold document classes.
const DOCUMENT_COMPONENTS: &[&str] = &["documents", "schema"];
/// Keys of a pickled mapping of embeddings.
const EMBEDDING_KEYS: &[&[u8]] = &[b"embeddings", b"embedding", b"vectors"];
/// Modules of model frameworks: a pickle importing one is a model, whatever its keys.
const MODEL_ROOTS: &[&str] = &[
    "torch",
    "sklearn",
    "tensorflow",
    "keras",
    "xgboost",
    "lightgbm",
    "catboost",
    "transformers",
];

/// Why this pickle is a vector store, or `None` when nothing says so.
pub fn vector_store_evidence(file: &FileInput<'_>) -> Option<String> {
    if !matches!(file.kind, FileKind::Pickle | FileKind::Joblib) {
        return None;
    }
    if let Some(index) = faiss_beside(file) {
        return Some(format!("beside the FAISS index `{index}`"));
    }
    let paths = module_paths(file.head);
    if let Some(p) = paths.iter().find(|p| is_store_module(p)) {
        return Some(format!("imports `{p}`"));
    }
    let imports_model = paths
        .iter()
        .any(|p| MODEL_ROOTS.iter().any(|r| first_component(p).ends_with(r)));
    if !imports_model && let Some(key) = embedding_key(file.head) {
        return Some(format!("a mapping with `{key}`"));
    }
    None
}

/// `index.faiss` beside `index.pkl`: the two files of a saved FAISS vector store. Only
/// for files on disk (a member of an archive has no folder on disk to look in).
fn faiss_beside(file: &FileInput<'_>) -> Option<String> {
    if file.parent.is_some() || file.path.contains(aispm_core::report::ARCHIVE_SEPARATOR) {
        return None;
    }
    let index = file.disk_path.with_extension("faiss");
    index
        .is_file()
        .then(|| index.file_name()?.to_str().map(str::to_string))
        .flatten()
}

/// Dotted names in the head: runs of identifier characters holding a dot. The byte
/// before a module name (the `GLOBAL` opcode, or a string length that happens to be a
/// letter) may be glued to the first component, so roots are matched by suffix.
fn module_paths(head: &[u8]) -> Vec<String> {
    head.split(|b| !(b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.'))
        .filter(|t| t.len() > 3 && t.len() < 200 && t.contains(&b'.'))
        .filter(|t| !t.starts_with(b".") && !t.ends_with(b"."))
        .filter_map(|t| std::str::from_utf8(t).ok())
        .map(str::to_string)
        .take(1000)
        .collect()
}

fn first_component(path: &str) -> &str {
    path.split('.').next().unwrap_or(path)
}

fn is_store_module(path: &str) -> bool {
    let mut parts = path.split('.');
    let root = parts.next().unwrap_or_default();
    let rest: Vec<&str> = parts.collect();
    rest.iter().any(|c| STORE_COMPONENTS.contains(c))
        || (RETRIEVAL_ROOTS.iter().any(|r| root.ends_with(r))
            && rest.iter().any(|c| DOCUMENT_COMPONENTS.contains(c)))
}

/// An embedding key pushed as a short string (`SHORT_BINUNICODE`, `BINUNICODE`,
/// `SHORT_BINSTRING`): its exact length byte before it.
fn embedding_key(head: &[u8]) -> Option<&'static str> {
    EMBEDDING_KEYS.iter().find_map(|key| {
        let short = [&[0x8c, key.len() as u8][..], key].concat();
        let binstring = [&[b'U', key.len() as u8][..], key].concat();
        let long = [&[b'X', key.len() as u8, 0, 0, 0][..], key].concat();
        [short, binstring, long]
            .iter()
            .any(|needle| memchr::memmem::find(head, needle).is_some())
            .then(|| std::str::from_utf8(key).unwrap_or_default())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(name: &'a str, bytes: &'a [u8]) -> FileInput<'a> {
        crate::bytes_input(name, FileKind::Pickle, bytes)
    }

    /// `STACK_GLOBAL` of `module.name` as protocol 4 writes it.
    fn stack_global(module: &str, name: &str) -> Vec<u8> {
        let mut out = Vec::new();
        for s in [module, name] {
            out.extend_from_slice(&[0x8c, s.len() as u8]);
            out.extend_from_slice(s.as_bytes());
            out.push(0x94);
        }
        out.push(0x93);
        out
    }

    #[test]
    fn docstore_and_document_classes_make_a_store() {
        let mut p = b"\x80\x04\x95\x00\x01\x00\x00\x00\x00\x00\x00".to_vec();
        p.extend(stack_global("retrievers.docstore.memory", "MemoryStore"));
        let e = vector_store_evidence(&input("x/index.pkl", &p)).unwrap();
        assert!(e.contains("retrievers.docstore.memory"), "{e}");
        let mut p = b"\x80\x02".to_vec();
        p.extend_from_slice(b"clangchain_core.documents.base\nDocument\n");
        assert!(vector_store_evidence(&input("chunks.pkl", &p)).is_some());
    }

    #[test]
    fn pickled_embeddings_are_a_store_unless_a_framework_is_imported() {
        let mut p = b"\x80\x04\x95\x00\x01\x00\x00\x00\x00\x00\x00}\x94(".to_vec();
        p.extend_from_slice(b"\x8c\x0aembeddings\x94]\x94(G?\xf0\x00\x00\x00\x00\x00\x00");
        let e = vector_store_evidence(&input("data/db.pkl", &p)).unwrap();
        assert!(e.contains("embeddings"), "{e}");
        // A model whose state dict has an `embeddings` entry stays a model.
        let mut m = b"\x80\x02".to_vec();
        m.extend_from_slice(b"ctorch._utils\n_rebuild_tensor_v2\n");
        m.extend_from_slice(b"\x8c\x0aembeddings\x94");
        assert_eq!(vector_store_evidence(&input("model.pkl", &m)), None);
    }

    #[test]
    fn models_and_plain_pickles_are_not_stores() {
        let mut p = b"\x80\x04".to_vec();
        p.extend(stack_global(
            "sklearn.linear_model._base",
            "LinearRegression",
        ));
        assert_eq!(vector_store_evidence(&input("clf.pkl", &p)), None);
        // Prose that mentions a docstore is not a module path.
        let p = b"\x80\x04\x8c\x1bthe docstore holds . things\x94.";
        assert_eq!(vector_store_evidence(&input("notes.pkl", p)), None);
        assert_eq!(
            vector_store_evidence(&input("empty.pkl", b"\x80\x04}\x94.")),
            None
        );
    }

    #[test]
    fn a_pickle_beside_a_faiss_index_is_its_docstore() {
        let d = tempfile::tempdir().unwrap();
        let pkl = d.path().join("index.pkl");
        std::fs::write(&pkl, b"\x80\x04}\x94.").unwrap();
        std::fs::write(d.path().join("index.faiss"), b"IxF2").unwrap();
        let bytes = std::fs::read(&pkl).unwrap();
        let f = FileInput::new(
            "store/index.pkl",
            &pkl,
            FileKind::Pickle,
            bytes.len() as u64,
            &bytes,
            aispm_core::Source::Path(&pkl),
        );
        assert_eq!(
            vector_store_evidence(&f).as_deref(),
            Some("beside the FAISS index `index.faiss`")
        );
        // A lone index.pkl is judged by its content alone.
        std::fs::remove_file(d.path().join("index.faiss")).unwrap();
        assert_eq!(vector_store_evidence(&f), None);
    }
}
