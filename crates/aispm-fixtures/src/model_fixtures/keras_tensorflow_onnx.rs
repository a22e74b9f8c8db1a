//! Fixtures of the Keras, TensorFlow and ONNX analyzers.
//!
//! Keras 3 archives come from [`keras_zip`]; Keras 2 HDF5 files are hand-assembled by
//! [`keras2_h5`] (superblock version 0, a version 1 root object header and a global
//! heap, as h5py lays them out). Lambda bytecode is a synthetic byte string shaped
//! like a marshalled code object — never produced by or meant for Python.
//! TensorFlow graphs are protobufs written field by field; a bare GraphDef is named
//! `*.pb`, a SavedModel travels as `saved_model.pb` inside a zip because the scanner
//! recognises SavedModels by that name.

use super::Fixture;
use crate::protobuf::Message;
use crate::{keras_zip, onnx_model, zip_of};

/// Standard base64 with padding.
pub fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                s.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// A byte string shaped like a marshalled code object: the code-object type byte,
/// an opaque body, then the given names as short interned strings (`\xda`, length,
/// text), which is where marshal keeps a function's constants and names.
pub fn fake_code_object(names: &[&str]) -> Vec<u8> {
    let mut b = vec![0xe3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0];
    b.extend_from_slice(&[0xf3, 8, 0, 0, 0, 0x97, 0, 0x7c, 0, 0x53, 0, 0x29]);
    for n in names {
        b.push(0xda);
        b.push(n.len().min(255) as u8);
        b.extend_from_slice(&n.as_bytes()[..n.len().min(255)]);
    }
    b.extend_from_slice(&[0xfa, 8]);
    b.extend_from_slice(b"<lambda>");
    b
}

fn sequential(extra_layers: &[String]) -> String {
    let mut layers = vec![
        r#"{"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 4], "dtype": "float32", "name": "input_layer"}, "registered_name": null}"#.to_string(),
        r#"{"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense", "units": 2, "activation": "relu"}, "registered_name": null}"#.to_string(),
    ];
    layers.extend(extra_layers.iter().cloned());
    format!(
        r#"{{"module": "keras", "class_name": "Sequential", "config": {{"name": "sequential", "layers": [{}]}}, "registered_name": null}}"#,
        layers.join(", ")
    )
}

fn keras3_lambda(names: &[&str]) -> String {
    format!(
        r#"{{"module": "keras.layers", "class_name": "Lambda", "registered_name": null, "config": {{"name": "lambda", "function": {{"class_name": "__lambda__", "config": {{"code": "{}", "defaults": null, "closure": null}}}}, "arguments": {{}}}}}}"#,
        base64(&fake_code_object(names))
    )
}

fn keras2_config(names: &[&str]) -> String {
    format!(
        r#"{{"class_name": "Sequential", "config": {{"name": "sequential", "layers": [{{"class_name": "Dense", "config": {{"name": "dense", "units": 2}}}}, {{"class_name": "TimeDistributed", "config": {{"name": "td", "layer": {{"class_name": "Lambda", "config": {{"name": "lambda", "function": ["{}", null, null], "function_type": "lambda", "module": "__main__"}}}}}}}}]}}}}"#,
        base64(&fake_code_object(names))
    )
}

