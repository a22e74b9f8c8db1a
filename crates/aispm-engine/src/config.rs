//! Scan configuration: limits, rule selection, path exclusions. Read from an
//! `aispm.toml` found upward from the scan root, then overridden by command-line flags.

use aispm_core::Severity;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The configuration file name looked up from the scan root upward.
pub const CONFIG_FILE_NAME: &str = "aispm.toml";

/// Explicit bounds on work and memory. Reaching one is reported, never silent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Files larger than this are not read at all (an error record says so).
    #[serde(with = "byte_size")]
    pub max_file_size: u64,
    /// Per-analyzer size caps (`inventory = "2GiB"`), overriding the analyzer default.
    #[serde(with = "byte_size_map")]
    pub analyzer_max_file_size: BTreeMap<String, u64>,
    /// How many archives deep the engine opens (`a.zip!b.tar!c.pkl` is depth 2).
    pub max_archive_depth: u32,
    /// Total bytes decompressed out of one file on disk, across all nesting levels.
    #[serde(with = "byte_size")]
    pub max_expanded_bytes: u64,
    /// Largest accepted ratio of expanded to compressed size for an archive member.
    pub max_expansion_ratio: u64,
    /// Members expanding to less than this are exempt from the ratio check.
    #[serde(with = "byte_size")]
    pub ratio_exempt_below: u64,
    /// Largest number of members read from one archive.
    pub max_archive_members: u64,
    /// Members up to this size are decompressed in memory; larger ones spill to a
    /// temporary file.
    #[serde(with = "byte_size")]
    pub max_member_in_memory: u64,
    /// Time budget per file (analyzers check it cooperatively).
    pub time_per_file_ms: u64,
    /// Files larger than this get no whole-file SHA-256 in the inventory (the asset
    /// says so and `stats.files_not_hashed` counts them). Security analysis never
    /// needs the hash; hashing a multi-gigabyte checkpoint costs more than analysing it.
    #[serde(with = "byte_size")]
    pub max_hash_size: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_size: 64 << 30,
            analyzer_max_file_size: BTreeMap::new(),
            max_archive_depth: 4,
            max_expanded_bytes: 8 << 30,
            max_expansion_ratio: 200,
            ratio_exempt_below: 1 << 20,
            max_archive_members: 100_000,
            max_member_in_memory: 64 << 20,
            time_per_file_ms: 120_000,
            max_hash_size: 256 << 20,
        }
    }
}

impl Limits {
    /// The limits as a JSON map for the report.
    pub fn to_json_map(&self) -> BTreeMap<String, serde_json::Value> {
        let mut m = BTreeMap::new();
        m.insert("max_file_size".into(), self.max_file_size.into());
        m.insert("max_archive_depth".into(), self.max_archive_depth.into());
        m.insert("max_expanded_bytes".into(), self.max_expanded_bytes.into());
        m.insert(
            "max_expansion_ratio".into(),
            self.max_expansion_ratio.into(),
        );
        m.insert(
            "max_archive_members".into(),
            self.max_archive_members.into(),
        );
        m.insert(
            "max_member_in_memory".into(),
            self.max_member_in_memory.into(),
        );
        m.insert("time_per_file_ms".into(), self.time_per_file_ms.into());
        m.insert("max_hash_size".into(), self.max_hash_size.into());
        if !self.analyzer_max_file_size.is_empty() {
            m.insert(
                "analyzer_max_file_size".into(),
                serde_json::to_value(&self.analyzer_max_file_size).unwrap_or_default(),
            );
        }
        m
    }
}

/// The `[scan]` table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScanSection {
    /// Rule IDs or prefixes to report (all when empty).
    pub select: Vec<String>,
    /// Rule IDs or prefixes not to report.
    pub ignore: Vec<String>,
    /// Globs (gitignore syntax, relative to the scan root) of paths not to scan.
    pub exclude: Vec<String>,
    /// Default for `--fail-on`.
    pub fail_on: Option<Severity>,
    /// Scan files ignored by `.gitignore` too.
    pub no_gitignore: bool,
}

