//! PyTorch checkpoints in the zip layout `torch.save` has written since 1.6: a
//! `data.pkl` whose persistent ids name the storages in `data/`, plus `version` and
//! `byteorder`, all stored uncompressed with data aligned to 64 bytes.

use crate::zipfile::ZipBuilder;

/// `{root}/data.pkl`, `{root}/byteorder`, `{root}/data/<key>` for each storage, then
/// `{root}/version` (`3\n`). Members are stored and padded to 64-byte alignment like
/// torch's own writer.
pub fn pytorch_zip(root: &str, data_pkl: &[u8], storages: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = ZipBuilder::with_alignment(64);
    z.stored(&format!("{root}/data.pkl"), data_pkl);
    z.stored(&format!("{root}/byteorder"), b"little");
    for (key, bytes) in storages {
        z.stored(&format!("{root}/data/{key}"), bytes);
    }
    z.stored(&format!("{root}/version"), b"3\n");
    z.finish()
}

/// Little-endian f32 bytes of `values`: the layout of a CPU `FloatStorage`.
pub fn float_storage(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pickle::benign_state_dict_pickle;
    use std::io::{Cursor, Read};

    #[test]
    fn layout_matches_torch_save() {
        let pkl = benign_state_dict_pickle();
        let w = float_storage(&[0.1, 0.2, 0.3, 0.4]);
        let b = float_storage(&[0.0, 1.0]);
        let bytes = pytorch_zip("checkpoint", &pkl, &[("0", &w), ("1", &b)]);
        let mut ar = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let names: Vec<String> = ar
            .file_names_raw()
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "checkpoint/data.pkl",
                "checkpoint/byteorder",
                "checkpoint/data/0",
                "checkpoint/data/1",
                "checkpoint/version"
            ]
        );
        for i in 0..ar.len() {
            let f = ar.by_index(i).unwrap();
            assert_eq!(f.compression(), zip::CompressionMethod::Stored);
        }
        let mut v = String::new();
        ar.by_name("checkpoint/version")
            .unwrap()
            .read_to_string(&mut v)
            .unwrap();
        assert_eq!(v, "3\n");
        let mut d = Vec::new();
        ar.by_name("checkpoint/data/0")
            .unwrap()
            .read_to_end(&mut d)
            .unwrap();
        assert_eq!(d, w);
        let mut p = Vec::new();
        ar.by_name("checkpoint/data.pkl")
            .unwrap()
            .read_to_end(&mut p)
            .unwrap();
        assert_eq!(p, pkl);
    }
}
