//! What an import in a pickle means: an allow-list of what legitimate checkpoints use,
//! a deny-list of dangerous callables matched by module prefix (a submodule of a
//! dangerous module is dangerous), the scanners themselves, and everything else unknown.
//! Python 2 names, the prefix match and the `builtins` deny-list are
//! [`aispm_formats::pickle_names`], shared with the Keras config walk.

pub use aispm_formats::pickle_names::py3_module;
use aispm_formats::pickle_names::{DANGEROUS_BUILTINS, is_under as under};

/// Verdict on one `module.name` import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Used by ordinary checkpoints and data; nothing to report.
    Allowed,
    /// Runs code, spawns processes, touches files or the network, or loads more code.
    Dangerous(&'static str),
    /// Imports a model scanner, typically to switch it off.
    ScannerTamper,
    /// Not known either way.
    Unknown,
}

/// Whole modules (and their submodules) whose callables are dangerous, with the reason.
const DANGEROUS_MODULES: &[(&str, &str)] = &[
    // process execution
    ("os", "process execution"),
    ("posix", "process execution"),
    ("nt", "process execution"),
    ("subprocess", "process execution"),
    ("_posixsubprocess", "process execution"),
    ("_winapi", "process execution"),
    ("pty", "process execution"),
    ("commands", "process execution"),
    ("popen2", "process execution"),
    ("multiprocessing", "process execution"),
    ("_multiprocessing", "process execution"),
    ("concurrent.futures.process", "process execution"),
    ("asyncio", "process execution"),
    ("pexpect", "process execution"),
    ("pipes", "process execution"),
    ("platform", "process execution"),
    ("_osx_support", "process execution"),
    ("_aix_support", "process execution"),
    ("_pyrepl", "process execution"),
    ("idlelib", "code evaluation"),
    ("test", "code evaluation"),
    ("lib2to3", "code evaluation"),
    // code evaluation and imports
    ("code", "code evaluation"),
    ("codeop", "code evaluation"),
    ("runpy", "code evaluation"),
    ("importlib", "code evaluation"),
    ("imp", "code evaluation"),
    ("_imp", "code evaluation"),
    ("zipimport", "code evaluation"),
    ("_frozen_importlib", "code evaluation"),
    ("_frozen_importlib_external", "code evaluation"),
    ("_interpreters", "code evaluation"),
    ("_xxsubinterpreters", "code evaluation"),
    ("interpreters", "code evaluation"),
    ("concurrent.interpreters", "code evaluation"),
    ("pydoc", "code evaluation"),
    ("compileall", "code evaluation"),
    ("py_compile", "code evaluation"),
    ("__builtins__", "code evaluation"),
    ("site", "code evaluation"),
    ("inspect", "code evaluation"),
    // debuggers, profilers, code runners
    ("pdb", "debugger or code runner"),
    ("bdb", "debugger or code runner"),
    ("cProfile", "debugger or code runner"),
    ("profile", "debugger or code runner"),
    ("_lsprof", "debugger or code runner"),
    ("trace", "debugger or code runner"),
    ("timeit", "debugger or code runner"),
    ("doctest", "debugger or code runner"),
    ("unittest", "debugger or code runner"),
    // file and network access
    ("shutil", "file access"),
    ("tempfile", "file access"),
    ("fileinput", "file access"),
    ("glob", "file access"),
    ("filecmp", "file access"),
    ("linecache", "file access"),
    ("tarfile", "file access"),
    ("zipfile", "file access"),
    ("mmap", "file access"),
    ("sqlite3", "file access"),
    ("_sqlite3", "file access"),
    ("dbm", "file access"),
    ("distutils", "file access"),
    ("logging.config", "file access"),
    ("logging.handlers", "file access"),
    ("socket", "network access"),
    ("_socket", "network access"),
    ("ssl", "network access"),
    ("_ssl", "network access"),
    ("http", "network access"),
    ("httplib", "network access"),
    ("urllib", "network access"),
    ("urllib2", "network access"),
    ("urllib3", "network access"),
    ("requests", "network access"),
    ("aiohttp", "network access"),
    ("httpx", "network access"),
    ("ftplib", "network access"),
    ("smtplib", "network access"),
    ("smtpd", "network access"),
    ("telnetlib", "network access"),
    ("imaplib", "network access"),
    ("poplib", "network access"),
    ("nntplib", "network access"),
    ("socketserver", "network access"),
    ("xmlrpc", "network access"),
    ("select", "network access"),
    ("selectors", "network access"),
    ("webbrowser", "network access"),
    ("huggingface_hub", "network access"),
    // package installers
    ("pip", "package installation"),
    ("setuptools", "package installation"),
    ("pkg_resources", "package installation"),
    ("ensurepip", "package installation"),
    ("venv", "package installation"),
    ("easy_install", "package installation"),
    // nested deserialisers
    ("pickle", "nested deserialiser"),
    ("_pickle", "nested deserialiser"),
    ("cPickle", "nested deserialiser"),
    ("marshal", "nested deserialiser"),
    ("dill", "nested deserialiser"),
    ("cloudpickle", "nested deserialiser"),
    ("shelve", "nested deserialiser"),
    ("yaml", "nested deserialiser"),
    ("jsonpickle", "nested deserialiser"),
    ("skops", "nested deserialiser"),
    // interpreter internals
    ("sys", "interpreter internals"),
    ("ctypes", "interpreter internals"),
    ("_ctypes", "interpreter internals"),
    ("gc", "interpreter internals"),
    ("atexit", "interpreter internals"),
    ("signal", "interpreter internals"),
    ("_signal", "interpreter internals"),
    ("threading", "interpreter internals"),
    ("_thread", "interpreter internals"),
    ("sysconfig", "interpreter internals"),
    ("faulthandler", "interpreter internals"),
    // torch internals that load or run code
    ("torch.hub", "loads or runs code"),
    ("torch.jit", "loads or runs code"),
    ("torch._dynamo", "loads or runs code"),
    ("torch._inductor", "loads or runs code"),
    ("torch.fx", "loads or runs code"),
    ("torch.package", "loads or runs code"),
    ("torch.distributed", "loads or runs code"),
    ("torch.ops", "loads or runs code"),
    ("torch._ops", "loads or runs code"),
    ("torch.library", "loads or runs code"),
    ("torch.classes", "loads or runs code"),
    ("torch.utils.collect_env", "loads or runs code"),
    ("torch.utils.bottleneck", "loads or runs code"),
    ("torch.utils._config_module", "loads or runs code"),
    ("torch.utils.data.datapipes", "loads or runs code"),
    ("torch.utils.cpp_extension", "loads or runs code"),
    ("torch._C._jit_tree_views", "loads or runs code"),
    // numpy and other libraries with loaders or code runners
    ("numpy.f2py", "loads or runs code"),
    ("numpy.distutils", "loads or runs code"),
    ("numpy.testing", "loads or runs code"),
    ("numpy.ctypeslib", "interpreter internals"),
    ("numpy.lib.npyio", "nested deserialiser"),
    ("numpy.lib._npyio_impl", "nested deserialiser"),
    ("pandas.io", "file or network access"),
    ("mlflow", "loads or runs code"),
    ("transformers.dynamic_module_utils", "loads or runs code"),
    ("keras.utils", "loads or runs code"),
    ("tensorflow.io", "file access"),
    ("tensorflow.python.platform.gfile", "file access"),
    ("tensorflow.python.ops.script_ops", "loads or runs code"),
];