/// One `[[ignore]]` entry: suppress rules on matching paths, with a reason.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PathIgnore {
    /// Rule IDs or prefixes (all rules when empty).
    pub rules: Vec<String>,
    /// Globs matched against finding paths.
    pub paths: Vec<String>,
    pub reason: Option<String>,
}

/// The whole `aispm.toml`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub scan: ScanSection,
    pub limits: Limits,
    #[serde(rename = "ignore")]
    pub path_ignores: Vec<PathIgnore>,
}

/// What the command line says, where it says anything: `None`, `false` and empty lists
/// mean "not given" and leave the configuration file's value (or the default) in place.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    pub max_file_size: Option<u64>,
    pub max_archive_depth: Option<u32>,
    pub max_expanded_bytes: Option<u64>,
    pub max_expansion_ratio: Option<u64>,
    pub time_per_file_ms: Option<u64>,
    pub max_hash_size: Option<u64>,
    /// Hash every file whatever its size (`--hash-all`).
    pub hash_all: bool,
    /// Replaces the file's `select` when not empty.
    pub select: Vec<String>,
    /// Added to the file's `ignore`.
    pub ignore: Vec<String>,
    /// Added to the file's `exclude`.
    pub exclude: Vec<String>,
    pub fail_on: Option<Severity>,
    /// Scan `.gitignore`d files too (either source can switch this on).
    pub no_gitignore: bool,
}

/// The settings a scan runs with, once defaults, `aispm.toml` and flags are merged.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    pub limits: Limits,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub excludes: Vec<String>,
    pub fail_on: Option<Severity>,
    pub respect_gitignore: bool,
    pub path_ignores: Vec<PathIgnore>,
}

impl Config {
    /// The one place where precedence is decided: defaults < `aispm.toml` < flags.
    /// Limits and `fail_on` given as flags replace the file's; a flag `select` replaces
    /// the file's list; `ignore` and `exclude` add to it.
    pub fn resolve(&self, flags: &Overrides) -> Resolved {
        let mut limits = self.limits.clone();
        let set = |slot: &mut u64, v: Option<u64>| {
            if let Some(v) = v {
                *slot = v;
            }
        };
        set(&mut limits.max_file_size, flags.max_file_size);
        if let Some(v) = flags.max_archive_depth {
            limits.max_archive_depth = v;
        }
        set(&mut limits.max_expanded_bytes, flags.max_expanded_bytes);
        set(
            &mut limits.max_expansion_ratio,
            flags.max_expansion_ratio.map(|v| v.max(1)),
        );
        set(&mut limits.time_per_file_ms, flags.time_per_file_ms);
        set(&mut limits.max_hash_size, flags.max_hash_size);
        if flags.hash_all {
            limits.max_hash_size = u64::MAX;
        }
        let select = if flags.select.is_empty() {
            self.scan.select.clone()
        } else {
            flags.select.clone()
        };
        let mut ignore = self.scan.ignore.clone();
        ignore.extend(flags.ignore.iter().cloned());
        let mut excludes = self.scan.exclude.clone();
        excludes.extend(flags.exclude.iter().cloned());
        Resolved {
            limits,
            select,
            ignore,
            excludes,
            fail_on: flags.fail_on.or(self.scan.fail_on),
            respect_gitignore: !(flags.no_gitignore || self.scan.no_gitignore),
            path_ignores: self.path_ignores.clone(),
        }
    }
}

/// Why [`Config::from_file`] gave no configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read. The I/O error's text is part of this one's, so it is
    /// not also the `source` (the CLI prints a whole chain, which would say it twice).
    #[error("cannot read {path}: {error}")]
    Read {
        /// The configuration file.
        path: PathBuf,
        /// What the system said.
        error: std::io::Error,
    },
    /// The file does not parse. Its message is part of this one's, so it is not also
    /// the `source`.
    #[error("invalid configuration in {path}: {error}")]
    Invalid {
        path: PathBuf,
        error: ParseConfigError,
    },
}

