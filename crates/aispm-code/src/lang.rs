//! Languages the source analyzer parses, and their tree-sitter grammars.

use std::sync::OnceLock;
use tree_sitter::{Language, Parser, Tree};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Python,
    JavaScript,
    TypeScript,
    Tsx,
}

impl Lang {
    /// The language of a file, from its extension (source files are plain text, so
    /// content cannot tell Python from JavaScript cheaply and reliably).
    pub fn from_extension(ext: &str) -> Option<Lang> {
        Some(match ext {
            "py" | "pyw" | "pyi" => Lang::Python,
            "js" | "mjs" | "cjs" | "jsx" => Lang::JavaScript,
            "ts" | "mts" | "cts" => Lang::TypeScript,
            "tsx" => Lang::Tsx,
            _ => return None,
        })
    }

    pub fn is_python(self) -> bool {
        self == Lang::Python
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Python => "python",
            Lang::JavaScript => "javascript",
            Lang::TypeScript => "typescript",
            Lang::Tsx => "tsx",
        }
    }

    fn grammar(self) -> Language {
        match self {
            Lang::Python => tree_sitter_python::LANGUAGE.into(),
            Lang::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Lang::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Lang::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
        }
    }

    /// Node-kind names and field IDs of the grammar, looked up once: comparing
    /// `kind()` strings and `child_by_field_name` each cost a C string scan per call.
    pub fn table(self) -> &'static Table {
        static TABLES: [OnceLock<Table>; 4] = [const { OnceLock::new() }; 4];
        let i = self as usize;
        TABLES[i].get_or_init(|| Table::new(&self.grammar()))
    }

    /// Parses `src`; `None` only when the grammar cannot be loaded or parsing was
    /// cancelled (tree-sitter recovers from syntax errors with error nodes).
    pub fn parse(self, src: &str) -> Option<Tree> {
        let mut parser = Parser::new();
        parser.set_language(&self.grammar()).ok()?;
        parser.parse(src, None)
    }
}

/// Field names the analyzer reads, in [`Table::fields`] order.
pub const FIELDS: &[&str] = &[
    "value",
    "name",
    "object",
    "key",
    "right",
    "left",
    "function",
    "alias",
    "arguments",
    "body",
    "source",
    "property",
    "module_name",
    "constructor",
    "attribute",
    "operator",
];

/// Per-grammar lookup tables.
pub struct Table {
    /// Node-kind name by kind ID.
    pub kinds: Vec<String>,
    /// Field ID of each name of [`FIELDS`] (0: not in this grammar).
    pub fields: Vec<u16>,
}

impl Table {
    fn new(lang: &Language) -> Table {
        let count = lang.node_kind_count();
        let kinds = (0..count)
            .map(|id| lang.node_kind_for_id(id as u16).unwrap_or("").to_string())
            .collect();
        let fields = FIELDS
            .iter()
            .map(|f| lang.field_id_for_name(f).map_or(0, |id| id.get()))
            .collect();
        Table { kinds, fields }
    }

    /// The kind name of a node.
    pub fn kind(&'static self, n: tree_sitter::Node) -> &'static str {
        self.kinds
            .get(n.kind_id() as usize)
            .map_or("", String::as_str)
    }

    /// Index of a field name in [`FIELDS`].
    pub fn field_index(name: &str) -> Option<usize> {
        FIELDS.iter().position(|f| *f == name)
    }
}