/// A Keras 2 style HDF5 file: superblock version 0, a version 1 root object header
/// whose attributes are variable-length strings kept in one global heap collection.
pub fn keras2_h5(attrs: &[(&str, &str)]) -> Vec<u8> {
    const SIGNATURE: &[u8; 8] = b"\x89HDF\r\n\x1a\n";
    let mut f = vec![0u8; 0x60];
    f[..8].copy_from_slice(SIGNATURE);
    f[13] = 8; // size of offsets
    f[14] = 8; // size of lengths
    f[16] = 4; // group leaf node K
    f[18] = 16; // group internal node K
    f[32..40].copy_from_slice(&u64::MAX.to_le_bytes()); // no free-space info
    f[48..56].copy_from_slice(&u64::MAX.to_le_bytes()); // no driver info
    f[64..72].copy_from_slice(&0x60u64.to_le_bytes()); // root object header
    let heap_at = 0x1000u64;
    let mut msgs = Vec::new();
    for (i, (name, value)) in attrs.iter().enumerate() {
        let name_z = format!("{name}\0");
        let mut a = vec![1u8, 0];
        a.extend_from_slice(&(name_z.len() as u16).to_le_bytes());
        a.extend_from_slice(&20u16.to_le_bytes()); // datatype size
        a.extend_from_slice(&8u16.to_le_bytes()); // dataspace size
        let mut nb = name_z.into_bytes();
        nb.resize(nb.len().div_ceil(8) * 8, 0);
        a.extend_from_slice(&nb);
        // Variable-length string of 1-byte characters.
        let mut dt = vec![0x19u8, 1, 0, 0];
        dt.extend_from_slice(&16u32.to_le_bytes());
        dt.extend_from_slice(&[0x10, 0, 0, 0, 1, 0, 0, 0, 0, 0, 8, 0]);
        dt.resize(24, 0);
        a.extend_from_slice(&dt);
        a.extend_from_slice(&[1, 0, 0, 0, 0, 0, 0, 0]); // scalar dataspace
        a.extend_from_slice(&(value.len() as u32).to_le_bytes());
        a.extend_from_slice(&heap_at.to_le_bytes());
        a.extend_from_slice(&(i as u32 + 1).to_le_bytes());
        a.resize(a.len().div_ceil(8) * 8, 0);
        msgs.extend_from_slice(&0x0Cu16.to_le_bytes());
        msgs.extend_from_slice(&(a.len() as u16).to_le_bytes());
        msgs.extend_from_slice(&[0, 0, 0, 0]);
        msgs.extend_from_slice(&a);
    }
    let mut oh = vec![1u8, 0];
    oh.extend_from_slice(&(attrs.len() as u16).to_le_bytes());
    oh.extend_from_slice(&1u32.to_le_bytes());
    oh.extend_from_slice(&(msgs.len() as u32).to_le_bytes());
    oh.extend_from_slice(&[0, 0, 0, 0]);
    oh.extend_from_slice(&msgs);
    f.extend_from_slice(&oh);
    if f.len() > heap_at as usize {
        // More attribute text than fits before the heap: not a fixture we write.
        f.truncate(heap_at as usize);
    }
    f.resize(heap_at as usize, 0);
    let mut objs = Vec::new();
    for (i, (_, v)) in attrs.iter().enumerate() {
        objs.extend_from_slice(&(i as u16 + 1).to_le_bytes());
        objs.extend_from_slice(&[1, 0, 0, 0, 0, 0]);
        objs.extend_from_slice(&(v.len() as u64).to_le_bytes());
        let mut b = v.as_bytes().to_vec();
        b.resize(b.len().div_ceil(8) * 8, 0);
        objs.extend_from_slice(&b);
    }
    let coll_size = (16 + objs.len() + 16).max(4096) as u64;
    f.extend_from_slice(b"GCOL\x01\0\0\0");
    f.extend_from_slice(&coll_size.to_le_bytes());
    f.extend_from_slice(&objs);
    f.resize(heap_at as usize + coll_size as usize, 0);
    let eof = f.len() as u64;
    f[40..48].copy_from_slice(&eof.to_le_bytes());
    f
}

fn h5_model(config: &str) -> Vec<u8> {
    keras2_h5(&[
        ("backend", "tensorflow"),
        ("keras_version", "2.13.1"),
        ("model_config", config),
    ])
}

fn tf_node(name: &str, op: &str) -> Message {
    let mut n = Message::new();
    n.string(1, name).string(2, op);
    n
}

