//! Keras analysis: finds the model config wherever a Keras format keeps it — the
//! `config.json` member of a Keras 3 `.keras` zip, the `model_config` root attribute
//! of a Keras 2 HDF5 file, the layer metadata of `keras_metadata.pb` — and walks it
//! for what loading would execute (see [`config`]). Lambda bytecode is read as bytes
//! ([`bytecode`]), HDF5 through a bounded reader of our own ([`hdf5`]). Keras is never
//! imported and nothing is unmarshalled.

use crate::wire::{Value as Wire, WireError, WireReader};
use aispm_core::{
    AnalysisContext, AnalysisError, Analyzer, ErrorKind, FileInput, FileKind, RawFinding, Rule,
};
use memchr::memmem;
use serde_json::Value;
use std::io::{Read, Seek, SeekFrom};

pub mod bytecode;
pub mod config;
pub mod hdf5;
pub mod rules;

/// Largest config read (Keras configs of very large models are a few MiB).
const MAX_CONFIG: u64 = 32 << 20;
/// JSON objects and arrays parsed per config (a 10,000-layer model has a few
/// hundred thousand).
pub(crate) const MAX_CONTAINERS: usize = 1_000_000;
/// How much of an HDF5 file the fallback search for a JSON config reads.
const FALLBACK_SCAN: u64 = 16 << 20;

/// Analyzer for Keras models.
#[derive(Debug, Default)]
pub struct KerasAnalyzer;

impl KerasAnalyzer {
    pub fn new() -> Self {
        KerasAnalyzer
    }
}

impl Analyzer for KerasAnalyzer {
    fn name(&self) -> &'static str {
        "keras"
    }

    fn rules(&self) -> &'static [&'static Rule] {
        rules::RULES
    }

    fn accepts(&self, file: &FileInput<'_>) -> bool {
        match file.kind {
            FileKind::KerasZip | FileKind::TfKerasMetadata => true,
            // The weights file of a Keras 3 archive holds no config Keras reads;
            // declining it spares the engine extracting a large member.
            FileKind::Hdf5 => file.parent.is_none_or(|p| p.kind != FileKind::KerasZip),
            _ => false,
        }
    }

    fn default_max_file_size(&self) -> u64 {
        // HDF5 weights files are large; only their headers are read.
        16 << 30
    }

    fn analyze(&self, file: &FileInput<'_>, cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
        match file.kind {
            FileKind::KerasZip => keras_zip(file, cx),
            FileKind::Hdf5 => hdf5_file(file, cx),
            FileKind::TfKerasMetadata => keras_metadata_pb(file, cx),
            _ => Ok(()),
        }
    }
}

/// Why a config (or layer metadata) was not checked, as MDL025 reports it.
pub(crate) enum NotChecked<'a> {
    /// More JSON objects and arrays than [`MAX_CONTAINERS`].
    Containers {
        origin: &'a str,
        containers: usize,
    },
    /// Parsing would cost `cost` bytes, past the JSON budget.
    ParseCost {
        origin: &'a str,
        cost: u64,
    },
    NotJson {
        origin: &'a str,
        error: String,
    },
    /// The walker stopped at its object cap.
    WalkTruncated {
        origin: &'a str,
    },
    /// `config.json` was not read: a size limit.
    NotRead {
        limit: &'a str,
    },
    /// `keras_metadata.pb` is malformed (or past a reader limit).
    MalformedMetadata {
        error: &'a str,
    },
}

/// A config document as found, with where it came from for messages.
struct Source<'a> {
    text: &'a [u8],
    origin: &'a str,
    keras_version: Option<&'a str>,
}

