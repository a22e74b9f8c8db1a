//! The Keras config walker: visits every serialised object of a model config (nested
//! models, `Functional`/`Sequential` layer lists, wrappers such as `TimeDistributed`
//! and `Bidirectional`, activations, losses, metrics) and hands what loading it would
//! execute — lambdas (`Lambda`), serialised objects (`ObjectRef`), functions a
//! Lambda names (`FunctionRef`) — to the rules' checks ([`super::rules`]).

use super::bytecode;
use super::rules;
use aispm_core::Rule;
use aispm_formats::{base64, pickle_names};
use serde_json::Value;

/// Objects visited per config; more is not a real model.
const MAX_OBJECTS: usize = 1_000_000;
/// Decoded lambda bytecode kept per lambda.
const MAX_CODE: usize = 1 << 20;

/// Modules (and their submodules) whose objects run commands, reach the interpreter
/// or open connections when Keras resolves and calls them.
const DANGEROUS_MODULES: &[&str] = &[
    "os",
    "posix",
    "nt",
    "subprocess",
    "_posixsubprocess",
    "sys",
    "shutil",
    "socket",
    "pty",
    "runpy",
    "importlib",
    "pickle",
    "_pickle",
    "marshal",
    "ctypes",
    "webbrowser",
    "code",
    "commands",
    "multiprocessing",
    "http",
    "urllib",
    "urllib2",
    "requests",
    "telnetlib",
    "ftplib",
    "smtplib",
    "asyncio",
    "pip",
    "pdb",
];

/// Module roots whose objects are Keras' or TensorFlow's own.
const TRUSTED_MODULES: &[&str] = &[
    "keras",
    "tf_keras",
    "tensorflow",
    "tf",
    "keras_nlp",
    "keras_cv",
    "keras_hub",
];

/// One thing worth reporting in a config.
#[derive(Debug, Clone)]
pub struct Issue {
    pub rule: &'static Rule,
    pub message: String,
    pub evidence: String,
}

/// A lambda met in the config, as the rules see it.
pub(crate) struct Lambda<'a> {
    /// What carries it: `Lambda layer` or `A serialised lambda in layer`.
    pub what: &'a str,
    /// The enclosing layer's name.
    pub layer: &'a str,
    /// `bytecode` (base64 that decoded) or `source` (Python text).
    pub form: &'a str,
    /// Bytes of bytecode decoded, or of source text.
    pub size: usize,
    /// Dangerous names it mentions (bytecode names or source identifiers), sorted.
    pub names: &'a [&'static str],
}

/// A serialised object of the config (`class_name` with its `module`,
/// `registered_name`), as the rules see it.
pub(crate) struct ObjectRef<'a> {
    /// Where it is, for messages: ``layer `dense` `` or ``an object inside `model` ``.
    pub at: &'a str,
    pub module: &'a str,
    /// The class name, or a Keras 3 function's name.
    pub name: &'a str,
    pub registered: &'a str,
    /// Every `(module, name)` the loader would resolve for it: from `module`, from
    /// `registered_name` (`package>name`) and from a dotted class name.
    pub refs: &'a [(String, String)],
}

/// The function a Keras 2 Lambda names (`function_type` `function` or `raw`).
pub(crate) struct FunctionRef<'a> {
    pub layer: &'a str,
    pub module: &'a str,
    pub function: &'a str,
}

fn module_root(m: &str) -> &str {
    m.split('.').next().unwrap_or(m)
}

fn in_modules(module: &str, list: &[&str]) -> bool {
    list.iter().any(|d| pickle_names::is_under(module, d))
}

/// Whether `module.name` is a dangerous callable. `builtins` names are judged by the
/// pickle policy's list ([`pickle_names::DANGEROUS_BUILTINS`]): Keras resolves
/// `module.name` references the way the unpickler does.
pub fn is_dangerous_reference(module: &str, name: &str) -> bool {
    let module = module.trim();
    if matches!(module, "builtins" | "__builtin__" | "__builtins__") {
        return pickle_names::DANGEROUS_BUILTINS.contains(&name);
    }
    in_modules(module, DANGEROUS_MODULES)
}

/// The config walker.
#[derive(Default)]
pub struct Walker {
    pub issues: Vec<Issue>,
    objects: usize,
    /// The walk stopped at [`MAX_OBJECTS`].
    pub truncated: bool,
    /// Lambdas seen (bytecode or source).
    pub lambdas: usize,
}

impl Walker {
    pub fn new() -> Self {
        Self::default()
    }

    fn push(&mut self, issue: Issue) {
        if self.issues.len() < 1000 {
            self.issues.push(issue);
        }
    }

