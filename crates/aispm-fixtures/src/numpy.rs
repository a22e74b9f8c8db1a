//! NumPy `.npy` (format 1.0) and `.npz` files. A `.npy` is the magic `\x93NUMPY`, the
//! version bytes, a u16 header length and a Python-literal dict, padded with spaces and
//! a final newline so that the data starts on a 64-byte boundary; the data follows.
//! An `.npz` is a zip of such files (stored, as `numpy.savez` writes it).

use crate::archive::zip_of;

pub const NPY_MAGIC: &[u8; 6] = b"\x93NUMPY";

/// A C-order `.npy` with dtype `descr` (e.g. `<f4`, `<i8`, `|u1`) and `shape`. `data`
/// is written as is.
pub fn npy(dtype_descr: &str, shape: &[usize], data: &[u8]) -> Vec<u8> {
    let shape_literal = match shape {
        [] => "()".to_string(),
        [one] => format!("({one},)"),
        many => format!(
            "({})",
            many.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let mut header =
        format!("{{'descr': '{dtype_descr}', 'fortran_order': False, 'shape': {shape_literal}, }}");
    // magic (6) + version (2) + header length (2) + header, including the final '\n'.
    let unpadded = 10 + header.len() + 1;
    let padded = unpadded.div_ceil(64) * 64;
    header.extend(std::iter::repeat_n(' ', padded - unpadded));
    header.push('\n');

    let mut out = Vec::with_capacity(padded + data.len());
    out.extend_from_slice(NPY_MAGIC);
    out.extend_from_slice(&[1, 0]);
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(data);
    out
}

/// An `.npz`: a zip of `.npy` members named as given (numpy names them `arr_0.npy`, or
/// `<keyword>.npy`).
pub fn npz(arrays: &[(&str, &[u8])]) -> Vec<u8> {
    zip_of(arrays)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Read};

    fn header_of(bytes: &[u8]) -> (usize, String) {
        let len = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
        (
            len,
            String::from_utf8(bytes[10..10 + len].to_vec()).unwrap(),
        )
    }

    #[test]
    fn header_is_aligned_and_newline_terminated() {
        for shape in [&[][..], &[3][..], &[2, 4][..], &[1000, 1000, 3][..]] {
            let bytes = npy("<f4", shape, &[0u8; 8]);
            assert_eq!(&bytes[..6], NPY_MAGIC);
            assert_eq!(&bytes[6..8], &[1, 0]);
            let (len, header) = header_of(&bytes);
            assert_eq!((10 + len) % 64, 0);
            assert!(header.ends_with('\n'));
            assert!(header.starts_with("{'descr': '<f4', 'fortran_order': False, 'shape': ("));
            assert_eq!(bytes.len(), 10 + len + 8);
        }
        assert!(
            header_of(&npy("<i8", &[3], &[]))
                .1
                .contains("'shape': (3,), }")
        );
        assert!(
            header_of(&npy("<i8", &[2, 4], &[]))
                .1
                .contains("'shape': (2, 4), }")
        );
    }

    #[test]
    fn npz_is_a_zip_of_npy() {
        let a = npy("<f4", &[2], &[0u8; 8]);
        let bytes = npz(&[("arr_0.npy", &a)]);
        let mut ar = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut back = Vec::new();
        ar.by_name("arr_0.npy")
            .unwrap()
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, a);
    }
}