fn check_document(file: &FileInput<'_>, src: &Source<'_>, cx: &mut AnalysisContext) {
    // A parsed JSON value costs tens of bytes per container; counting the opening
    // brackets first bounds that memory whatever the text's shape.
    let containers = memchr::memchr2_iter(b'{', b'[', src.text).count();
    if containers > MAX_CONTAINERS {
        let why = NotChecked::Containers {
            origin: src.origin,
            containers,
        };
        cx.report(rules::check_not_checked(file.path, &why));
        return;
    }
    // Objects cost far more than brackets: a B-tree node each.
    if let Some(cost) = crate::json::over_budget(src.text) {
        let why = NotChecked::ParseCost {
            origin: src.origin,
            cost,
        };
        cx.report(rules::check_not_checked(file.path, &why));
        return;
    }
    let v: Value = match serde_json::from_slice(src.text) {
        Ok(v) => v,
        Err(e) => {
            let why = NotChecked::NotJson {
                origin: src.origin,
                error: e.to_string(),
            };
            cx.report(rules::check_not_checked(file.path, &why));
            return;
        }
    };
    let w = config::check_config(&v);
    if w.truncated {
        let why = NotChecked::WalkTruncated { origin: src.origin };
        cx.report(rules::check_not_checked(file.path, &why));
    }
    for issue in w.issues {
        let mut f = RawFinding::new(issue.rule, file.path, issue.message)
            .evidence(issue.evidence)
            .property("config", src.origin);
        if let Some(kv) = src.keras_version {
            f = f.property("keras_version", kv);
        }
        cx.report(f);
    }
}

/// Checks one layer-metadata JSON string of a SavedModel (also used by the
/// TensorFlow analyzer for the object graph's user objects).
pub fn check_metadata_json(file: &FileInput<'_>, json: &str, cx: &mut AnalysisContext) {
    // Metadata of layers without a config is not JSON worth reporting on.
    if !json.trim_start().starts_with('{') {
        return;
    }
    check_document(
        file,
        &Source {
            text: json.as_bytes(),
            origin: "Keras layer metadata",
            keras_version: None,
        },
        cx,
    );
}

fn keras_zip(file: &FileInput<'_>, cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
    let mut zip = zip::ZipArchive::new(file.open()?)
        .map_err(|e| AnalysisError::Parse(format!("Keras archive: {e}")))?;
    let metadata = read_member(&mut zip, "metadata.json", 1 << 20)?;
    let version = metadata
        .as_deref()
        .and_then(|m| serde_json::from_slice::<Value>(m).ok())
        .and_then(|m| {
            m.get("keras_version")
                .and_then(Value::as_str)
                .map(str::to_string)
        });
    cx.check_time()?;
    match read_member(&mut zip, "config.json", MAX_CONFIG) {
        Ok(Some(text)) => check_document(
            file,
            &Source {
                text: &text,
                origin: "config.json",
                keras_version: version.as_deref(),
            },
            cx,
        ),
        Ok(None) => {}
        Err(AnalysisError::Limit(m)) => {
            let why = NotChecked::NotRead { limit: &m };
            cx.report(rules::check_not_checked(file.path, &why));
        }
        Err(e) => return Err(e),
    }
    Ok(())
}

fn read_member<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
    max: u64,
) -> Result<Option<Vec<u8>>, AnalysisError> {
    let Some(idx) = zip.index_for_name(name) else {
        return Ok(None);
    };
    let f = zip
        .by_index(idx)
        .map_err(|e| AnalysisError::Parse(format!("{name}: {e}")))?;
    if f.size() > max {
        return Err(AnalysisError::Limit(format!(
            "{name} declares {} bytes, more than the {max} read",
            f.size()
        )));
    }
    let mut buf = Vec::new();
    match f.take(max + 1).read_to_end(&mut buf) {
        Ok(_) => {}
        // A checksum mismatch surfaces only at the end; Keras' own reader may not
        // care, so the bytes read are still checked rather than given up on.
        Err(_) if !buf.is_empty() => {}
        Err(e) => return Err(e.into()),
    }
    if buf.len() as u64 > max {
        return Err(AnalysisError::Limit(format!(
            "{name} is larger than {max} bytes"
        )));
    }
    Ok(Some(buf))
}

