//! Keras 3 `.keras` archives: a stored zip of `metadata.json`, `config.json` and
//! `model.weights.h5`, in the order `keras.saving` writes them.

use crate::zipfile::ZipBuilder;

/// The Keras version and save date written into `metadata.json` (fixed, so the archive
/// is reproducible).
pub const KERAS_VERSION: &str = "3.4.1";
pub const DATE_SAVED: &str = "2024-01-01@00:00:00";

/// The 8-byte HDF5 signature. The weights member is only this signature plus zero
/// padding: enough for a scanner to recognise an HDF5 file, not a loadable one, which
/// keeps the fixture free of an HDF5 writer.
pub const HDF5_SIGNATURE: &[u8; 8] = b"\x89HDF\r\n\x1a\n";

pub fn keras_zip(config_json: &str) -> Vec<u8> {
    let metadata =
        format!("{{\"keras_version\": \"{KERAS_VERSION}\", \"date_saved\": \"{DATE_SAVED}\"}}");
    let mut weights = HDF5_SIGNATURE.to_vec();
    weights.resize(512, 0);
    let mut z = ZipBuilder::new();
    z.stored("metadata.json", metadata.as_bytes())
        .stored("config.json", config_json.as_bytes())
        .stored("model.weights.h5", &weights);
    z.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Read};

    #[test]
    fn members_and_metadata() {
        let bytes = keras_zip(r#"{"class_name": "Sequential", "config": {}}"#);
        let mut ar = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let names: Vec<_> = ar
            .file_names_raw()
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .collect();
        assert_eq!(names, ["metadata.json", "config.json", "model.weights.h5"]);
        let mut meta = String::new();
        ar.by_name("metadata.json")
            .unwrap()
            .read_to_string(&mut meta)
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(&meta).unwrap();
        assert_eq!(v["keras_version"], KERAS_VERSION);
        let mut h5 = Vec::new();
        ar.by_name("model.weights.h5")
            .unwrap()
            .read_to_end(&mut h5)
            .unwrap();
        assert_eq!(&h5[..8], HDF5_SIGNATURE);
    }
}
