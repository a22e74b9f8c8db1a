//! ONNX `ModelProto`s encoded by hand from the field numbers of `onnx.proto`: a linear
//! graph of the given operators, one float initializer (inline `raw_data`, or
//! `data_location = EXTERNAL` with an `external_data` location), graph input/output
//! value infos and the opset imports the nodes need.

use crate::protobuf::Message;

// ModelProto
const MODEL_IR_VERSION: u32 = 1;
const MODEL_PRODUCER_NAME: u32 = 2;
const MODEL_PRODUCER_VERSION: u32 = 3;
const MODEL_GRAPH: u32 = 7;
const MODEL_OPSET_IMPORT: u32 = 8;
// OperatorSetIdProto
const OPSET_DOMAIN: u32 = 1;
const OPSET_VERSION: u32 = 2;
// GraphProto
const GRAPH_NODE: u32 = 1;
const GRAPH_NAME: u32 = 2;
const GRAPH_INITIALIZER: u32 = 5;
const GRAPH_INPUT: u32 = 11;
const GRAPH_OUTPUT: u32 = 12;
// NodeProto
const NODE_INPUT: u32 = 1;
const NODE_OUTPUT: u32 = 2;
const NODE_NAME: u32 = 3;
const NODE_OP_TYPE: u32 = 4;
const NODE_DOMAIN: u32 = 7;
// TensorProto
const TENSOR_DIMS: u32 = 1;
const TENSOR_DATA_TYPE: u32 = 2;
const TENSOR_NAME: u32 = 8;
const TENSOR_RAW_DATA: u32 = 9;
const TENSOR_EXTERNAL_DATA: u32 = 13;
const TENSOR_DATA_LOCATION: u32 = 14;
// StringStringEntryProto
const ENTRY_KEY: u32 = 1;
const ENTRY_VALUE: u32 = 2;
// ValueInfoProto / TypeProto / TypeProto.Tensor
const VALUE_INFO_NAME: u32 = 1;
const VALUE_INFO_TYPE: u32 = 2;
const TYPE_TENSOR_TYPE: u32 = 1;
const TENSOR_TYPE_ELEM_TYPE: u32 = 1;
const TENSOR_TYPE_SHAPE: u32 = 2;
// TensorShapeProto / TensorShapeProto.Dimension
const SHAPE_DIM: u32 = 1;
const DIM_VALUE: u32 = 1;
const DIM_PARAM: u32 = 2;

/// TensorProto.DataType.FLOAT
pub const DATA_TYPE_FLOAT: i64 = 1;
/// TensorProto.DataLocation.EXTERNAL
pub const DATA_LOCATION_EXTERNAL: i64 = 1;
/// IR version 8 (ONNX 1.10–1.12 era).
pub const IR_VERSION: i64 = 8;
/// The initializer every generated model carries: `W`, float, 2×2.
pub const INITIALIZER_NAME: &str = "W";
pub const INITIALIZER_BYTES: usize = 16;

/// A float tensor of shape `[batch, 2]`.
fn value_info(name: &str) -> Message {
    let mut batch = Message::new();
    batch.string(DIM_PARAM, "batch");
    let mut two = Message::new();
    two.int(DIM_VALUE, 2);
    let mut shape = Message::new();
    shape.message(SHAPE_DIM, &batch).message(SHAPE_DIM, &two);
    let mut tensor_type = Message::new();
    tensor_type
        .int(TENSOR_TYPE_ELEM_TYPE, DATA_TYPE_FLOAT)
        .message(TENSOR_TYPE_SHAPE, &shape);
    let mut ty = Message::new();
    ty.message(TYPE_TENSOR_TYPE, &tensor_type);
    let mut vi = Message::new();
    vi.string(VALUE_INFO_NAME, name)
        .message(VALUE_INFO_TYPE, &ty);
    vi
}

fn string_entry(key: &str, value: &str) -> Message {
    let mut e = Message::new();
    e.string(ENTRY_KEY, key).string(ENTRY_VALUE, value);
    e
}