fn hdf5_file(file: &FileInput<'_>, cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
    let parsed = hdf5::root_attributes(
        file.open()?,
        file.size,
        MAX_CONFIG as usize,
        &["model_config", "training_config", "keras_version"],
    );
    // A cap of the reader is said, not taken for damage.
    let (config, training, version, fallback) = match parsed {
        Ok(a) => {
            if let Some(m) = &a.limit {
                cx.error(
                    file.path,
                    ErrorKind::Limit,
                    format!("{} HDF5 root attributes not read ({m})", a.unread),
                );
            }
            (
                a.get("model_config").map(str::to_string),
                a.get("training_config").map(str::to_string),
                a.get("keras_version").map(str::to_string),
                a.dense && a.get("model_config").is_none(),
            )
        }
        Err(hdf5::H5Error::Io(e)) => return Err(e.into()),
        Err(hdf5::H5Error::Malformed(_)) => (None, None, None, true),
        Err(hdf5::H5Error::Limit(m)) => {
            cx.error(
                file.path,
                ErrorKind::Limit,
                format!(
                    "HDF5 structure not followed ({m}); only the first {FALLBACK_SCAN} bytes were searched for a Keras config"
                ),
            );
            (None, None, None, true)
        }
    };
    cx.check_time()?;
    if let Some(cfg) = config {
        check_document(
            file,
            &Source {
                text: cfg.as_bytes(),
                origin: "HDF5 attribute model_config",
                keras_version: version.as_deref(),
            },
            cx,
        );
        // Losses and metrics of the training config are deserialised too.
        if let Some(t) = training {
            check_document(
                file,
                &Source {
                    text: t.as_bytes(),
                    origin: "HDF5 attribute training_config",
                    keras_version: version.as_deref(),
                },
                cx,
            );
        }
        return Ok(());
    }
    if fallback && let Some(cfg) = scan_for_config(file)? {
        check_document(
            file,
            &Source {
                text: &cfg,
                origin: "Keras config found in the HDF5 bytes",
                keras_version: None,
            },
            cx,
        );
    }
    Ok(())
}

/// When the HDF5 structure could not be followed (or keeps attributes in dense
/// storage), looks for a Keras config in the file's first bytes: a JSON object
/// starting with `{"class_name"`.
fn scan_for_config(file: &FileInput<'_>) -> Result<Option<Vec<u8>>, AnalysisError> {
    let mut r = file.open()?;
    r.seek(SeekFrom::Start(0))?;
    let mut buf = Vec::new();
    r.take(FALLBACK_SCAN).read_to_end(&mut buf)?;
    for at in memmem::find_iter(&buf, b"{\"class_name\"").take(16) {
        // Only the object's end is wanted here: skipping it builds no tree, so the
        // parse's cost is checked on the text found, as for any other config.
        let mut de =
            serde_json::Deserializer::from_slice(&buf[at..]).into_iter::<serde::de::IgnoredAny>();
        if let Some(Ok(_)) = de.next() {
            let end = at + de.byte_offset();
            return Ok(Some(buf[at..end].to_vec()));
        }
    }
    Ok(None)
}

/// `keras_metadata.pb`: `SavedMetadata { repeated SavedObject nodes = 1 }`, each
/// node's `metadata` (field 5) a layer's JSON.
fn keras_metadata_pb(file: &FileInput<'_>, cx: &mut AnalysisContext) -> Result<(), AnalysisError> {
    let mut r = WireReader::new(file.open()?, file.size);
    let mut docs = Vec::new();
    let mut total = 0usize;
    // Layer documents past the MAX_CONFIG budget: skipped, counted.
    let mut skipped = 0usize;
    let res: Result<(), WireError> = (|| {
        while let Some(f) = r.next_field(file.size)? {
            cx.check_time()?;
            match (f.number, f.value) {
                (1, Wire::Len(n)) => {
                    let end = r.pos() + n;
                    while let Some(g) = r.next_field(end)? {
                        match (g.number, g.value) {
                            (5, Wire::Len(m)) => {
                                let room = (MAX_CONFIG as usize).saturating_sub(total);
                                if let Some(b) = r.bytes(m, room)? {
                                    total += b.len();
                                    docs.push(b);
                                } else {
                                    skipped += 1;
                                }
                            }
                            _ => r.skip_value(g)?,
                        }
                    }
                }
                _ => r.skip_value(f)?,
            }
        }
        Ok(())
    })();
    for d in &docs {
        cx.check_time()?;
        check_metadata_json(file, &String::from_utf8_lossy(d), cx);
    }
    if skipped > 0 {
        cx.error(
            file.path,
            ErrorKind::Limit,
            format!(
                "{skipped} layer metadata documents past the {MAX_CONFIG}-byte budget were not checked"
            ),
        );
    }
    match res {
        Ok(()) => Ok(()),
        Err(WireError::Malformed(m) | WireError::Limit(m)) => {
            let why = NotChecked::MalformedMetadata { error: &m };
            cx.report(rules::check_not_checked(file.path, &why));
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}