/// Specific callables in otherwise ordinary modules.
const DANGEROUS_NAMES: &[(&str, &str, &str)] = &[
    ("operator", "attrgetter", "attribute-getter gadget"),
    ("operator", "itemgetter", "attribute-getter gadget"),
    ("operator", "methodcaller", "attribute-getter gadget"),
    ("operator", "call", "attribute-getter gadget"),
    ("functools", "partial", "attribute-getter gadget"),
    ("functools", "partialmethod", "attribute-getter gadget"),
    ("functools", "reduce", "attribute-getter gadget"),
    ("functools", "singledispatch", "attribute-getter gadget"),
    ("io", "open", "file access"),
    ("io", "open_code", "file access"),
    ("io", "FileIO", "file access"),
    ("io", "BufferedReader", "file access"),
    ("io", "BufferedWriter", "file access"),
    ("io", "BufferedRandom", "file access"),
    ("io", "TextIOWrapper", "file access"),
    ("logging", "FileHandler", "file access"),
    ("logging", "config", "file access"),
    ("codecs", "open", "file access"),
    ("uuid", "_get_command_stdout", "process execution"),
    ("uuid", "_popen", "process execution"),
    ("types", "CodeType", "code object"),
    ("types", "FunctionType", "code object"),
    ("types", "LambdaType", "code object"),
    ("types", "MethodType", "code object"),
    ("types", "ModuleType", "interpreter internals"),
    ("types", "new_class", "code evaluation"),
    ("pkgutil", "resolve_name", "code evaluation"),
    ("pkgutil", "get_importer", "code evaluation"),
    ("pkgutil", "walk_packages", "code evaluation"),
    ("pkgutil", "iter_modules", "code evaluation"),
    ("pkgutil", "find_loader", "code evaluation"),
    ("pkgutil", "get_loader", "code evaluation"),
    ("pkgutil", "get_data", "file access"),
    ("torch", "load", "nested deserialiser"),
    ("torch", "compile", "loads or runs code"),
    ("torch", "save", "file access"),
    ("torch", "from_file", "file access"),
    ("torch.serialization", "load", "nested deserialiser"),
    ("torch.serialization", "_load", "nested deserialiser"),
    ("torch.serialization", "_legacy_load", "nested deserialiser"),
    ("torch.serialization", "save", "file access"),
    ("torch.storage", "_load_from_bytes", "nested deserialiser"),
    ("torch.storage", "from_file", "file access"),
    ("numpy", "load", "nested deserialiser"),
    ("numpy", "loads", "nested deserialiser"),
    ("numpy", "save", "file access"),
    ("numpy", "savez", "file access"),
    ("numpy", "savetxt", "file access"),
    ("numpy", "loadtxt", "file access"),
    ("numpy", "genfromtxt", "file access"),
    ("numpy", "fromfile", "file access"),
    ("numpy", "memmap", "file access"),
    ("numpy", "tofile", "file access"),
    ("joblib", "load", "nested deserialiser"),
    ("joblib", "dump", "file access"),
    ("joblib.numpy_pickle", "load", "nested deserialiser"),
    ("pandas", "read_pickle", "nested deserialiser"),
    ("pandas", "read_csv", "file or network access"),
    ("pandas", "read_json", "file or network access"),
    ("pandas", "read_html", "file or network access"),
    ("pandas", "read_parquet", "file or network access"),
    ("pandas", "read_excel", "file or network access"),
    ("pandas", "read_sql", "file or network access"),
    ("pandas", "eval", "code evaluation"),
    ("string", "Template", "code evaluation"),
    ("copyreg", "add_extension", "interpreter internals"),
    ("copyreg", "dispatch_table", "interpreter internals"),
    ("base64", "decode", "nested deserialiser"),
    ("collections", "namedtuple", "code evaluation"),
];