    /// Walks a parsed config; `layer` names the enclosing layer for messages.
    pub fn walk(&mut self, v: &Value, layer: &str) {
        if self.objects >= MAX_OBJECTS {
            self.truncated = true;
            return;
        }
        self.objects += 1;
        match v {
            Value::Array(items) => {
                for i in items {
                    self.walk(i, layer);
                }
            }
            Value::Object(map) => {
                let own = map
                    .get("config")
                    .and_then(|c| c.get("name"))
                    .and_then(Value::as_str)
                    .or_else(|| map.get("name").and_then(Value::as_str));
                let layer_name = own.unwrap_or(layer);
                if let Some(class) = map.get("class_name").and_then(Value::as_str) {
                    let at = match own {
                        Some(n) => format!("layer `{n}`"),
                        None => format!("an object inside `{layer}`"),
                    };
                    self.object(map, class, layer_name, &at);
                }
                for (_, child) in map {
                    self.walk(child, layer_name);
                }
            }
            _ => {}
        }
    }

    fn object(&mut self, map: &serde_json::Map<String, Value>, class: &str, layer: &str, at: &str) {
        let module = map.get("module").and_then(Value::as_str).unwrap_or("");
        let registered = map
            .get("registered_name")
            .and_then(Value::as_str)
            .unwrap_or("");
        let config = map.get("config");

        if class == "__lambda__" {
            let code = config.and_then(|c| c.get("code")).and_then(Value::as_str);
            self.lambda(code.unwrap_or(""), layer, "A serialised lambda in layer");
            return;
        }
        if class == "Lambda"
            && let Some(cfg) = config
        {
            self.keras2_lambda(cfg, layer);
        }

        // Keras 3 functions: `{"module": "os", "class_name": "function", "config": "system"}`.
        let name = if class == "function" {
            config.and_then(Value::as_str).unwrap_or(class)
        } else {
            class
        };
        let mut refs: Vec<(String, String)> = Vec::new();
        if !module.is_empty() {
            refs.push((module.to_string(), name.to_string()));
        }
        if let Some((pkg, n)) = registered.split_once('>') {
            refs.push((pkg.to_string(), n.to_string()));
        }
        // A class name written as a dotted path (`os.system`).
        if let Some((m, n)) = name.rsplit_once('.') {
            refs.push((m.to_string(), n.to_string()));
        }
        let object = ObjectRef {
            at,
            module,
            name,
            registered,
            refs: &refs,
        };
        if let Some(issue) = rules::check_object(&object) {
            self.push(issue);
        }
    }

    /// Keras 2 Lambda: `function` (and `output_shape`, `mask`) as a
    /// `[code, defaults, closure]` list, Python source, or a named function.
    fn keras2_lambda(&mut self, cfg: &Value, layer: &str) {
        for key in ["function", "output_shape", "mask"] {
            let ty = cfg
                .get(format!("{key}_type"))
                .and_then(Value::as_str)
                .unwrap_or(if key == "function" { "lambda" } else { "" });
            match cfg.get(key) {
                Some(Value::Array(parts)) if ty == "lambda" || key == "function" => {
                    if let Some(code) = parts.first().and_then(Value::as_str) {
                        self.lambda(code, layer, "Lambda layer");
                    }
                }
                Some(Value::String(s)) if ty == "lambda" => {
                    self.lambda(s, layer, "Lambda layer");
                }
                Some(Value::String(s)) if ty == "function" || ty == "raw" => {
                    let module = cfg.get("module").and_then(Value::as_str).unwrap_or("");
                    let function = FunctionRef {
                        layer,
                        module,
                        function: s,
                    };
                    if let Some(issue) = rules::check_function(&function) {
                        self.push(issue);
                    }
                }
                _ => {}
            }
        }
    }

    /// A lambda carried as base64 bytecode (or, in some hand-made files, as source).
    fn lambda(&mut self, text: &str, layer: &str, what: &str) {
        self.lambdas += 1;
        let decoded = base64::decode_wrapped(text.as_bytes(), MAX_CODE)
            .ok()
            .filter(|b| !b.is_empty());
        let (names, form) = match &decoded {
            Some(code) => (bytecode::dangerous_names(code), "bytecode"),
            None => {
                // Not base64: Python source text. Judge its identifiers directly.
                let mut names: Vec<&'static str> = Vec::new();
                for ident in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                    if let Some(&d) = bytecode::DANGEROUS_NAMES.iter().find(|&&d| d == ident)
                        && !names.contains(&d)
                    {
                        names.push(d);
                    }
                }
                names.sort_unstable();
                (names, "source")
            }
        };
        let size = decoded.as_ref().map_or(text.len(), Vec::len);
        let lambda = Lambda {
            what,
            layer,
            form,
            size,
            names: &names,
        };
        for issue in rules::check_lambda(&lambda) {
            self.push(issue);
        }
    }
}

