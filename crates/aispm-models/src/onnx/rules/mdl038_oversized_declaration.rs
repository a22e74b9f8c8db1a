use crate::onnx::rules::Model;
use crate::onnx::{MAX_RANK, Tensor, element_size};
use aispm_core::RawFinding;
use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// MDL038: an ONNX tensor declares a size the file cannot hold.
pub static RULE: Rule = Rule {
    id: "MDL038",
    name: "onnx-oversized-declaration",
    title: "ONNX tensor declares an impossible size",
    category: Category::Model,
    severity: Severity::Medium,
    what: "Reports ONNX tensors whose dimensions are negative, whose element count overflows \
64 bits, whose rank is absurd, or whose inline data would be far larger than the whole \
file.",
    why: "Runtimes allocate from declared shapes before they read data. An impossible \
declaration is a denial-of-service or memory-corruption attempt against the loader, or a \
sign of a tampered file.",
    example: "An initializer with `dims: [4294967296, 4294967296, 16]` in a 200-byte model.",
    remediation: "Do not load the file; obtain the model again from a trusted source and \
verify its checksum.",
    controls: &[LLM10, ML06, ATLAS_T0029, NIST_MEASURE_2_7, EU_ART_15],
};

/// Every impossible tensor declaration the walk kept (it asks [`oversized`] of each);
/// the last one counts those past the walk's cap.
pub(crate) fn check(model: &Model<'_>, out: &mut Vec<RawFinding>) {
    let facts = model.facts;
    let last = facts.oversized.len().saturating_sub(1);
    for (i, o) in facts.oversized.iter().enumerate() {
        let mut f = RawFinding::new(&RULE, model.path, o.clone()).evidence(o.clone());
        // Nothing dropped unsaid: the last one listed counts the ones past the cap.
        let more = facts.omitted.oversized;
        if i == last && more > 0 {
            f = f.more_in_file(more, "impossible tensor declarations");
        }
        out.push(f);
    }
}

/// Why a tensor declaration is impossible, if it is: more dimensions than a tensor
/// has, a negative dimension, more elements than 64 bits count, or inline data the
/// file (of `file_size` bytes) could not hold many times over.
pub(crate) fn oversized(t: &Tensor, file_size: u64) -> Option<String> {
    let name = if t.name.is_empty() {
        "(unnamed)"
    } else {
        &t.name
    };
    if t.rank > MAX_RANK {
        return Some(format!("tensor {name} declares {} dimensions", t.rank));
    }
    if let Some(d) = t.dims.iter().find(|&&d| (d as i64) < 0) {
        return Some(format!(
            "tensor {name} declares a negative dimension {}",
            *d as i64
        ));
    }
    let elems = t.dims.iter().try_fold(1u64, |acc, &d| acc.checked_mul(d));
    let bytes = elems.and_then(|e| e.checked_mul(element_size(t.data_type)));
    match bytes {
        None => Some(format!(
            "tensor {name} of shape {:?} has more elements than 64 bits can count",
            t.dims
        )),
        Some(b) if !t.external && t.location.is_none() && t.data_bytes > 0 => {
            // Inline data: a declaration that the file could not hold many times
            // over is not a model that was ever saved.
            let limit = file_size.saturating_mul(16).max(1 << 20);
            (b > limit).then(|| {
                format!(
                    "tensor {name} of shape {:?} declares {b} bytes in a {file_size}-byte file",
                    t.dims
                )
            })
        }
        Some(_) => None,
    }
}