/// A `Const` node holding a float zero, as every real graph has some.
fn tf_const(name: &str) -> Message {
    let mut tensor = Message::new();
    tensor.int(1, 1).bytes(5, &[0, 0, 0, 0]);
    let mut value = Message::new();
    value.message(8, &tensor);
    let mut entry = Message::new();
    entry.string(1, "value").message(2, &value);
    let mut n = tf_node(name, "Const");
    n.message(5, &entry);
    n
}

/// A GraphDef: top-level nodes, and optionally one library function with its own.
fn graph_def(top: &[(&str, &str)], function: &[(&str, &str)]) -> Message {
    let mut g = Message::new();
    g.message(1, &tf_const("c"));
    for (n, o) in top {
        g.message(1, &tf_node(n, o));
    }
    if !function.is_empty() {
        let mut sig = Message::new();
        sig.string(1, "__inference_serve_7");
        let mut fd = Message::new();
        fd.message(1, &sig);
        for (n, o) in function {
            fd.message(3, &tf_node(n, o));
        }
        let mut lib = Message::new();
        lib.message(1, &fd);
        g.message(2, &lib);
    }
    g
}

fn saved_model_zip(graph: &Message) -> Vec<u8> {
    saved_model_zip_with_asset(graph, None)
}

/// A zipped SavedModel; with `asset`, its meta graph lists that asset file name.
fn saved_model_zip_with_asset(graph: &Message, asset: Option<&str>) -> Vec<u8> {
    let mut meta = Message::new();
    meta.message(2, graph);
    if let Some(name) = asset {
        let mut a = Message::new();
        a.string(2, name);
        meta.message(6, &a);
    }
    let mut sm = Message::new();
    sm.int(1, 1).message(2, &meta);
    zip_of(&[("model/saved_model.pb", &sm.encode())])
}

const SAVER: &[(&str, &str)] = &[
    ("save/SaveV2", "SaveV2"),
    ("save/RestoreV2", "RestoreV2"),
    ("save/MergeV2Checkpoints", "MergeV2Checkpoints"),
    ("save/ShardedFilename", "ShardedFilename"),
];

/// An ONNX model with one initializer of the given dims and 16 bytes of inline data.
fn onnx_with_dims(dims: &[u64]) -> Vec<u8> {
    let mut init = Message::new();
    for d in dims {
        init.int(1, *d as i64);
    }
    init.int(2, 1).string(8, "W").bytes(9, &[0u8; 16]);
    let mut node = Message::new();
    node.string(1, "x")
        .string(1, "W")
        .string(2, "y")
        .string(4, "MatMul");
    let mut graph = Message::new();
    graph.message(1, &node).string(2, "g").message(5, &init);
    let mut opset = Message::new();
    opset.string(1, "").int(2, 17);
    let mut m = Message::new();
    m.int(1, 8)
        .string(2, "fixture")
        .message(7, &graph)
        .message(8, &opset);
    m.encode()
}

/// An ONNX model whose graph holds a node with an invalid wire type.
fn onnx_bad_wire() -> Vec<u8> {
    let mut graph = Message::new();
    graph.bytes(1, &[0x22, 0x04, b'R', b'e', b'l', b'u', 0x0f]);
    let mut m = Message::new();
    m.int(1, 8).string(2, "fixture").message(7, &graph);
    m.encode()
}

fn f(path: &str, bytes: Vec<u8>) -> Fixture {
    (path.to_string(), bytes)
}

