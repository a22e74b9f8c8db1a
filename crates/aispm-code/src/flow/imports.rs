//! Imports and module constants: Python and JS/TS import forms resolved to qualified names, SDK usage, `require` bindings and string constants.

use super::*;

impl<'s> Walker<'s> {
    /// Imports, SDK uses and module constants, from statements at any nesting
    /// (iterative: no recursion limit needed).
    pub(super) fn collect(&mut self, root: Node<'s>) {
        let mut cursor = root.walk();
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            match self.kind(n) {
                "import_statement" if self.lang.is_python() => self.py_import(n),
                "import_from_statement" if self.lang.is_python() => self.py_import_from(n),
                "import_statement" => self.js_import(n),
                "variable_declarator" => self.js_require(n),
                "assignment" if self.lang.is_python() => {
                    if let (Some(l), Some(r)) = (self.field(n, "left"), self.field(n, "right"))
                        && self.kind(l) == "identifier"
                        && let Some(s) = self.string_literal(r)
                    {
                        let s = self.unless_stand_in(n, s);
                        self.consts.insert(self.text(l).to_string(), s);
                    }
                }
                "class_definition"
                | "function_definition"
                | "class_declaration"
                | "function_declaration" => {
                    if let Some(name) = self.field(n, "name") {
                        self.local_defs.insert(self.text(name));
                    }
                }
                _ => {}
            }
            // Imports and constants are statements: expressions are not entered.
            let kind = self.kind(n);
            if STATEMENT_CONTAINERS.contains(&kind) {
                let children: Vec<Node> = n.named_children(&mut cursor).collect();
                stack.extend(children.into_iter().rev());
            }
        }
    }

    /// Records an import of an AI SDK: one entry per SDK package per file, with its
    /// modules and import count. A package's own modules importing each other
    /// (`crewai/agent.py` importing `crewai.tools`) make the file AI code but are
    /// not a use of the SDK.
    pub(super) fn add_sdk(&mut self, sdk: &'static str, module: &str, line: u32) {
        self.has_ai = true;
        self.agent_sdk |= agents::is_agent_sdk(sdk);
        let package: Vec<&str> = if self.lang.is_python() {
            sdk::python_package(module)
        } else {
            vec![sdk::javascript_package(module)]
        };
        if self.lang.is_python() && self.own_package(&package) {
            return;
        }
        let package = package.join(".");
        if let Some(s) = self
            .out
            .sdks
            .iter_mut()
            .find(|s| s.package == package && s.sdk == sdk)
        {
            s.imports += 1;
            if !s.modules.iter().any(|m| m == module) {
                s.modules.push(module.to_string());
            }
            return;
        }
        self.out.sdks.push(SdkUse {
            sdk,
            package,
            module: module.to_string(),
            modules: vec![module.to_string()],
            imports: 1,
            line,
        });
    }

    pub(super) fn py_import(&mut self, n: Node<'s>) {
        for c in named_children(n) {
            let (module, local) = match self.kind(c) {
                "dotted_name" => {
                    let m = self.text(c);
                    (m, m.split('.').next().unwrap_or(m))
                }
                "aliased_import" => {
                    let (Some(name), Some(alias)) = (self.field(c, "name"), self.field(c, "alias"))
                    else {
                        continue;
                    };
                    (self.text(name), self.text(alias))
                }
                _ => continue,
            };
            let bound = if self.kind(c) == "dotted_name" {
                local.to_string()
            } else {
                module.to_string()
            };
            self.imports.insert(local.to_string(), bound);
            if let Some(sdk) = sdk::python_sdk(module) {
                self.add_sdk(sdk, module, line_of(n));
            }
        }
    }

    pub(super) fn py_import_from(&mut self, n: Node<'s>) {
        let Some(m) = self.field(n, "module_name") else {
            return;
        };
        let module = self.text(m).to_string();
        let mut cursor = n.walk();
        let names: Vec<Node> = n.children_by_field_name("name", &mut cursor).collect();
        for &c in &names {
            let (name, local) = match self.kind(c) {
                "dotted_name" => (self.text(c), self.text(c)),
                "aliased_import" => {
                    let (Some(name), Some(alias)) = (self.field(c, "name"), self.field(c, "alias"))
                    else {
                        continue;
                    };
                    (self.text(name), self.text(alias))
                }
                _ => continue,
            };
            self.imports.insert(
                local.to_string(),
                format!("{}.{name}", module.trim_start_matches('.')),
            );
        }
        if let Some(sdk) = sdk::python_sdk(&module) {
            self.add_sdk(sdk, &module, line_of(n));
        } else {
            let imported: Vec<&str> = names
                .iter()
                .map(|c| match self.field(*c, "name") {
                    Some(name) if self.kind(*c) == "aliased_import" => self.text(name),
                    _ => self.text(*c),
                })
                .collect();
            if sdk::is_openai_agents(&module, &imported) {
                self.openai_agents = true;
                self.add_sdk("openai-agents", &module, line_of(n));
            } else if module == "agents" || module.starts_with("agents.") {
                // Perhaps the SDK: the calls' keywords decide (`agents.rs`).
                self.agent_sdk = true;
            }
        }
    }

    pub(super) fn js_module(spec: &str) -> String {
        spec.strip_prefix("node:").unwrap_or(spec).to_string()
    }

    pub(super) fn js_import(&mut self, n: Node<'s>) {
        let Some(source) = self.field(n, "source") else {
            return;
        };
        let Some(spec) = self.string_literal(source) else {
            return;
        };
        let module = Self::js_module(&spec);
        for c in named_children(n) {
            if self.kind(c) != "import_clause" {
                continue;
            }
            for part in named_children(c) {
                match self.kind(part) {
                    "identifier" => {
                        self.imports
                            .insert(self.text(part).to_string(), module.clone());
                    }
                    "namespace_import" => {
                        for id in named_children(part) {
                            self.imports
                                .insert(self.text(id).to_string(), module.clone());
                        }
                    }
                    "named_imports" => {
                        for spec_node in named_children(part) {
                            if self.kind(spec_node) != "import_specifier" {
                                continue;
                            }
                            let Some(name) = self.field(spec_node, "name") else {
                                continue;
                            };
                            let local = self.field(spec_node, "alias").unwrap_or(name);
                            self.imports.insert(
                                self.text(local).to_string(),
                                format!("{module}.{}", self.text(name)),
                            );
                        }
                    }
                    _ => {}
                }
            }
        }
        if let Some(sdk) = sdk::javascript_sdk(&spec) {
            self.add_sdk(sdk, &spec, line_of(n));
        }
    }

    /// `const x = require("m")`, `const { a, b: c } = require("m")`, and module-level
    /// string constants.
    pub(super) fn js_require(&mut self, n: Node<'s>) {
        let (Some(name), Some(value)) = (self.field(n, "name"), self.field(n, "value")) else {
            return;
        };
        if self.kind(name) == "identifier"
            && let Some(s) = self.string_literal(value)
        {
            let s = self.unless_stand_in(n, s);
            self.consts.insert(self.text(name).to_string(), s);
            return;
        }
        if self.kind(value) != "call_expression" {
            return;
        }
        let Some(f) = self.field(value, "function") else {
            return;
        };
        // `const run = promisify(exec)`: the wrapper is the function it wraps.
        if self.kind(name) == "identifier" && matches!(self.text(f), "promisify" | "util.promisify")
        {
            if let Some(inner) = self
                .field(value, "arguments")
                .and_then(|a| named_children(a).first().copied())
            {
                let target = self.resolve(&self.segs(inner));
                self.imports.insert(self.text(name).to_string(), target);
            }
            return;
        }
        if self.text(f) != "require" {
            return;
        }
        let Some(args) = self.field(value, "arguments") else {
            return;
        };
        let Some(spec) = named_children(args)
            .first()
            .and_then(|a| self.string_literal(*a))
        else {
            return;
        };
        let module = Self::js_module(&spec);
        match self.kind(name) {
            "identifier" => {
                self.imports
                    .insert(self.text(name).to_string(), module.clone());
            }
            "object_pattern" => {
                for p in named_children(name) {
                    match self.kind(p) {
                        "shorthand_property_identifier_pattern" => {
                            let t = self.text(p);
                            self.imports.insert(t.to_string(), format!("{module}.{t}"));
                        }
                        "pair_pattern" => {
                            if let (Some(k), Some(v)) =
                                (self.field(p, "key"), self.field(p, "value"))
                            {
                                self.imports.insert(
                                    self.text(v).to_string(),
                                    format!("{module}.{}", self.text(k)),
                                );
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        if let Some(sdk) = sdk::javascript_sdk(&spec) {
            self.add_sdk(sdk, &spec, line_of(n));
        }
    }

    /// A constant whose line's comment tells the reader to put their own value in
    /// (`model_name = "someone/model"  # Replace with your HF username`) stands for the
    /// reader's repository: it is kept as the placeholder `<your-value>`.
    fn unless_stand_in(&self, n: Node, value: String) -> String {
        let rest = self.src.get(n.end_byte()..).unwrap_or("");
        let line = rest.split('\n').next().unwrap_or("");
        let comment = line
            .find('#')
            .or_else(|| line.find("//"))
            .map_or("", |i| &line[i..])
            .to_ascii_lowercase();
        const SAYS: &[&str] = &[
            "replace with your",
            "change to your",
            "change this to your",
            "set to your",
            "use your own",
            "your username",
            "your hf username",
            "your hub username",
            "your own repo",
        ];
        if SAYS.iter().any(|w| comment.contains(w)) {
            "<your-value>".to_string()
        } else {
            value
        }
    }
}