const SCANNERS: &[&str] = &[
    "modelscan",
    "picklescan",
    "fickling",
    "modelaudit",
    "model_unpickler",
    "saferpickle",
];

/// Pure constructors of `builtins` used by ordinary pickles.
const SAFE_BUILTINS: &[&str] = &[
    "set",
    "frozenset",
    "complex",
    "slice",
    "bytearray",
    "bytes",
    "range",
    "xrange",
    "list",
    "dict",
    "tuple",
    "int",
    "float",
    "str",
    "bool",
    "object",
    "long",
    "unicode",
    "Ellipsis",
    "NotImplemented",
];

const PATH_CLASSES: &[&str] = &[
    "Path",
    "PurePath",
    "PosixPath",
    "WindowsPath",
    "PurePosixPath",
    "PureWindowsPath",
];

/// Exact `module.name` pairs that ordinary checkpoints and data pickles use.
const ALLOWED: &[(&str, &[&str])] = &[
    (
        "collections",
        &[
            "OrderedDict",
            "defaultdict",
            "deque",
            "Counter",
            "UserDict",
            "UserList",
            "UserString",
            "ChainMap",
        ],
    ),
    (
        "copyreg",
        &["_reconstructor", "__newobj__", "__newobj_ex__"],
    ),
    ("_codecs", &["encode"]),
    (
        "datetime",
        &[
            "datetime",
            "date",
            "time",
            "timedelta",
            "timezone",
            "tzinfo",
        ],
    ),
    ("decimal", &["Decimal"]),
    ("fractions", &["Fraction"]),
    ("uuid", &["UUID", "SafeUUID"]),
    ("re", &["_compile", "Pattern", "RegexFlag"]),
    ("enum", &["Enum", "IntEnum", "Flag", "IntFlag"]),
    ("argparse", &["Namespace"]),
    ("types", &["SimpleNamespace"]),
    ("zoneinfo", &["ZoneInfo"]),
    (
        "ipaddress",
        &["IPv4Address", "IPv6Address", "IPv4Network", "IPv6Network"],
    ),
    ("pathlib", PATH_CLASSES),
    (
        "numpy",
        &[
            "dtype",
            "ndarray",
            "matrix",
            "bool_",
            "float16",
            "float32",
            "float64",
            "int8",
            "int16",
            "int32",
            "int64",
            "uint8",
            "uint16",
            "uint32",
            "uint64",
            "complex64",
            "complex128",
            "str_",
            "bytes_",
            "object_",
            "void",
        ],
    ),
    (
        "numpy.core.multiarray",
        &["_reconstruct", "scalar", "_frombuffer"],
    ),
    (
        "numpy._core.multiarray",
        &["_reconstruct", "scalar", "_frombuffer"],
    ),
    ("numpy.core.numeric", &["_frombuffer"]),
    ("numpy._core.numeric", &["_frombuffer"]),
    ("numpy.ma.core", &["_mareconstruct", "MaskedArray"]),
    (
        "numpy.random._pickle",
        &[
            "__randomstate_ctor",
            "__bit_generator_ctor",
            "__generator_ctor",
        ],
    ),
    (
        "joblib.numpy_pickle",
        &["NumpyArrayWrapper", "NDArrayWrapper", "ZNDArrayWrapper"],
    ),
    (
        "torch",
        &[
            "Size",
            "device",
            "dtype",
            "layout",
            "memory_format",
            "Tensor",
            "finfo",
            "iinfo",
        ],
    ),
    (
        "torch._tensor",
        &["_rebuild_from_type_v2", "_rebuild_from_type"],
    ),
    (
        "torch.nn.parameter",
        &["Parameter", "UninitializedParameter", "Buffer"],
    ),
    (
        "torch.storage",
        &["TypedStorage", "UntypedStorage", "_StorageBase"],
    ),
    ("torch.serialization", &["_get_layout"]),
    ("torch.torch_version", &["TorchVersion"]),
];