/// Positive and negative fixtures, paths relative to the fixtures root.
pub fn fixtures() -> Vec<Fixture> {
    let dense = sequential(&[]);
    let harmless = ["x"];
    let dangerous = ["os", "echo fixture", "__import__", "system", "x"];
    let mut v = vec![
        // MDL020: Lambda bytecode naming dangerous functions.
        f(
            "keras/MDL020/pos_lambda_os_system.keras",
            keras_zip(&sequential(&[keras3_lambda(&dangerous)])),
        ),
        f("keras/MDL020/pos_keras2_lambda_exec.h5", h5_model(&keras2_config(&["exec", "import os"]))),
        f(
            "keras/MDL020/neg_lambda_harmless.keras",
            keras_zip(&sequential(&[keras3_lambda(&harmless)])),
        ),
        // MDL021: Lambda bytecode, harmless names.
        f(
            "keras/MDL021/pos_lambda_harmless.keras",
            keras_zip(&sequential(&[keras3_lambda(&harmless)])),
        ),
        f("keras/MDL021/pos_keras2_lambda.h5", h5_model(&keras2_config(&harmless))),
        f("keras/MDL021/neg_dense.keras", keras_zip(&dense)),
        f("keras/MDL021/neg_dense.h5", h5_model(r#"{"class_name": "Sequential", "config": {"layers": [{"class_name": "Dense", "config": {"units": 2}}]}}"#)),
        // MDL022: module references to dangerous callables.
        f(
            "keras/MDL022/pos_module_os_system.keras",
            keras_zip(&sequential(&[
                r#"{"module": "os", "class_name": "system", "registered_name": null, "config": {"command": "echo fixture"}}"#.to_string(),
            ])),
        ),
        f(
            "keras/MDL022/pos_builtins_eval_activation.keras",
            keras_zip(&sequential(&[
                r#"{"module": "keras.layers", "class_name": "Activation", "config": {"name": "act", "activation": {"module": "builtins", "class_name": "function", "config": "eval", "registered_name": "function"}}}"#.to_string(),
            ])),
        ),
        f("keras/MDL022/neg_dense.keras", keras_zip(&dense)),
        // MDL023: custom objects from outside Keras.
        f(
            "keras/MDL023/pos_custom_layer.keras",
            keras_zip(&sequential(&[
                r#"{"module": "my_project.layers", "class_name": "Attention", "registered_name": "MyProject>Attention", "config": {"name": "attn"}}"#.to_string(),
            ])),
        ),
        f("keras/MDL023/neg_dense.keras", keras_zip(&dense)),
        // MDL024: Keras objects that load code or files.
        f(
            "keras/MDL024/pos_torch_module_wrapper.keras",
            keras_zip(&sequential(&[
                r#"{"module": "keras.layers", "class_name": "TorchModuleWrapper", "registered_name": null, "config": {"name": "torch_wrapper", "module": "gAJjdG9yY2gKbm4KLg=="}}"#.to_string(),
            ])),
        ),
        f("keras/MDL024/neg_dense.keras", keras_zip(&dense)),
        // MDL025: configs that cannot be inspected.
        f(
            "keras/MDL025/pos_truncated_config.keras",
            keras_zip(&dense[..dense.len() / 2]),
        ),
        f("keras/MDL025/neg_dense.keras", keras_zip(&dense)),
        // MDL030: Python ops.
        f(
            "tensorflow/MDL030/pos_pyfunc.pb",
            graph_def(&[("py", "PyFunc"), ("out", "Identity")], &[]).encode(),
        ),
        f(
            "tensorflow/MDL030/pos_eager_pyfunc_in_function.zip",
            saved_model_zip(&graph_def(&[], &[("f", "EagerPyFunc")])),
        ),
        f(
            "tensorflow/MDL030/neg_mlp.pb",
            graph_def(&[("m", "MatMul"), ("r", "Relu"), ("out", "Identity")], &[]).encode(),
        ),
        // MDL031: file reads.
        f(
            "tensorflow/MDL031/pos_readfile_in_function.zip",
            saved_model_zip(&graph_def(&[], &[("read", "ReadFile")])),
        ),
        f(
            "tensorflow/MDL031/pos_matching_files.pb",
            graph_def(&[("ls", "MatchingFiles")], &[]).encode(),
        ),
        f(
            "tensorflow/MDL031/pos_asset_traversal.zip",
            saved_model_zip_with_asset(&graph_def(SAVER, &[]), Some("../../../../etc/passwd")),
        ),
        f("tensorflow/MDL031/neg_saver.zip", saved_model_zip(&graph_def(SAVER, &[]))),
        f(
            "tensorflow/MDL031/neg_vocab_asset.zip",
            saved_model_zip_with_asset(&graph_def(SAVER, &[]), Some("vocab.txt")),
        ),
        // MDL032: file writes.
        f(
            "tensorflow/MDL032/pos_writefile.pb",
            graph_def(&[("w", "WriteFile")], &[]).encode(),
        ),
        f("tensorflow/MDL032/neg_saver.zip", saved_model_zip(&graph_def(SAVER, &[]))),
        // MDL033: network.
        f(
            "tensorflow/MDL033/pos_rpc.pb",
            graph_def(&[("call", "Rpc")], &[]).encode(),
        ),
        f(
            "tensorflow/MDL033/neg_mlp.pb",
            graph_def(&[("m", "MatMul")], &[]).encode(),
        ),
        // MDL034: malformed graphs.
        f("tensorflow/MDL034/pos_truncated.pb", {
            let mut b = graph_def(&[("m", "MatMul"), ("r", "Relu")], &[]).encode();
            b.truncate(b.len() - 3);
            b
        }),
        f(
            "tensorflow/MDL034/neg_mlp.pb",
            graph_def(&[("m", "MatMul")], &[]).encode(),
        ),
        // MDL035: external data escaping the model folder.
        f(
            "onnx/MDL035/pos_traversal.onnx",
            onnx_model("fixture", 17, &[("MatMul", "")], Some("../../../../etc/passwd")),
        ),
        f(
            "onnx/MDL035/pos_absolute.onnx",
            onnx_model("fixture", 17, &[("MatMul", "")], Some("/etc/shadow")),
        ),
        f(
            "onnx/MDL035/neg_sibling.onnx",
            onnx_model("fixture", 17, &[("MatMul", "")], Some("weights/model.bin")),
        ),
        // MDL036: custom domains.
        f(
            "onnx/MDL036/pos_custom_domain.onnx",
            onnx_model("fixture", 17, &[("MatMul", ""), ("Decrypt", "com.example.ops")], None),
        ),
        f(
            "onnx/MDL036/neg_ms_contrib.onnx",
            onnx_model("fixture", 17, &[("MatMul", ""), ("FusedMatMul", "com.microsoft")], None),
        ),
        // MDL037: Python callback ops.
        f(
            "onnx/MDL037/pos_pyop.onnx",
            onnx_model("fixture", 17, &[("MatMul", ""), ("PyOp", "ai.onnx.contrib")], None),
        ),
        f(
            "onnx/MDL037/neg_plain.onnx",
            onnx_model("fixture", 17, &[("MatMul", ""), ("Relu", "")], None),
        ),
        // MDL038: impossible declarations.
        f("onnx/MDL038/pos_overflowing_dims.onnx", onnx_with_dims(&[1 << 40, 1 << 40])),
        f("onnx/MDL038/pos_huge_dims.onnx", onnx_with_dims(&[1 << 30, 1 << 10])),
        f("onnx/MDL038/neg_small_dims.onnx", onnx_with_dims(&[2, 2])),
        // MDL039: malformed models.
        f("onnx/MDL039/pos_bad_wire_type.onnx", onnx_bad_wire()),
        f(
            "onnx/MDL039/neg_plain.onnx",
            onnx_model("fixture", 17, &[("Relu", "")], None),
        ),
    ];
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_known_values() {
        assert_eq!(base64(b"hello"), "aGVsbG8=");
        assert_eq!(base64(b"hi"), "aGk=");
        assert_eq!(base64(b"abc"), "YWJj");
    }

    #[test]
    fn h5_layout() {
        let f = keras2_h5(&[("model_config", "{}")]);
        assert_eq!(&f[..8], b"\x89HDF\r\n\x1a\n");
        assert_eq!(&f[0x1000..0x1004], b"GCOL");
    }
}
