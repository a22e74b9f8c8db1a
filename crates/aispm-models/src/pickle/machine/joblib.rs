//! joblib arrays inside a pickle stream: joblib writes the raw bytes of each NumPy
//! array right after the BUILD of its `NumpyArrayWrapper`, so the machine must know
//! how many bytes to skip (shape × dtype item size, after optional alignment padding)
//! or, for an object array, read the nested pickle in place.

use super::{End, Machine, Node, V};
use crate::pickle::reader::{Input, StreamError};
use aispm_core::AnalysisContext;
use aispm_core::analyzer::TimeLimitReached;

impl Machine<'_> {
    /// joblib writes the bytes of an array right after the BUILD of its
    /// `NumpyArrayWrapper`, inside the pickle stream.
    pub(super) fn joblib_array(&self, obj: V, state: V) -> Option<JoblibArray> {
        let Some(Node::Call { func, .. }) = self.node(obj) else {
            return None;
        };
        let Some(Node::Global(g)) = self.node(*func) else {
            return None;
        };
        let imp = self.obs.imports.get(*g)?;
        if imp.module != "joblib.numpy_pickle" || imp.name != "NumpyArrayWrapper" {
            return None;
        }
        let mut shape = None;
        let mut dtype = None;
        let mut padded = false;
        for (k, v) in self.dict_pairs(state) {
            match self.text_of(k).as_deref() {
                Some("shape") => {
                    let dims: Option<Vec<u64>> = self
                        .tuple_items(v)
                        .iter()
                        .map(|d| match d {
                            V::Int(i) => u64::try_from(*i).ok(),
                            _ => None,
                        })
                        .collect();
                    shape = dims;
                }
                Some("dtype") => dtype = Some(v),
                Some("numpy_array_alignment_bytes") => padded = true,
                _ => {}
            }
        }
        let itemsize = dtype.and_then(|d| self.dtype_itemsize(d));
        Some(JoblibArray {
            padded,
            size: match (shape, itemsize) {
                (Some(s), Some(Itemsize::Bytes(n))) => s
                    .iter()
                    .try_fold(n, |acc, &d| acc.checked_mul(d))
                    .map(ArraySize::Bytes)
                    .unwrap_or(ArraySize::Unknown),
                (_, Some(Itemsize::Object)) => ArraySize::Pickled,
                _ => ArraySize::Unknown,
            },
        })
    }

    /// Item size of a `numpy.dtype('f4', ...)` expression.
    fn dtype_itemsize(&self, d: V) -> Option<Itemsize> {
        let Some(Node::Call { args, .. }) = self.node(d) else {
            return None;
        };
        let first = *self.tuple_items(*args).first()?;
        let descr = self.text_of(first)?;
        let descr = descr.trim_start_matches(['<', '>', '|', '=']);
        let letters: String = descr
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        let digits: String = descr[letters.len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if letters == "O" {
            return Some(Itemsize::Object);
        }
        let n: u64 = digits.parse().ok()?;
        let size = match letters.as_str() {
            "U" => n.checked_mul(4)?,
            "f" | "i" | "u" | "b" | "c" | "S" | "a" | "V" | "M" | "m" => n,
            _ => return None,
        };
        Some(Itemsize::Bytes(size))
    }

    pub(super) fn skip_joblib_array(
        &mut self,
        array: JoblibArray,
        at: u64,
        input: &mut Input<'_>,
        cx: &AnalysisContext,
    ) -> Result<Option<End>, TimeLimitReached> {
        if array.padded {
            let pad = match input.u8() {
                Ok(p) => p,
                Err(e) => return Ok(Some(End::Error(e))),
            };
            if let Err(e) = input.skip(u64::from(pad)) {
                return Ok(Some(End::Error(e)));
            }
        }
        match array.size {
            ArraySize::Bytes(n) => {
                if let Err(e) = input.skip(n) {
                    return Ok(Some(End::Error(e)));
                }
            }
            ArraySize::Pickled => {
                // An object array is a whole pickle of its own, loaded in place.
                let mut m = Machine::new(self.obs, self.lim, self.depth);
                match m.run(input, cx)? {
                    End::Stop => {}
                    other => return Ok(Some(other)),
                }
            }
            ArraySize::Unknown => {
                return Ok(Some(End::Error(StreamError::BadArgument {
                    offset: at,
                    what: "joblib array of unknown size",
                })));
            }
        }
        Ok(None)
    }
}

pub(super) struct JoblibArray {
    padded: bool,
    size: ArraySize,
}

pub(super) enum ArraySize {
    Bytes(u64),
    Pickled,
    Unknown,
}

pub(super) enum Itemsize {
    Bytes(u64),
    Object,
}