/// A configuration text that does not parse ([`Config::parse`]): not TOML, an
/// unknown key, a value of the wrong type or an unreadable size. The message is the
/// TOML parser's.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct ParseConfigError(#[from] toml::de::Error);

impl Config {
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|error| ConfigError::Read {
            path: path.to_path_buf(),
            error,
        })?;
        Self::parse(&text).map_err(|error| ConfigError::Invalid {
            path: path.to_path_buf(),
            error,
        })
    }

    /// Parses the text of an `aispm.toml`.
    pub fn parse(text: &str) -> Result<Config, ParseConfigError> {
        Ok(toml::from_str(text)?)
    }

    /// Finds `aispm.toml` in `start` (or its folder, for a file) and its ancestors.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        let abs = std::path::absolute(start).ok()?;
        let mut dir = if abs.is_dir() {
            Some(abs.as_path())
        } else {
            abs.parent()
        };
        while let Some(d) = dir {
            let candidate = d.join(CONFIG_FILE_NAME);
            if candidate.is_file() {
                return Some(candidate);
            }
            dir = d.parent();
        }
        None
    }
}

/// A size that [`parse_byte_size`] cannot read. Each variant holds the text as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ByteSizeError {
    /// The number is missing or does not fit a `u64`.
    #[error("invalid size `{0}`")]
    Invalid(String),
    /// A unit other than B, k/kB/KiB, M/MB/MiB, G/GB/GiB or T/TB/TiB (in any case).
    #[error("unknown size unit `{unit}` in `{size}`")]
    UnknownUnit { unit: String, size: String },
    /// More bytes than a `u64` holds.
    #[error("size `{0}` is too large")]
    TooLarge(String),
}

/// Parses sizes written as integers (bytes) or strings with a unit: `512MiB`, `2GB`,
/// `64 KiB`.
pub fn parse_byte_size(s: &str) -> Result<u64, ByteSizeError> {
    let t = s.trim();
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '_')
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num
        .replace('_', "")
        .parse()
        .map_err(|_| ByteSizeError::Invalid(s.to_string()))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "kib" => 1 << 10,
        "m" | "mb" => 1_000_000,
        "mib" => 1 << 20,
        "g" | "gb" => 1_000_000_000,
        "gib" => 1 << 30,
        "t" | "tb" => 1_000_000_000_000,
        "tib" => 1 << 40,
        other => {
            return Err(ByteSizeError::UnknownUnit {
                unit: other.to_string(),
                size: s.to_string(),
            });
        }
    };
    n.checked_mul(mult)
        .ok_or_else(|| ByteSizeError::TooLarge(s.to_string()))
}

mod byte_size {
    use serde::{Deserialize, Deserializer, Serializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    pub(super) enum Raw {
        Int(u64),
        Str(String),
    }

    impl Raw {
        pub(super) fn bytes(self) -> Result<u64, super::ByteSizeError> {
            match self {
                Raw::Int(n) => Ok(n),
                Raw::Str(s) => super::parse_byte_size(&s),
            }
        }
    }

    pub fn serialize<S: Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(*v)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        Raw::deserialize(d)?
            .bytes()
            .map_err(serde::de::Error::custom)
    }
}

mod byte_size_map {
    use super::byte_size::Raw;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::BTreeMap;

