//! How the pickle streams of one file follow each other: a pickle file holds one
//! stream (more are observed), a PyTorch legacy file five, a PyTorch tar `tensors`
//! member a leading one, a tar `storages` member a count and then a header pickle and
//! raw elements per storage. The elements are skipped, never read.

use super::{End, Limits, Machine, Node, V};
use crate::pickle::observations::{Observations, Site};
use crate::pickle::reader::Input;
use aispm_core::AnalysisContext;
use aispm_core::analyzer::TimeLimitReached;

/// How several streams in one file are to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A pickle file: one stream expected; more are reported.
    Plain,
    /// PyTorch legacy: magic number, protocol, sys_info, model, storage keys, then raw
    /// storage bytes.
    TorchLegacy,
    /// A leading pickle followed by raw data (PyTorch tar `tensors`).
    LeadingOnly,
    /// PyTorch tar `storages`: a count, then per storage a header pickle
    /// `(key, location, storage_type)`, the element count and the raw elements.
    TorchStorages,
}

/// Reads every stream of the input into `obs`. Only a time limit interrupts it; every
/// other problem is an observation.
pub fn scan_streams(
    input: &mut Input<'_>,
    obs: &mut Observations,
    lim: &Limits,
    layout: Layout,
    depth: u8,
    cx: &AnalysisContext,
) -> Result<(), TimeLimitReached> {
    let mut index = 0usize;
    let mut storages_left = 0u64;
    while input.remaining() > 0 {
        if index > 0 {
            match layout {
                Layout::LeadingOnly => break,
                Layout::TorchLegacy if index >= 5 => break,
                _ => {}
            }
            if index >= lim.max_streams && layout != Layout::TorchStorages {
                obs.limit = Some(format!("more than {} pickle streams", lim.max_streams));
                break;
            }
        }
        let start = input.pos();
        let mut m = Machine::new(obs, lim, depth);
        let end = m.run(input, cx)?;
        let ops = m.stream_ops;
        let storage_elem = m.storage_element_size();
        let count = m.result_int();
        match end {
            End::Stop => {
                obs.streams += 1;
                if layout == Layout::TorchStorages {
                    if index == 0 {
                        storages_left = count.unwrap_or(0);
                    } else if !skip_storage(input, storage_elem) {
                        break;
                    }
                    if storages_left == 0 {
                        break;
                    }
                    storages_left -= 1;
                }
            }
            End::Limit(msg) => {
                obs.limit = Some(msg);
                break;
            }
            End::Error(e) => {
                let evidence = e.to_string();
                if index == 0 || layout == Layout::TorchLegacy {
                    obs.malformed = Some(Site {
                        offset: e.offset().unwrap_or(start),
                        evidence,
                    });
                } else {
                    let what = if ops <= 1 {
                        format!("{} bytes after the end of the pickle", input.end() - start)
                    } else {
                        format!("unparseable data after the end of the pickle: {evidence}")
                    };
                    obs.trailing = Some(Site {
                        offset: start,
                        evidence: what,
                    });
                }
                break;
            }
        }
        index += 1;
    }
    Ok(())
}

/// Skips the element count and elements that follow a storage header; false when the
/// storage cannot be followed (unknown type, truncated data).
fn skip_storage(input: &mut Input<'_>, elem: Option<u64>) -> bool {
    let Some(elem) = elem else { return false };
    let mut n = [0u8; 8];
    for b in &mut n {
        match input.u8() {
            Ok(x) => *b = x,
            Err(_) => return false,
        }
    }
    u64::from_le_bytes(n)
        .checked_mul(elem)
        .is_some_and(|bytes| input.skip(bytes).is_ok())
}

/// Element size of a legacy typed storage class (`torch.FloatStorage`).
fn storage_element_size(name: &str) -> Option<u64> {
    Some(match name {
        "DoubleStorage" | "LongStorage" | "ComplexFloatStorage" => 8,
        "FloatStorage" | "IntStorage" | "QInt32Storage" => 4,
        "HalfStorage" | "ShortStorage" | "BFloat16Storage" => 2,
        "ByteStorage" | "CharStorage" | "BoolStorage" | "QUInt8Storage" | "QInt8Storage"
        | "QUInt4x2Storage" | "QUInt2x4Storage" => 1,
        "ComplexDoubleStorage" => 16,
        _ => return None,
    })
}

/// Scans a pickle held in memory (an embedded one), with its own observations.
pub fn scan_bytes(
    bytes: &[u8],
    lim: &Limits,
    depth: u8,
    cx: &AnalysisContext,
) -> Result<Observations, TimeLimitReached> {
    let mut cur = std::io::Cursor::new(bytes);
    let mut input = Input::new(&mut cur, 0, bytes.len() as u64);
    let mut obs = Observations::default();
    scan_streams(&mut input, &mut obs, lim, Layout::Plain, depth, cx)?;
    Ok(obs)
}

impl Machine<'_> {
    /// What STOP returned, as a count.
    fn result_int(&self) -> Option<u64> {
        match self.result {
            V::Int(i) => u64::try_from(i).ok(),
            _ => None,
        }
    }

    /// For a storage header `(key, location, torch.XStorage)`: the element size.
    fn storage_element_size(&self) -> Option<u64> {
        let items = self.tuple_items(self.result);
        let Some(Node::Global(g)) = self.node(*items.get(2)?) else {
            return None;
        };
        let imp = self.obs.imports.get(*g)?;
        if imp.module != "torch" {
            return None;
        }
        storage_element_size(&imp.name)
    }
}