/// A model whose graph chains `nodes` (op type, domain; `""` is the default ONNX
/// domain) from input `x` to output `y` (both float `[batch, 2]`), with node 0 also
/// reading the initializer `W`; later nodes take one input, so pick unary operators
/// after the first (e.g. `MatMul`, `Relu`, `Softmax`) for a model `onnx.checker` accepts.
/// With `external_data_location`, `W` lives outside the file at that location
/// (offset 0, 16 bytes) instead of in `raw_data`.
pub fn onnx_model(
    producer: &str,
    opset: i64,
    nodes: &[(&str, &str)],
    external_data_location: Option<&str>,
) -> Vec<u8> {
    let mut graph = Message::new();
    for (i, (op_type, domain)) in nodes.iter().enumerate() {
        let input = if i == 0 {
            "x".to_string()
        } else {
            format!("t{}", i - 1)
        };
        let output = if i + 1 == nodes.len() {
            "y".to_string()
        } else {
            format!("t{i}")
        };
        let mut node = Message::new();
        node.string(NODE_INPUT, &input);
        if i == 0 {
            node.string(NODE_INPUT, INITIALIZER_NAME);
        }
        node.string(NODE_OUTPUT, &output)
            .string(NODE_NAME, &format!("{op_type}_{i}"))
            .string(NODE_OP_TYPE, op_type);
        if !domain.is_empty() {
            node.string(NODE_DOMAIN, domain);
        }
        graph.message(GRAPH_NODE, &node);
    }
    graph.string(GRAPH_NAME, "main_graph");

    let mut init = Message::new();
    init.int(TENSOR_DIMS, 2)
        .int(TENSOR_DIMS, 2)
        .int(TENSOR_DATA_TYPE, DATA_TYPE_FLOAT)
        .string(TENSOR_NAME, INITIALIZER_NAME);
    match external_data_location {
        None => {
            let raw: Vec<u8> = [0.5f32, -0.25, 0.125, 1.0]
                .iter()
                .flat_map(|v| v.to_le_bytes())
                .collect();
            init.bytes(TENSOR_RAW_DATA, &raw);
        }
        Some(location) => {
            init.message(TENSOR_EXTERNAL_DATA, &string_entry("location", location))
                .message(TENSOR_EXTERNAL_DATA, &string_entry("offset", "0"))
                .message(
                    TENSOR_EXTERNAL_DATA,
                    &string_entry("length", &INITIALIZER_BYTES.to_string()),
                )
                .int(TENSOR_DATA_LOCATION, DATA_LOCATION_EXTERNAL);
        }
    }
    graph
        .message(GRAPH_INITIALIZER, &init)
        .message(GRAPH_INPUT, &value_info("x"))
        .message(GRAPH_OUTPUT, &value_info("y"));

    let mut model = Message::new();
    model
        .int(MODEL_IR_VERSION, IR_VERSION)
        .string(MODEL_PRODUCER_NAME, producer)
        .string(MODEL_PRODUCER_VERSION, "1.0")
        .message(MODEL_GRAPH, &graph);
    let mut default_opset = Message::new();
    default_opset
        .string(OPSET_DOMAIN, "")
        .int(OPSET_VERSION, opset);
    model.message(MODEL_OPSET_IMPORT, &default_opset);
    let mut custom: Vec<&str> = nodes
        .iter()
        .map(|(_, d)| *d)
        .filter(|d| !d.is_empty())
        .collect();
    custom.sort_unstable();
    custom.dedup();
    for domain in custom {
        let mut o = Message::new();
        o.string(OPSET_DOMAIN, domain).int(OPSET_VERSION, 1);
        model.message(MODEL_OPSET_IMPORT, &o);
    }
    model.encode()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Field number -> raw value (varint as u64, length-delimited as bytes).
    #[derive(Debug)]
    enum Field {
        Varint(u64),
        Bytes(Vec<u8>),
    }

    fn read_varint(b: &[u8], pos: &mut usize) -> u64 {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let byte = b[*pos];
            *pos += 1;
            v |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return v;
            }
            shift += 7;
        }
    }

    fn decode(b: &[u8]) -> Vec<(u32, Field)> {
        let mut pos = 0;
        let mut out = Vec::new();
        while pos < b.len() {
            let key = read_varint(b, &mut pos);
            let field = (key >> 3) as u32;
            match key & 7 {
                0 => out.push((field, Field::Varint(read_varint(b, &mut pos)))),
                2 => {
                    let len = read_varint(b, &mut pos) as usize;
                    out.push((field, Field::Bytes(b[pos..pos + len].to_vec())));
                    pos += len;
                }
                w => panic!("unexpected wire type {w}"),
            }
        }
        out
    }

    fn bytes_of(fields: &[(u32, Field)], n: u32) -> Vec<Vec<u8>> {
        fields
            .iter()
            .filter_map(|(f, v)| match (f, v) {
                (f, Field::Bytes(b)) if *f == n => Some(b.clone()),
                _ => None,
            })
            .collect()
    }

    fn varint_of(fields: &[(u32, Field)], n: u32) -> Vec<u64> {
        fields
            .iter()
            .filter_map(|(f, v)| match (f, v) {
                (f, Field::Varint(x)) if *f == n => Some(*x),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn model_fields_follow_onnx_proto() {
        let bytes = onnx_model(
            "pytorch",
            17,
            &[("MatMul", ""), ("Relu", ""), ("FastGelu", "com.microsoft")],
            None,
        );
        let model = decode(&bytes);
        assert_eq!(varint_of(&model, 1), [8]);
        assert_eq!(bytes_of(&model, 2), [b"pytorch".to_vec()]);
        let opsets = bytes_of(&model, 8);
        assert_eq!(opsets.len(), 2);
        let ms = decode(&opsets[1]);
        assert_eq!(bytes_of(&ms, 1), [b"com.microsoft".to_vec()]);
        let graph = decode(&bytes_of(&model, 7)[0]);
        let nodes = bytes_of(&graph, 1);
        assert_eq!(nodes.len(), 3);
        let n0 = decode(&nodes[0]);
        assert_eq!(bytes_of(&n0, 4), [b"MatMul".to_vec()]);
        assert_eq!(bytes_of(&n0, 1), [b"x".to_vec(), b"W".to_vec()]);
        let n2 = decode(&nodes[2]);
        assert_eq!(bytes_of(&n2, 7), [b"com.microsoft".to_vec()]);
        assert_eq!(bytes_of(&n2, 2), [b"y".to_vec()]);
        let init = decode(&bytes_of(&graph, 5)[0]);
        assert_eq!(varint_of(&init, 1), [2, 2]);
        assert_eq!(bytes_of(&init, 9)[0].len(), INITIALIZER_BYTES);
        assert!(varint_of(&init, 14).is_empty());
    }

    #[test]
    fn external_data_points_at_the_location() {
        let bytes = onnx_model("tf2onnx", 13, &[("Gemm", "")], Some("../../weights.bin"));
        let graph = decode(&bytes_of(&decode(&bytes), 7)[0]);
        let init = decode(&bytes_of(&graph, 5)[0]);
        assert!(bytes_of(&init, 9).is_empty());
        assert_eq!(varint_of(&init, 14), [1]);
        let entries: Vec<_> = bytes_of(&init, 13).iter().map(|e| decode(e)).collect();
        assert_eq!(bytes_of(&entries[0], 1), [b"location".to_vec()]);
        assert_eq!(bytes_of(&entries[0], 2), [b"../../weights.bin".to_vec()]);
    }
}