/// Module prefixes whose classes ordinary checkpoints and estimators use.
const ALLOWED_PREFIXES: &[&str] = &[
    "sklearn",
    "torch.nn.modules",
    "numpy.dtypes",
    "scipy.sparse",
    "pandas.core",
    "pandas._libs",
];

/// dtypes and storage classes of the `torch` namespace.
const TORCH_DTYPES: &[&str] = &[
    "float32",
    "float",
    "float64",
    "double",
    "float16",
    "half",
    "bfloat16",
    "uint8",
    "int8",
    "int16",
    "short",
    "int32",
    "int",
    "int64",
    "long",
    "bool",
    "complex64",
    "complex128",
    "cfloat",
    "cdouble",
    "qint8",
    "quint8",
    "qint32",
    "quint4x2",
    "quint2x4",
    "float8_e4m3fn",
    "float8_e5m2",
    "uint16",
    "uint32",
    "uint64",
    "strided",
    "sparse_coo",
    "sparse_csr",
    "contiguous_format",
    "channels_last",
    "channels_last_3d",
    "preserve_format",
    "per_tensor_affine",
    "per_channel_affine",
];

/// Classifies `module.name` (module already mapped to Python 3).
pub fn classify(module: &str, name: &str) -> Verdict {
    let module = py3_module(module);
    if SCANNERS.iter().any(|s| under(module, s)) {
        return Verdict::ScannerTamper;
    }
    // A name with dots is an attribute chain (`Popen.__init__`): judge the first part,
    // and never allow a chain through an allowed class.
    let first = name.split('.').next().unwrap_or(name);
    let chained = name.contains('.');
    if module == "builtins" {
        if DANGEROUS_BUILTINS.contains(&first)
            || first.starts_with("__") && first != "__build_class__"
        {
            return Verdict::Dangerous("code evaluation");
        }
        if !chained && SAFE_BUILTINS.contains(&name) {
            return Verdict::Allowed;
        }
        return Verdict::Unknown;
    }
    if let Some((_, why)) = DANGEROUS_MODULES.iter().find(|(m, _)| under(module, m)) {
        return Verdict::Dangerous(why);
    }
    if let Some((_, _, why)) = DANGEROUS_NAMES
        .iter()
        .find(|(m, n, _)| (module == *m || py3_private_alias(module) == *m) && first == *n)
    {
        return Verdict::Dangerous(why);
    }
    // Path objects are plain data; anything else reached through pathlib (methods such as
    // `Path.write_text`) touches files.
    if module == "pathlib" && (chained || !PATH_CLASSES.contains(&name)) {
        return Verdict::Dangerous("file access");
    }
    if chained {
        return Verdict::Unknown;
    }
    if ALLOWED
        .iter()
        .any(|(m, names)| *m == module && names.contains(&name))
    {
        return Verdict::Allowed;
    }
    if module == "torch"
        && (name.ends_with("Storage") && name.bytes().all(|b| b.is_ascii_alphanumeric())
            || TORCH_DTYPES.contains(&name))
    {
        return Verdict::Allowed;
    }
    if module == "torch._utils" && name.starts_with("_rebuild_") {
        return Verdict::Allowed;
    }
    if ALLOWED_PREFIXES.iter().any(|p| under(module, p)) && !name.starts_with("__") {
        return Verdict::Allowed;
    }
    Verdict::Unknown
}

