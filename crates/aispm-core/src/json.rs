//! What parsing scanned JSON into a `serde_json::Value` costs. The tree grows with the
//! number of values, not with the text: a value is 32 bytes and every non-empty object
//! allocates a B-tree node of about 640 bytes, so `[{"a":0},{"a":0},…]` costs some 85
//! times its length (a 100 MB safetensors header of it, over 8 GB). Documents are
//! costed from their structural bytes before parsing and refused above a budget.

/// Bytes a parsed document may cost: four times the largest tree an honest header or
/// config needs (a 10,000-layer Keras config has a few hundred thousand objects).
pub const MAX_PARSED_BYTES: u64 = 256 << 20;

/// Size of a `serde_json::Value`.
const VALUE: u64 = 32;
/// A B-tree leaf node of `String` keys and `Value`s, allocated by the first entry of
/// an object.
const OBJECT_NODE: u64 = 640;

/// An upper bound on the bytes `serde_json` allocates for the value tree of `text`
/// (strings aside, which are bounded by the text): a value per separator and opening
/// bracket outside strings, and a node per object.
pub fn parsed_cost(text: &[u8]) -> u64 {
    let mut cost = VALUE;
    let mut in_string = false;
    let mut escaped = false;
    for &b in text {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b',' | b':' | b'[' => cost += VALUE,
            b'{' => cost += VALUE + OBJECT_NODE,
            _ => {}
        }
    }
    cost
}

/// `Some(cost)` when parsing `text` would cost more than [`MAX_PARSED_BYTES`].
pub fn over_budget(text: &[u8]) -> Option<u64> {
    let cost = parsed_cost(text);
    (cost > MAX_PARSED_BYTES).then_some(cost)
}

/// Why [`from_slice_bounded`] gave no value.
#[derive(Debug, thiserror::Error)]
pub enum JsonError {
    /// Parsing would cost more than [`MAX_PARSED_BYTES`].
    #[error(
        "JSON too dense to parse: its value tree would need about {} MiB (limit {} MiB)",
        .cost >> 20,
        MAX_PARSED_BYTES >> 20
    )]
    TooDense {
        /// The estimated cost in bytes ([`parsed_cost`]).
        cost: u64,
    },
    /// The text is not valid JSON; the message is `serde_json`'s.
    #[error(transparent)]
    Syntax(#[from] serde_json::Error),
}

/// Parses `text` as JSON unless the parsed tree would cost more than
/// [`MAX_PARSED_BYTES`]; the error says which.
pub fn from_slice_bounded(text: &[u8]) -> Result<serde_json::Value, JsonError> {
    if let Some(cost) = over_budget(text) {
        return Err(JsonError::TooDense { cost });
    }
    Ok(serde_json::from_slice(text)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structure_outside_strings_is_counted() {
        assert_eq!(parsed_cost(b"0"), VALUE);
        assert_eq!(parsed_cost(b"[0,0]"), 3 * VALUE);
        assert_eq!(parsed_cost(br#"{"a":0}"#), 3 * VALUE + OBJECT_NODE);
        // Brackets, separators and escaped quotes inside strings cost nothing.
        assert_eq!(parsed_cost(br#""{[,:\"{""#), VALUE);
        assert_eq!(parsed_cost(br#"["a\\",{}]"#), 4 * VALUE + OBJECT_NODE);
    }

    #[test]
    fn object_dense_documents_exceed_the_budget() {
        let mut doc = b"[".to_vec();
        let n = MAX_PARSED_BYTES / (OBJECT_NODE + 3 * VALUE) + 1;
        for _ in 0..n {
            doc.extend_from_slice(br#"{"a":0},"#);
        }
        doc.extend_from_slice(b"0]");
        assert!(over_budget(&doc).is_some());
        assert!(over_budget(&doc[..doc.len() / 2]).is_none());
    }

    #[test]
    fn errors_read_as_the_parser_and_the_budget_say() {
        let dense = JsonError::TooDense { cost: 300 << 20 };
        assert_eq!(
            dense.to_string(),
            "JSON too dense to parse: its value tree would need about 300 MiB (limit 256 MiB)"
        );
        let e = from_slice_bounded(b"{").unwrap_err();
        let direct = serde_json::from_slice::<serde_json::Value>(b"{").unwrap_err();
        assert_eq!(e.to_string(), direct.to_string());
    }
}
