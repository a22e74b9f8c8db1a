use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// CODE011: Pickle-based deserialisation of a file or bytes.
pub static RULE: Rule = Rule {
    id: "CODE011",
    name: "pickle-deserialisation",
    title: "Pickle-based deserialisation of a file or bytes",
    category: Category::Code,
    severity: Severity::High,
    what: "Reports loading with a pickle-based deserialiser: `pickle.load(s)`, `pickle.Unpickler`, `cPickle`, `joblib.load`, `dill.load(s)`, `cloudpickle.load(s)`, `pandas.read_pickle`, `shelve.open`. High when the file also downloads data (hub downloads, HTTP clients, object storage), medium otherwise, low when the module also writes that format itself (`pickle.dump`, `joblib.dump`, `to_pickle`: a cache or checkpoint it reads back). `pickle.loads(pickle.dumps(x))` (a copy in memory) and `pickle.dump` are not reported. Low in tests (the project's own fixtures).",
    why: "Unpickling runs whatever the pickle's author put in it; scikit-learn models, cached embeddings and joblib artefacts are routinely shared and downloaded, which makes them a favourite carrier of malware.",
    example: "`path = hf_hub_download(repo_id=..., filename=\"model.pkl\")` then `pickle.load(open(path, \"rb\"))`.",
    remediation: "Load data with a format that cannot carry code (safetensors, ONNX, JSON, Parquet, skops with a trusted-type list), or verify the artefact's hash against a trusted record and scan it before loading.",
    controls: &[
        LLM03,
        LLM04,
        ML06,
        ATLAS_T0011_000,
        ATLAS_T0018_002,
        ATLAS_M0011,
        NIST_MANAGE_3_2,
        EU_ART_15,
    ],
};