/// `_operator`, `_io`, `_functools`, `_collections` are the C twins of the public modules.
fn py3_private_alias(module: &str) -> &str {
    match module {
        "_operator" => "operator",
        "_io" => "io",
        "_functools" => "functools",
        "_collections" => "collections",
        "_pickle" => "pickle",
        _ => module,
    }
}

/// Callables whose result is a code object or a function built from one.
pub fn builds_code(module: &str, name: &str) -> bool {
    let module = py3_module(module);
    matches!(
        (module, name),
        ("types", "CodeType" | "FunctionType" | "LambdaType")
            | ("marshal", "loads" | "load")
            | (
                "dill._dill",
                "_create_code" | "_create_function" | "_load_type"
            )
            | ("dill", "_create_code" | "_create_function")
            | (
                "cloudpickle.cloudpickle",
                "_make_function" | "_builtin_type" | "_make_code"
            )
            | ("cloudpickle", "_make_function" | "_builtin_type")
    )
}

/// Functions that only combine their string arguments, so a name built with them at
/// load time can still be read (`_operator.add('sys', 'tem')`).
pub fn is_string_concat(module: &str, name: &str) -> bool {
    matches!(module, "operator" | "_operator") && matches!(name, "add" | "concat" | "iadd")
        || module == "builtins" && name == "str.__add__"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_checkpoint_globals() {
        for (m, n) in [
            ("torch._utils", "_rebuild_tensor_v2"),
            ("torch", "FloatStorage"),
            ("torch", "BFloat16Storage"),
            ("collections", "OrderedDict"),
            ("__builtin__", "set"),
            ("builtins", "complex"),
            ("_codecs", "encode"),
            ("numpy._core.multiarray", "_reconstruct"),
            ("numpy.core.multiarray", "scalar"),
            ("sklearn.linear_model._logistic", "LogisticRegression"),
            ("copy_reg", "_reconstructor"),
            ("datetime", "datetime"),
            ("uuid", "UUID"),
            ("joblib.numpy_pickle", "NumpyArrayWrapper"),
            ("torch.nn.modules.linear", "Linear"),
        ] {
            assert_eq!(classify(m, n), Verdict::Allowed, "{m}.{n}");
        }
    }

    #[test]
    fn dangerous_by_prefix_and_name() {
        for (m, n) in [
            ("os", "system"),
            ("posix", "system"),
            ("nt", "system"),
            ("subprocess", "Popen"),
            ("asyncio.unix_events", "_UnixSubprocessTransport._start"),
            ("builtins", "eval"),
            ("__builtin__", "getattr"),
            ("_operator", "attrgetter"),
            ("operator", "methodcaller"),
            ("functools", "partial"),
            ("pip._internal.cli.main", "main"),
            ("_io", "FileIO"),
            ("uuid", "_get_command_stdout"),
            ("torch.serialization", "load"),
            ("torch", "load"),
            ("numpy.testing._private.utils", "runstring"),
            ("types", "CodeType"),
            ("pkgutil", "resolve_name"),
            ("pydoc", "locate"),
            ("commands", "getoutput"),
            ("builtins", "__import__"),
            ("pathlib", "Path.write_text"),
        ] {
            assert!(matches!(classify(m, n), Verdict::Dangerous(_)), "{m}.{n}");
        }
        assert_eq!(classify("fickling", "hook"), Verdict::ScannerTamper);
        assert_eq!(classify("mylab.models", "MyNet"), Verdict::Unknown);
        assert_eq!(classify("osmosis", "x"), Verdict::Unknown);
        assert_eq!(classify("builtins", "print"), Verdict::Unknown);
        assert_eq!(
            classify("collections", "OrderedDict.fromkeys"),
            Verdict::Unknown
        );
    }
}
