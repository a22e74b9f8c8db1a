//! What a source file is for, from its path: the project's tests, examples and
//! documentation, or the code it ships. The same call weighs differently in each: a
//! test that loads the project's own fixture model with `trust_remote_code=True`
//! exercises the flag, a tutorial that loads a base model unpinned shows the reader
//! how, and only shipped code runs that way for its users.
//!
//! Decided from path components and file-name conventions that test runners and
//! documentation tools themselves use; never from a project's or a file's name.

/// The part a file plays in its project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    /// Application or library code.
    #[default]
    Source,
    /// Examples, tutorials, documentation, notebooks, benchmark harnesses and
    /// maintainers' scripts: code for a person to run or adapt, not shipped.
    Example,
    /// Tests and test fixtures.
    Test,
}

/// Folders that hold tests (`tests/`, `__tests__/`, `fixtures/`, …).
const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "testing",
    "__tests__",
    "__mocks__",
    "spec",
    "specs",
    "e2e",
    "fixture",
    "fixtures",
    "unit_tests",
    "integration_tests",
    "test_utils",
];

/// Folders that hold examples and documentation.
const EXAMPLE_DIRS: &[&str] = &[
    "example",
    "examples",
    "docs",
    "doc",
    "documentation",
    "tutorial",
    "tutorials",
    "notebooks",
    "cookbook",
    "cookbooks",
    "demo",
    "demos",
    "sample",
    "samples",
    "guides",
    "recipes",
    "benchmark",
    "benchmarks",
    // maintainers' scripts, run by hand, not shipped
    "scripts",
];

impl Role {
    /// The role a folder of this name gives what it holds (`tests` → tests,
    /// `examples` → examples), if it gives one.
    pub fn of_folder(name: &str) -> Option<Role> {
        let name = name.to_ascii_lowercase();
        if TEST_DIRS.contains(&name.as_str()) {
            Some(Role::Test)
        } else if EXAMPLE_DIRS.contains(&name.as_str()) {
            Some(Role::Example)
        } else {
            None
        }
    }

    /// The role of a file from its display path (`a/b.py`, `x.zip!tests/t.py`).
    pub fn of_path(path: &str) -> Role {
        let inner = path.rsplit('!').next().unwrap_or(path);
        let mut parts: Vec<&str> = inner.split(['/', '\\']).filter(|p| !p.is_empty()).collect();
        let Some(file) = parts.pop() else {
            return Role::Source;
        };
        let file = file.to_ascii_lowercase();
        let stem = file.split('.').next().unwrap_or(&file);
        let test_file = stem.starts_with("test_")
            || stem.ends_with("_test")
            || stem == "conftest"
            || stem == "tests"
            || file.contains(".test.")
            || file.contains(".spec.");
        let dirs: Vec<String> = parts.iter().map(|p| p.to_ascii_lowercase()).collect();
        if test_file || dirs.iter().any(|d| TEST_DIRS.contains(&d.as_str())) {
            return Role::Test;
        }
        if file.ends_with(".ipynb") || dirs.iter().any(|d| EXAMPLE_DIRS.contains(&d.as_str())) {
            return Role::Example;
        }
        Role::Source
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles() {
        assert_eq!(Role::of_path("tests/test_sft.py"), Role::Test);
        assert_eq!(Role::of_path("pkg/tests/helpers.py"), Role::Test);
        assert_eq!(Role::of_path("src/app_test.py"), Role::Test);
        assert_eq!(Role::of_path("web/chat.test.tsx"), Role::Test);
        assert_eq!(Role::of_path("conftest.py"), Role::Test);
        assert_eq!(
            Role::of_path("pkg/benchmarks/gaia/scenario.py"),
            Role::Example
        );
        assert_eq!(Role::of_path("examples/train.py"), Role::Example);
        assert_eq!(Role::of_path("guide.ipynb"), Role::Example);
        assert_eq!(Role::of_path("src/app/main.py"), Role::Source);
        assert_eq!(Role::of_path("src/latest.py"), Role::Source);
        assert_eq!(Role::of_path("src/contest/main.py"), Role::Source);
        assert_eq!(Role::of_path("a.zip!tests/t.py"), Role::Test);
        assert_eq!(Role::of_folder("Examples"), Some(Role::Example));
        assert_eq!(Role::of_folder("tests"), Some(Role::Test));
        assert_eq!(Role::of_folder("src"), None);
    }
}