/// Walks one config document.
pub fn check_config(v: &Value) -> Walker {
    let mut w = Walker::new();
    w.walk(v, "(model)");
    w
}

/// Whether `module` is Keras' or TensorFlow's own (or a submodule of one).
pub(crate) fn is_keras_module(module: &str) -> bool {
    in_modules(module, TRUSTED_MODULES) || TRUSTED_MODULES.contains(&module_root(module))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn rule_ids(v: Value) -> Vec<&'static str> {
        check_config(&v).issues.iter().map(|i| i.rule.id).collect()
    }

    #[test]
    fn module_injection_is_critical() {
        let v = json!({"class_name": "Sequential", "config": {"layers": [
            {"module": "os", "class_name": "system", "config": {"command": "id"}}]}});
        assert_eq!(rule_ids(v), ["MDL022"]);
        let f = json!({"module": "builtins", "class_name": "function", "config": "eval"});
        assert_eq!(rule_ids(f), ["MDL022"]);
        let ok = json!({"module": "builtins", "class_name": "function", "config": "max"});
        assert_eq!(rule_ids(ok), ["MDL023"]);
    }

    /// Builtins are judged by the pickle policy's list, so names the Keras list once
    /// lacked (`memoryview`, `__build_class__`, `dir`, …) are dangerous here too.
    #[test]
    fn builtins_follow_the_pickle_policy() {
        for name in pickle_names::DANGEROUS_BUILTINS {
            assert!(is_dangerous_reference("builtins", name), "{name}");
            assert!(is_dangerous_reference("__builtin__", name), "{name}");
        }
        let f =
            json!({"module": "builtins", "class_name": "function", "config": "__build_class__"});
        assert_eq!(rule_ids(f), ["MDL022"]);
        assert!(!is_dangerous_reference("builtins", "max"));
    }

    #[test]
    fn keras_modules_pass() {
        let v = json!({"module": "keras", "class_name": "Sequential", "config": {"layers": [
            {"module": "keras.layers", "class_name": "Dense", "config": {"name": "d"}},
            {"module": "keras.layers", "class_name": "Bidirectional", "config": {"layer":
                {"module": "keras.layers", "class_name": "LSTM", "config": {}}}}]}});
        assert!(rule_ids(v).is_empty());
    }

    #[test]
    fn wrapped_custom_and_gadget_layers() {
        let v = json!({"class_name": "TimeDistributed", "config": {"layer":
            {"module": "my_pkg.layers", "class_name": "Attn", "registered_name": "MyPkg>Attn"}}});
        assert_eq!(rule_ids(v), ["MDL023"]);
        let g = json!({"module": "keras.layers", "class_name": "TorchModuleWrapper", "config": {}});
        assert_eq!(rule_ids(g), ["MDL024"]);
    }

    #[test]
    fn lambdas() {
        let harmless =
            json!({"class_name": "Lambda", "config": {"function": ["4wEAAA==", null, null]}});
        assert_eq!(rule_ids(harmless), ["MDL021"]);
        let src = json!({"class_name": "Lambda", "config": {"function": "lambda x: eval('1')"}});
        assert_eq!(rule_ids(src), ["MDL020"]);
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            "[a-z_>.]{0,12}".prop_map(Value::String),
            Just(Value::String("Lambda".into())),
            Just(Value::String("__lambda__".into())),
            Just(Value::String("function".into())),
        ];
        leaf.prop_recursive(6, 64, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::btree_map(
                    prop_oneof![
                        Just("class_name".to_string()),
                        Just("module".to_string()),
                        Just("config".to_string()),
                        Just("function".to_string()),
                        Just("code".to_string()),
                        Just("registered_name".to_string()),
                        "[a-z]{1,6}"
                    ],
                    inner,
                    0..6
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn walker_never_panics_on_bytes(b in proptest::collection::vec(any::<u8>(), 0..2048)) {
            if let Ok(v) = serde_json::from_slice::<Value>(&b) {
                let _ = check_config(&v);
            }
            let s = String::from_utf8_lossy(&b);
            let v = json!({"class_name": "Lambda", "config": {"function": [s.clone(), null, null]}});
            prop_assert!(check_config(&v).issues.len() == 1);
            let v = json!({"class_name": "__lambda__", "config": {"code": s}});
            prop_assert!(check_config(&v).issues.len() == 1);
        }

        #[test]
        fn walker_never_panics(v in arb_json()) {
            let w = check_config(&v);
            prop_assert!(w.issues.len() <= 1000);
        }
    }
}