    pub fn serialize<S: Serializer>(v: &BTreeMap<String, u64>, s: S) -> Result<S::Ok, S::Error> {
        v.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, u64>, D::Error> {
        let raw = BTreeMap::<String, Raw>::deserialize(d)?;
        raw.into_iter()
            .map(|(k, v)| v.bytes().map(|b| (k, b)).map_err(serde::de::Error::custom))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_is_defaults_then_file_then_flags() {
        let file: Config = toml::from_str(
            "[scan]\nselect = [\"SEC\"]\nignore = [\"SEC009\"]\nexclude = [\"vendor/\"]\nfail_on = \"high\"\n[limits]\nmax_file_size = \"1MiB\"\ntime_per_file_ms = 5\n",
        )
        .unwrap();
        // Nothing on the command line: the file's values, defaults elsewhere.
        let r = file.resolve(&Overrides::default());
        assert_eq!(r.select, ["SEC"]);
        assert_eq!(r.limits.max_file_size, 1 << 20);
        assert_eq!(r.limits.time_per_file_ms, 5);
        assert_eq!(
            r.limits.max_archive_depth,
            Limits::default().max_archive_depth
        );
        assert_eq!(r.fail_on, Some(Severity::High));
        assert!(r.respect_gitignore);
        // Flags win where given; lists of exclusions add up.
        let flags = Overrides {
            max_file_size: Some(7),
            max_expansion_ratio: Some(0),
            hash_all: true,
            select: vec!["MDL".into()],
            ignore: vec!["MDL004".into()],
            exclude: vec!["data/".into()],
            fail_on: Some(Severity::Critical),
            no_gitignore: true,
            ..Overrides::default()
        };
        let r = file.resolve(&flags);
        assert_eq!(r.select, ["MDL"]);
        assert_eq!(r.ignore, ["SEC009", "MDL004"]);
        assert_eq!(r.excludes, ["vendor/", "data/"]);
        assert_eq!(r.limits.max_file_size, 7);
        assert_eq!(r.limits.time_per_file_ms, 5);
        assert_eq!(r.limits.max_expansion_ratio, 1);
        assert_eq!(r.limits.max_hash_size, u64::MAX);
        assert_eq!(r.fail_on, Some(Severity::Critical));
        assert!(!r.respect_gitignore);
        // No file: the defaults.
        let r = Config::default().resolve(&Overrides::default());
        assert_eq!(r.limits, Limits::default());
        assert!(r.select.is_empty() && r.fail_on.is_none());
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_byte_size("512").unwrap(), 512);
        assert_eq!(parse_byte_size("2GiB").unwrap(), 2 << 30);
        assert_eq!(parse_byte_size("64 KiB").unwrap(), 64 << 10);
        assert_eq!(parse_byte_size("1_000mb").unwrap(), 1_000_000_000);
        assert_eq!(
            parse_byte_size("12 parsecs").unwrap_err().to_string(),
            "unknown size unit `parsecs` in `12 parsecs`"
        );
        assert_eq!(
            parse_byte_size("lots").unwrap_err().to_string(),
            "invalid size `lots`"
        );
        assert_eq!(
            parse_byte_size("99999999999999999999")
                .unwrap_err()
                .to_string(),
            "invalid size `99999999999999999999`"
        );
        assert_eq!(
            parse_byte_size("20000000TiB").unwrap_err().to_string(),
            "size `20000000TiB` is too large"
        );
    }

    #[test]
    fn parses_a_full_config() {
        let c = Config::parse(
            r#"
            [scan]
            select = ["MDL", "SEC"]
            ignore = ["ART006"]
            exclude = ["vendor/**"]
            fail_on = "high"

            [limits]
            max_file_size = "2GiB"
            max_archive_depth = 2
            analyzer_max_file_size = { inventory = "1GiB" }

            [[ignore]]
            rules = ["SEC"]
            paths = ["tests/fixtures/**"]
            reason = "test data"
            "#,
        )
        .unwrap();
        assert_eq!(c.scan.fail_on, Some(Severity::High));
        assert_eq!(c.limits.max_file_size, 2 << 30);
        assert_eq!(c.limits.max_archive_depth, 2);
        assert_eq!(c.limits.analyzer_max_file_size["inventory"], 1 << 30);
        assert_eq!(
            c.limits.max_expansion_ratio,
            Limits::default().max_expansion_ratio
        );
        assert_eq!(c.path_ignores[0].reason.as_deref(), Some("test data"));
    }

    #[test]
    fn rejects_unknown_keys() {
        assert!(Config::parse("[scan]\nselekt = []\n").is_err());
        assert!(Config::parse("[limits]\nmax_file_size = \"lots\"\n").is_err());
    }
}
