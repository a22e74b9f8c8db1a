//! `CODE011`: a pickle-based load (`pickle`, `joblib`, `dill`, `cloudpickle`,
//! `pandas.read_pickle`, `shelve`), weighed by whether the file downloads artefacts
//! or reads back what it writes itself.

use super::Weighing;
use crate::flow::{Call, Walker};
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

/// Low in tests, which load the project's own fixtures.
pub(crate) const WEIGHING: Weighing = Weighing::LowInTests;

/// Loads that unpickle what they read, by resolved name.
const PICKLE: &[&str] = &[
    "pickle.load",
    "pickle.loads",
    "pickle.Unpickler",
    "cPickle.load",
    "cPickle.loads",
    "_pickle.load",
    "_pickle.loads",
    "joblib.load",
    "sklearn.externals.joblib.load",
    "dill.load",
    "dill.loads",
    "cloudpickle.load",
    "cloudpickle.loads",
    "pandas.read_pickle",
    "shelve.open",
];

/// A pickle-based load.
pub(crate) fn check<'s>(w: &mut Walker<'s>, call: &Call<'s>) {
    let resolved = call.resolved.as_str();
    if !PICKLE.contains(&resolved) || round_trip(w, call) {
        return;
    }
    let downloads = w.downloads_artefacts();
    // A module that also writes this format reads back what it wrote (a cache,
    // a checkpoint): exploitable only with write access to those files.
    let module = resolved.rsplit_once('.').map_or(resolved, |(m, _)| m);
    let writes = ["dump", "save"]
        .iter()
        .any(|x| w.module_calls(&format!("{module}.{x}")))
        || (module == "pandas" && w.module_calls(".to_pickle"));
    let sev = if downloads {
        None
    } else if writes {
        Some(Severity::Low)
    } else {
        Some(Severity::Medium)
    };
    let msg = if downloads {
        format!("`{resolved}` in code that downloads artefacts runs any code embedded in the data")
    } else if writes {
        format!(
            "`{resolved}` runs any code embedded in the data it loads (files this module writes itself)"
        )
    } else {
        format!("`{resolved}` runs any code embedded in the data it loads")
    };
    w.hit(&RULE, call.node, msg, sev);
}

/// `pickle.loads(pickle.dumps(x))`: a copy of an object in memory, no data read.
fn round_trip<'s>(w: &Walker<'s>, call: &Call<'s>) -> bool {
    let module = call.resolved.rsplit_once('.').map(|(m, _)| m);
    call.arg0().is_some_and(|a| {
        w.kind(a) == "call"
            && w.callee_name(a).is_some_and(|inner| {
                inner.ends_with("dumps") && inner.rsplit_once('.').map(|(m, _)| m) == module
            })
    })
}
