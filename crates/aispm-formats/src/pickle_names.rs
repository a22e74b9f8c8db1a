//! Python names as a pickle (or any loader that resolves `module.name` references the
//! same way: Keras configs, skops schemas) reaches them: the Python 2 module names the
//! unpickler maps to Python 3 ones, the module-prefix match (a submodule of a module
//! is that module), and the one list of `builtins` callables that evaluate code, reach
//! attributes or touch files. Judging a reference stays with the analyzer that reports
//! it; the names are shared so that the analyzers cannot drift apart.

/// Python 2 module names the unpickler maps to their Python 3 names (`fix_imports`).
pub fn py3_module(module: &str) -> &str {
    match module {
        "__builtin__" | "exceptions" => "builtins",
        "copy_reg" => "copyreg",
        "cPickle" => "pickle",
        "UserDict" | "UserList" | "UserString" => "collections",
        "commands" => "subprocess",
        "urllib2" => "urllib.request",
        "httplib" => "http.client",
        "SocketServer" => "socketserver",
        "Queue" => "queue",
        _ => module,
    }
}

/// Whether `module` is `prefix` or one of its submodules (`os.path` is under `os`,
/// `osmosis` is not).
pub fn is_under(module: &str, prefix: &str) -> bool {
    module == prefix
        || (module.len() > prefix.len()
            && module.starts_with(prefix)
            && module.as_bytes()[prefix.len()] == b'.')
}

/// Names in `builtins` that evaluate code, reach attributes or touch files.
pub const DANGEROUS_BUILTINS: &[&str] = &[
    "eval",
    "exec",
    "execfile",
    "compile",
    "open",
    "__import__",
    "getattr",
    "setattr",
    "delattr",
    "globals",
    "locals",
    "vars",
    "dir",
    "breakpoint",
    "input",
    "raw_input",
    "apply",
    "reload",
    "help",
    "exit",
    "quit",
    "memoryview",
    "__loader__",
    "__build_class__",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python2_names_and_prefixes() {
        assert_eq!(py3_module("__builtin__"), "builtins");
        assert_eq!(py3_module("copy_reg"), "copyreg");
        assert_eq!(py3_module("numpy"), "numpy");
        assert!(is_under("os", "os"));
        assert!(is_under("os.path", "os"));
        assert!(!is_under("osmosis", "os"));
        assert!(!is_under("o", "os"));
        assert!(is_under("é.x", "é"));
    }

    #[test]
    fn the_builtins_list_has_no_duplicates() {
        let mut names = DANGEROUS_BUILTINS.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), DANGEROUS_BUILTINS.len());
        assert_eq!(DANGEROUS_BUILTINS.len(), 24);
    }
}
