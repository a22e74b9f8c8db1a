//! Fixtures of the pickle analyzer (pickle, PyTorch, NumPy, joblib). Every payload is
//! written opcode by opcode and never run; commands are harmless `echo`s.

use super::Fixture;
use crate::pickle::{
    PickleWriter, benign_state_dict_pickle, malicious_os_system_pickle,
    malicious_os_system_pickle_v4, plain_data_pickle, reduce_call_pickle,
};
use crate::{npy, pytorch_zip};

const CMD: &str = "echo aispm-fixture";

/// The magic number pickle that opens a PyTorch legacy checkpoint.
const TORCH_LEGACY_MAGIC: &[u8] = b"\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.";

/// A protocol 4+ stream (PROTO, FRAME, …) with its FRAME length replaced.
fn with_frame_len(mut b: Vec<u8>, len: u64) -> Vec<u8> {
    if let Some(slot) = b.get_mut(3..11) {
        slot.copy_from_slice(&len.to_le_bytes());
    }
    b
}

fn fx(rule: &str, name: &str, bytes: Vec<u8>) -> Fixture {
    (format!("pickle/{rule}/{name}"), bytes)
}

/// `{'hook': module.name}`: the callable is referenced, never called.
fn reference_only(module: &str, name: &str) -> Vec<u8> {
    let mut p = PickleWriter::new(2);
    p.empty_dict();
    p.memoize();
    p.unicode("hook");
    p.memoize();
    p.global_ref(module, name);
    p.setitem();
    p.finish()
}

/// `STACK_GLOBAL('os', _operator.add('sys', 'tem'))(CMD)`: the name exists only at load time.
fn dynamic_name() -> Vec<u8> {
    let mut p = PickleWriter::new(4);
    p.unicode("os");
    p.unicode("_operator");
    p.unicode("add");
    p.stack_global();
    p.mark();
    p.unicode("sys");
    p.unicode("tem");
    p.tuple();
    p.reduce();
    p.stack_global();
    p.mark();
    p.unicode(CMD);
    p.tuple();
    p.reduce();
    p.finish()
}

/// An instance of `module.name` built with NEWOBJ and a BUILD of `state`.
fn object_with_state(module: &str, name: &str, state: &[(&str, &str)]) -> Vec<u8> {
    let mut p = PickleWriter::new(4);
    p.global_ref(module, name);
    p.empty_tuple().newobj();
    p.memoize();
    p.empty_dict();
    p.memoize();
    p.mark();
    for (k, v) in state {
        p.unicode(k);
        p.memoize();
        p.unicode(v);
        p.memoize();
    }
    p.setitems();
    p.build();
    p.finish()
}

/// A SimpleNamespace whose BUILD installs `__setstate__ = builtins.print`, and a second
/// BUILD that therefore calls it.
fn setstate_gadget() -> Vec<u8> {
    let mut p = PickleWriter::new(4);
    p.global_ref("types", "SimpleNamespace");
    p.empty_tuple().newobj();
    p.memoize();
    p.empty_dict();
    p.unicode("__setstate__");
    p.global_ref("builtins", "print");
    p.setitem();
    p.build();
    p.unicode("aispm-fixture");
    p.build();
    p.finish()
}

/// The state dict pickle in PyTorch's legacy sequential layout: magic number, protocol
/// version, sys_info, the model, the storage keys, then raw storage bytes.
fn torch_legacy(model: &[u8]) -> Vec<u8> {
    let mut out = TORCH_LEGACY_MAGIC.to_vec();
    let mut p = PickleWriter::new(2);
    p.int(1001);
    out.extend(p.finish());
    let mut p = PickleWriter::new(2);
    p.empty_dict();
    p.mark();
    p.unicode("protocol_version");
    p.int(1001);
    p.unicode("little_endian");
    p.bool(true);
    p.setitems();
    out.extend(p.finish());
    out.extend_from_slice(model);
    let mut p = PickleWriter::new(2);
    p.empty_list();
    p.mark();
    p.unicode("0");
    p.unicode("1");
    p.appends();
    out.extend(p.finish());
    // Storage 0 (4 floats) and 1 (2 floats): element count, then the bytes.
    for n in [4u64, 2] {
        out.extend_from_slice(&n.to_le_bytes());
        out.extend(std::iter::repeat_n(0x3fu8, n as usize * 4));
    }
    out
}

fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in data.chunks(3) {
        let b = [c[0], *c.get(1).unwrap_or(&0), *c.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= c.len() {
                s.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// A config dict with one field holding `payload` as a base64 string.
fn with_encoded_field(payload: &[u8]) -> Vec<u8> {
    let mut p = PickleWriter::new(4);
    p.empty_dict();
    p.memoize();
    p.mark();
    p.unicode("model");
    p.unicode("resnet");
    p.unicode("encoded_weights");
    p.unicode(&base64(payload));
    p.setitems();
    p.finish()
}

/// A dict whose strings only mention dangerous names.
fn strings_mention_danger() -> Vec<u8> {
    let mut p = PickleWriter::new(4);
    p.empty_dict();
    p.mark();
    p.unicode("note");
    p.unicode("never call os.system or eval in a model");
    p.unicode("encoded");
    p.unicode("gAlleries of cats, not a pickle");
    p.setitems();
    p.finish()
}

/// Positive and negative fixtures, paths relative to the fixtures root.
pub fn fixtures() -> Vec<Fixture> {
    let state_dict = benign_state_dict_pickle();
    let storages: [(&str, &[u8]); 2] = [("0", &[0u8; 16]), ("1", &[0u8; 8])];
    let plain = plain_data_pickle();
    let mut v = vec![
        // MDL001: a dangerous callable is called on load.
        fx(
            "MDL001",
            "pos_os_system_p2.pkl",
            malicious_os_system_pickle(CMD),
        ),
        fx(
            "MDL001",
            "pos_os_system_p4.pkl",
            malicious_os_system_pickle_v4(CMD),
        ),
        fx(
            "MDL001",
            "pos_torch_zip.pt",
            pytorch_zip(
                "archive",
                &reduce_call_pickle(2, "builtins", "exec", &["print(1)"]),
                &[],
            ),
        ),
        fx(
            "MDL001",
            "neg_state_dict.pt",
            pytorch_zip("archive", &state_dict, &storages),
        ),
        fx("MDL001", "neg_plain.pkl", plain.clone()),
        // MDL002: referenced only.
        fx(
            "MDL002",
            "pos_reference_only.pkl",
            reference_only("os", "system"),
        ),
        fx(
            "MDL002",
            "neg_ordered_dict_reference.pkl",
            reference_only("collections", "OrderedDict"),
        ),
        // MDL003: a name built at load time.
        fx("MDL003", "pos_dynamic_name.pkl", dynamic_name()),
        fx(
            "MDL003",
            "neg_literal_import.pkl",
            reference_only("collections", "OrderedDict"),
        ),
        // MDL004: outside the allow-list.
        fx(
            "MDL004",
            "pos_custom_class.pkl",
            object_with_state("mylab.models", "MyNet", &[("depth", "3")]),
        ),
        fx(
            "MDL004",
            "neg_sklearn_estimator.pkl",
            object_with_state(
                "sklearn.linear_model._logistic",
                "LogisticRegression",
                &[("penalty", "l2")],
            ),
        ),
    ];
    // MDL005: EXT1 42, called.
    let mut p = PickleWriter::new(2);
    p.raw(&[0x82, 42]).empty_tuple().reduce();
    v.push(fx("MDL005", "pos_ext1.pkl", p.finish()));
    v.push(fx("MDL005", "neg_plain.pkl", plain.clone()));
    // MDL006: the payload comes first, then the stream breaks off.
    let mal = malicious_os_system_pickle(CMD);
    v.push(fx(
        "MDL006",
        "pos_truncated.pkl",
        mal[..mal.len() - 3].to_vec(),
    ));
    v.push(fx("MDL006", "neg_complete.pkl", mal.clone()));
    // MDL007: bytes after STOP.
    let mut tail = plain.clone();
    tail.extend_from_slice(b"\x00\x01\x02 trailing bytes that are no pickle");
    v.push(fx("MDL007", "pos_trailing.pkl", tail));
    v.push(fx(
        "MDL007",
        "neg_torch_legacy.bin",
        torch_legacy(&state_dict),
    ));
    // MDL008: a harmless stream in front of a second one.
    let mut two = plain.clone();
    two.extend(malicious_os_system_pickle(CMD));
    v.push(fx("MDL008", "pos_two_streams.pkl", two));
    v.push(fx(
        "MDL008",
        "neg_torch_legacy.bin",
        torch_legacy(&state_dict),
    ));
    // MDL009: memo lookup of a slot never stored.
    let mut p = PickleWriter::new(2);
    p.binget(7);
    v.push(fx("MDL009", "pos_memo_unset.pkl", p.finish()));
    // FRAME lengths that lie: CPython reads the opcodes in sequence all the same, so
    // the call is found (MDL001) and the lie is reported (MDL009).
    let call = malicious_os_system_pickle_v4(CMD);
    let longer = with_frame_len(call.clone(), call.len() as u64 + 4096);
    let shorter = with_frame_len(call.clone(), 3);
    v.push(fx(
        "MDL001",
        "pos_frame_longer_than_data.pkl",
        longer.clone(),
    ));
    v.push(fx(
        "MDL001",
        "pos_frame_shorter_than_call.pkl",
        shorter.clone(),
    ));
    v.push(fx("MDL009", "pos_frame_longer_than_data.pkl", longer));
    v.push(fx("MDL009", "pos_frame_shorter_than_call.pkl", shorter));
    v.push(fx("MDL009", "neg_framed_plain.pkl", plain.clone()));
    v.push(fx("MDL009", "neg_state_dict.pkl", state_dict.clone()));
    // MDL010: a pickle inside a pickle.
    v.push(fx(
        "MDL010",
        "pos_base64_nested.pkl",
        with_encoded_field(&reduce_call_pickle(4, "builtins", "print", &["nested"])),
    ));
    v.push(fx(
        "MDL010",
        "neg_strings_mention_danger.pkl",
        strings_mention_danger(),
    ));
    // MDL011: a code object built from bytecode.
    let mut p = PickleWriter::new(2);
    p.global_ref("types", "CodeType");
    p.mark()
        .int(0)
        .int(0)
        .bytes(b"\x97\x00d\x00S\x00")
        .tuple()
        .reduce();
    v.push(fx("MDL011", "pos_code_type.pkl", p.finish()));
    v.push(fx("MDL011", "neg_plain.pkl", plain.clone()));
    // MDL012: object-dtype npy.
    v.push(fx("MDL012", "pos_object.npy", npy("|O", &[1], &plain)));
    v.push(fx("MDL012", "neg_f32.npy", npy("<f4", &[2], &[0u8; 8])));
    // MDL013: __setstate__ installed by BUILD.
    v.push(fx("MDL013", "pos_setstate.pkl", setstate_gadget()));
    v.push(fx(
        "MDL013",
        "neg_estimator_state.pkl",
        object_with_state(
            "sklearn.tree._classes",
            "DecisionTreeClassifier",
            &[("criterion", "gini")],
        ),
    ));
    // MDL014: a scanner imported from the pickle.
    v.push(fx(
        "MDL014",
        "pos_scanner_import.pkl",
        reduce_call_pickle(2, "fickling.hook", "deactivate_safe_ml_environment", &[]),
    ));
    v.push(fx("MDL014", "neg_plain.pkl", plain.clone()));
    // MDL015: MARK nesting beyond the analyzer's cap.
    let mut bomb = vec![0x80, 2];
    bomb.extend(std::iter::repeat_n(b'(', 10_050));
    bomb.push(b'.');
    v.push(fx("MDL015", "pos_mark_nesting.pkl", bomb));
    v.push(fx("MDL015", "neg_state_dict.pkl", state_dict));
    v
}

/// A skops archive whose `schema.json` names one object of `module.class` inside a
/// scikit-learn pipeline, as `skops.io.dump` writes it.
fn skops_archive(module: &str, class: &str) -> Vec<u8> {
    let schema = format!(
        r#"{{
  "__class__": "Pipeline",
  "__module__": "sklearn.pipeline",
  "__loader__": "ObjectNode",
  "content": {{
    "__class__": "dict",
    "__module__": "builtins",
    "__loader__": "DictNode",
    "content": {{
      "step": {{"__class__": "{class}", "__module__": "{module}", "__loader__": "ObjectNode", "content": {{}}}}
    }}
  }},
  "protocol": 2,
  "_skops_version": "0.10.0"
}}
"#
    );
    crate::zip_of(&[("schema.json", schema.as_bytes())])
}

/// Fixtures of the skops analyzer (it shares the pickle import policy).
pub fn skops_fixtures() -> Vec<Fixture> {
    let f = |rule: &str, name: &str, bytes: Vec<u8>| (format!("skops/{rule}/{name}"), bytes);
    vec![
        f(
            "MDL016",
            "pos_os_system.skops",
            skops_archive("os", "system"),
        ),
        f(
            "MDL016",
            "neg_scaler.skops",
            skops_archive("sklearn.preprocessing._data", "StandardScaler"),
        ),
        f(
            "MDL017",
            "pos_custom_class.skops",
            skops_archive("__main__", "DivideColumns"),
        ),
        f(
            "MDL017",
            "neg_logistic.skops",
            skops_archive("sklearn.linear_model._logistic", "LogisticRegression"),
        ),
    ]
}
