//! The checks on calls: sinks reached by model output, unsafe loaders, Hub pinning, dangerous flags, and the findings they report.

use super::*;

impl<'s> Walker<'s> {
    pub(super) fn hit(
        &mut self,
        rule: &'static Rule,
        n: Node<'s>,
        message: String,
        severity: Option<Severity>,
    ) {
        let line = line_of(n);
        let Some(severity) = self.weigh(rule, severity) else {
            return;
        };
        if !self.seen.insert((rule.id, line)) {
            return;
        }
        self.out.hits.push(Hit {
            rule,
            line,
            end_line: end_line_of(n).max(line),
            message,
            evidence: evidence_of(self.text(n)),
            severity,
            server: None,
        });
    }

    /// The severity of a finding in a file of this role; `None`: not reported. Tests
    /// run fixed inputs against the project's own fixtures: a dangerous loader there
    /// is low; whether a test pins the models it downloads, and the flags and tools a
    /// test exercises against mock models (`trust_remote_code`, host shells and code
    /// executors, TLS verification off towards a patched client) are no finding.
    /// Examples and notebooks are code for a reader to adapt: unpinned downloads
    /// there are low, demos of host shell tools medium. Flows of model output into
    /// sinks keep their severity anywhere.
    pub(super) fn weigh(
        &self,
        rule: &'static Rule,
        severity: Option<Severity>,
    ) -> Option<Option<Severity>> {
        let pinning = matches!(rule.id, "CODE015" | "CODE017" | "CODE020");
        let exercised = matches!(rule.id, "CODE014" | "CODE018" | "CODE019");
        let configuration = matches!(
            rule.id,
            "CODE010" | "CODE011" | "CODE012" | "CODE013" | "CODE016"
        );
        match self.role {
            Role::Test if pinning || exercised => None,
            Role::Test if configuration => Some(Some(Severity::Low)),
            Role::Example if pinning => Some(Some(Severity::Low)),
            // A demo of a host shell or REPL tool shows the reader how to wire it.
            Role::Example if rule.id == "CODE018" => Some(Some(
                severity.unwrap_or(rule.severity).min(Severity::Medium),
            )),
            _ => Some(severity),
        }
    }

    pub(super) fn check_call(&mut self, call: Node<'s>) {
        let Some(f) = self.callee(call) else {
            return;
        };
        let segs = self.segs(f);
        if segs.is_empty() {
            return;
        }
        let resolved = self.resolve(&segs);
        let last = segs.last().copied().unwrap_or("");
        let (pos, kw) = self.args(call);
        if self.lang.is_python() {
            self.python_sinks(call, &segs, &resolved, last, &pos, &kw);
            self.python_patterns(call, &segs, &resolved, last, &pos, &kw);
        } else {
            self.js_sinks(call, &segs, &resolved, last, &pos, &kw);
        }
        if self.has_ai || self.has_mcp {
            self.check_mcp_call(call, last, &pos, &kw);
        }
        self.model_refs(call, &resolved, last, &pos, &kw);
        // Tests build agents as fixtures: no inventory.
        if self.agent_sdk && self.role != Role::Test {
            self.agent_call(call, &segs, &resolved, last, &pos, &kw);
        }
    }

    /// A bare name that no import rebinds (`eval`, `open`): the language's own.
    pub(super) fn is_builtin(&self, segs: &[&str]) -> bool {
        segs.len() == 1 && !self.imports.contains_key(segs[0])
    }

    pub(super) fn tainted_llm(&self, n: Option<Node<'s>>) -> bool {
        n.is_some_and(|n| self.taint(n, 0) & LLM != 0)
    }

    pub(super) fn sink(&mut self, rule: &'static Rule, call: Node<'s>, what: &str) {
        let msg = format!("Model output reaches `{what}`");
        self.hit(rule, call, msg, None);
    }

    pub(super) fn python_sinks(
        &mut self,
        call: Node<'s>,
        segs: &[&'s str],
        resolved: &str,
        last: &str,
        pos: &[Node<'s>],
        kw: &[(&'s str, Node<'s>)],
    ) {
        let arg0 = pos.first().copied();
        let bare = self.is_builtin(segs);
        // Code execution.
        let exec = (bare && matches!(last, "eval" | "exec" | "compile" | "execfile"))
            || matches!(resolved, "builtins.eval" | "builtins.exec")
            || last == "render_template_string"
            || (resolved.starts_with("jinja2") && matches!(last, "Template" | "from_string"))
            || (last == "from_string" && segs.len() >= 2);
        if exec && self.tainted_llm(arg0) {
            self.sink(&rules::code001_llm_output_to_exec::RULE, call, last);
            return;
        }
        // Shell.
        let shell_always = SHELL_CALLS.contains(&resolved)
            || resolved == "asyncio.create_subprocess_exec"
            || resolved.starts_with("os.exec")
            || resolved.starts_with("os.spawn");
        if shell_always && self.tainted_llm(arg0) {
            self.sink(&rules::code002_llm_output_to_shell::RULE, call, resolved);
            return;
        }
        if resolved.starts_with("subprocess.")
            && matches!(
                last,
                "run" | "call" | "check_call" | "check_output" | "Popen"
            )
        {
            let argv = arg0.or_else(|| Self::kwarg(kw, "args"));
            let shell = Self::kwarg(kw, "shell").is_some_and(|v| self.is_literal_true(v));
            let hit = match argv {
                Some(a) if matches!(self.kind(a), "list" | "tuple") => {
                    let items = named_children(a);
                    let program = items.first().and_then(|p| self.string_literal(*p));
                    let via_shell = program.as_deref().is_some_and(|p| {
                        let p = p.rsplit('/').next().unwrap_or(p);
                        matches!(
                            p,
                            "sh" | "bash"
                                | "zsh"
                                | "dash"
                                | "cmd"
                                | "cmd.exe"
                                | "powershell"
                                | "pwsh"
                        )
                    });
                    self.tainted_llm(items.first().copied())
                        || ((via_shell || shell)
                            && items.iter().any(|i| self.tainted_llm(Some(*i))))
                }
                Some(a) => self.tainted_llm(Some(a)),
                None => false,
            };
            if hit {
                self.sink(&rules::code002_llm_output_to_shell::RULE, call, resolved);
                return;
            }
        }
        // SQL.
        let receiver = receiver_of(segs);
        let sql_receiver = receiver.as_deref().is_some_and(|r| {
            !["executor", "agent", "chain", "tool", "graph", "crew"]
                .iter()
                .any(|x| r.contains(x))
        });
        if matches!(
            last,
            "execute"
                | "executemany"
                | "executescript"
                | "exec_driver_sql"
                | "raw"
                | "read_sql"
                | "read_sql_query"
                | "mogrify"
        ) && segs.len() >= 2
            && sql_receiver
            && self.tainted_llm(arg0.or_else(|| Self::kwarg(kw, "sql")))
        {
            self.sink(&rules::code003_llm_output_to_sql::RULE, call, last);
            return;
        }
        // HTML.
        let unsafe_html =
            Self::kwarg(kw, "unsafe_allow_html").is_some_and(|v| self.is_literal_true(v));
        let html = matches!(last, "Markup" | "mark_safe" | "HTMLResponse")
            || matches!(
                resolved,
                "streamlit.html" | "streamlit.components.v1.html" | "gradio.HTML"
            )
            || (resolved == "streamlit.markdown" || last == "markdown") && unsafe_html;
        if html && self.tainted_llm(arg0.or_else(|| Self::kwarg(kw, "content"))) {
            self.sink(&rules::code004_llm_output_to_html::RULE, call, last);
            return;
        }
        // File paths.
        let path = (bare && last == "open")
            || matches!(
                resolved,
                "io.open"
                    | "os.remove"
                    | "os.unlink"
                    | "os.rmdir"
                    | "os.removedirs"
                    | "shutil.rmtree"
                    | "shutil.move"
                    | "shutil.copy"
                    | "shutil.copyfile"
                    | "shutil.copytree"
                    | "flask.send_file"
            );
        if path && self.tainted_llm(arg0) {
            self.sink(&rules::code005_llm_output_to_path::RULE, call, resolved);
            return;
        }
        // Deserialisation.
        let safe_loader = Self::kwarg(kw, "Loader")
            .or_else(|| pos.get(1).copied())
            .is_some_and(|l| self.text(l).contains("Safe"));
        let deser = matches!(
            resolved,
            "pickle.loads"
                | "dill.loads"
                | "marshal.loads"
                | "jsonpickle.decode"
                | "yaml.unsafe_load"
                | "cloudpickle.loads"
        ) || (resolved == "yaml.load" && !safe_loader);
        if deser && self.tainted_llm(arg0) {
            self.sink(
                &rules::code006_llm_output_deserialised::RULE,
                call,
                resolved,
            );
        }
    }

    pub(super) fn js_sinks(
        &mut self,
        call: Node<'s>,
        segs: &[&'s str],
        resolved: &str,
        last: &str,
        pos: &[Node<'s>],
        kw: &[(&'s str, Node<'s>)],
    ) {
        let arg0 = pos.first().copied();
        let bare = self.is_builtin(segs);
        // Code execution.
        let exec = (bare && matches!(last, "eval" | "Function"))
            || (segs.len() == 2 && segs[0] == "window" && last == "eval")
            || matches!(
                resolved,
                "vm.runInNewContext"
                    | "vm.runInThisContext"
                    | "vm.runInContext"
                    | "vm.compileFunction"
                    | "vm.Script"
            )
            || (bare
                && matches!(last, "setTimeout" | "setInterval")
                && arg0.is_some_and(|a| {
                    !matches!(
                        self.kind(a),
                        "arrow_function" | "function_expression" | "function" | "identifier"
                    )
                }));
        if exec && pos.iter().any(|a| self.tainted_llm(Some(*a))) {
            self.sink(&rules::code001_llm_output_to_exec::RULE, call, last);
            return;
        }
        // Shell.
        let shell =
            matches!(
                resolved,
                "child_process.exec"
                    | "child_process.execSync"
                    | "child_process.spawn"
                    | "child_process.spawnSync"
                    | "child_process.execFile"
                    | "child_process.execFileSync"
                    | "execa"
                    | "execa.execa"
                    | "execa.execaCommand"
                    | "execa.execaCommandSync"
                    | "execa.execaSync"
                    | "shelljs.exec"
            ) || (segs.len() == 2 && matches!(segs[0], "shell" | "shelljs") && last == "exec");
        if shell {
            let shell_opt = Self::kwarg(kw, "shell").is_some_and(|v| self.is_literal_true(v));
            let hit = self.tainted_llm(arg0)
                || (shell_opt && pos.iter().skip(1).any(|a| self.tainted_llm(Some(*a))));
            if hit {
                self.sink(&rules::code002_llm_output_to_shell::RULE, call, resolved);
                return;
            }
        }
        // SQL.
        let receiver = receiver_of(segs);
        // `query` is also the method of retrievers, indexes and query engines.
        let sql_receiver = receiver.as_deref().is_some_and(|r| {
            let not_sql: &[&str] = if last == "query" {
                &[
                    "index",
                    "engine",
                    "retriever",
                    "vector",
                    "store",
                    "collection",
                    "search",
                    "graph",
                    "agent",
                    "chain",
                    "tool",
                    "$",
                    "jquery",
                    "document",
                    "router",
                    "url",
                ]
            } else {
                &["executor", "agent", "chain", "tool", "graph"]
            };
            !not_sql.iter().any(|x| r.contains(x))
        });
        if matches!(
            last,
            "query"
                | "execute"
                | "raw"
                | "prepare"
                | "unsafe"
                | "$queryRawUnsafe"
                | "$executeRawUnsafe"
        ) && segs.len() >= 2
            && sql_receiver
            && self.tainted_llm(arg0)
        {
            self.sink(&rules::code003_llm_output_to_sql::RULE, call, last);
            return;
        }
        // HTML.
        let html = (last == "insertAdjacentHTML" && self.tainted_llm(pos.get(1).copied()))
            || (segs.len() == 2
                && segs[0] == "document"
                && matches!(last, "write" | "writeln")
                && self.tainted_llm(arg0))
            || (last == "html"
                && segs.len() >= 3
                && matches!(segs[0], "$" | "jQuery")
                && segs[1] == "()"
                && self.tainted_llm(arg0));
        if html {
            self.sink(&rules::code004_llm_output_to_html::RULE, call, last);
            return;
        }
        // File paths.
        let fs = resolved.starts_with("fs.")
            || resolved.starts_with("fs/promises.")
            || resolved.starts_with("fs-extra.");
        if fs
            && matches!(
                last,
                "readFile"
                    | "readFileSync"
                    | "writeFile"
                    | "writeFileSync"
                    | "appendFile"
                    | "appendFileSync"
                    | "unlink"
                    | "unlinkSync"
                    | "rm"
                    | "rmSync"
                    | "rmdir"
                    | "rmdirSync"
                    | "createReadStream"
                    | "createWriteStream"
                    | "open"
                    | "openSync"
                    | "copyFile"
                    | "copyFileSync"
                    | "rename"
                    | "renameSync"
            )
            && self.tainted_llm(arg0)
        {
            self.sink(&rules::code005_llm_output_to_path::RULE, call, resolved);
        }
    }

    pub(super) fn check_html_assignment(&mut self, n: Node<'s>, left: Node<'s>, t: u8) {
        if t & LLM == 0 || self.kind(left) != "member_expression" {
            return;
        }
        let prop = self
            .field(left, "property")
            .map(|p| self.text(p))
            .unwrap_or("");
        if matches!(prop, "innerHTML" | "outerHTML") {
            self.hit(
                &rules::code004_llm_output_to_html::RULE,
                n,
                format!("Model output is assigned to `{prop}`"),
                None,
            );
        }
    }

    pub(super) fn check_tls_env(&mut self, n: Node<'s>, left: Node<'s>, right: Node<'s>) {
        if self.text(left).ends_with("NODE_TLS_REJECT_UNAUTHORIZED")
            && matches!(self.string_literal(right).as_deref(), Some("0"))
            || self.text(left).ends_with("NODE_TLS_REJECT_UNAUTHORIZED") && self.text(right) == "0"
        {
            self.hit(
                &rules::code019_tls_verification_disabled::RULE,
                n,
                "Certificate verification is disabled for the whole Node.js process".into(),
                None,
            );
        }
    }

    pub(super) fn check_jsx_attribute(&mut self, n: Node<'s>) {
        let children = named_children(n);
        let Some(name) = children.first() else {
            return;
        };
        if self.text(*name) != "dangerouslySetInnerHTML" {
            return;
        }
        if children
            .iter()
            .skip(1)
            .any(|v| self.taint(*v, 0) & LLM != 0)
        {
            self.hit(
                &rules::code004_llm_output_to_html::RULE,
                n,
                "Model output is rendered with `dangerouslySetInnerHTML`".into(),
                None,
            );
        }
    }

    pub(super) fn check_js_pair(&mut self, n: Node<'s>) {
        let (Some(k), Some(v)) = (self.field(n, "key"), self.field(n, "value")) else {
            return;
        };
        let key = self.text(k).trim_matches(['"', '\'']);
        if key == "dangerouslySetInnerHTML" && self.taint(v, 0) & LLM != 0 {
            self.hit(
                &rules::code004_llm_output_to_html::RULE,
                n,
                "Model output is rendered with `dangerouslySetInnerHTML`".into(),
                None,
            );
        }
        if key == "rejectUnauthorized" && self.is_literal_false(v) && self.has_ai {
            self.hit(
                &rules::code019_tls_verification_disabled::RULE,
                n,
                "TLS certificate verification is disabled (`rejectUnauthorized: false`)".into(),
                None,
            );
        }
    }

    /// Keys (literal or as written) and values of a dictionary or object literal.
    pub(super) fn pairs(&self, n: Node<'s>) -> Vec<(String, Node<'s>)> {
        named_children(n)
            .into_iter()
            .filter(|p| self.kind(*p) == "pair")
            .filter_map(|p| {
                let (k, v) = (self.field(p, "key")?, self.field(p, "value")?);
                let key = self
                    .string_literal(k)
                    .unwrap_or_else(|| self.text(k).to_string());
                Some((key, v))
            })
            .collect()
    }

    /// `{"role": "system", "content": <request data>}`.
    pub(super) fn check_system_message(&mut self, n: Node<'s>) {
        if !self.has_ai {
            return;
        }
        let mut system = false;
        let mut content = None;
        for (key, v) in self.pairs(n) {
            match key.as_str() {
                "role" => system = self.string_literal(v).as_deref() == Some("system"),
                "content" => content = Some(v),
                _ => {}
            }
        }
        if system && content.is_some_and(|c| self.taint(c, 0) & USER != 0) {
            self.hit(
                &rules::code007_untrusted_input_in_system_prompt::RULE,
                n,
                "Request input is written into a system message".into(),
                None,
            );
        }
    }

    pub(super) fn python_patterns(
        &mut self,
        call: Node<'s>,
        segs: &[&'s str],
        resolved: &str,
        last: &str,
        pos: &[Node<'s>],
        kw: &[(&'s str, Node<'s>)],
    ) {
        let arg0 = pos.first().copied();
        // System prompts built from request input.
        if self.has_ai {
            let system_arg = match last {
                "SystemMessage" | "from_template"
                    if segs.iter().any(|s| s.starts_with("System")) || last == "SystemMessage" =>
                {
                    arg0.or_else(|| Self::kwarg(kw, "content"))
                        .or_else(|| Self::kwarg(kw, "template"))
                }
                "create" | "stream" => {
                    Self::kwarg(kw, "system").or_else(|| Self::kwarg(kw, "instructions"))
                }
                "Agent" | "Assistant" | "AssistantAgent" => Self::kwarg(kw, "instructions")
                    .or_else(|| Self::kwarg(kw, "system_message"))
                    .or_else(|| Self::kwarg(kw, "system_prompt")),
                _ => None,
            };
            if system_arg.is_some_and(|a| self.taint(a, 0) & USER != 0) {
                self.hit(
                    &rules::code007_untrusted_input_in_system_prompt::RULE,
                    call,
                    "Request input is written into the system prompt".into(),
                    None,
                );
            }
        }
        // torch.load
        if resolved == "torch.load" {
            // A module that writes checkpoints with `torch.save` and reads them back
            // loads its own files: an attacker needs write access to them first.
            let own = self.called.contains("torch.save");
            let note = if own {
                " (checkpoints this module writes itself with `torch.save`)"
            } else {
                ""
            };
            match Self::kwarg(kw, "weights_only") {
                None => self.hit(
                    &rules::code010_torch_load_unsafe::RULE,
                    call,
                    format!("`torch.load` without `weights_only=True` (a full unpickler before PyTorch 2.6){note}"),
                    Some(if own { Severity::Low } else { Severity::Medium }),
                ),
                Some(v) if self.is_literal_false(v) => self.hit(
                    &rules::code010_torch_load_unsafe::RULE,
                    call,
                    format!("`torch.load` with `weights_only=False` unpickles arbitrary objects{note}"),
                    own.then_some(Severity::Medium),
                ),
                _ => {}
            }
        }
        // Pickle-based loads.
        const PICKLE: &[&str] = &[
            "pickle.load",
            "pickle.loads",
            "pickle.Unpickler",
            "cPickle.load",
            "cPickle.loads",
            "_pickle.load",
            "_pickle.loads",
            "joblib.load",
            "sklearn.externals.joblib.load",
            "dill.load",
            "dill.loads",
            "cloudpickle.load",
            "cloudpickle.loads",
            "pandas.read_pickle",
            "shelve.open",
        ];
        // `pickle.loads(pickle.dumps(x))`: a copy of an object in memory, no data read.
        let round_trip = arg0.is_some_and(|a| {
            matches!(self.kind(a), "call")
                && self.callee(a).is_some_and(|f| {
                    let inner = self.resolve(&self.segs(f));
                    inner.ends_with("dumps")
                        && inner.rsplit_once('.').map(|(m, _)| m)
                            == resolved.rsplit_once('.').map(|(m, _)| m)
                })
        });
        if PICKLE.contains(&resolved) && !round_trip {
            if self.download.is_none() {
                const DOWNLOADS: &[&str] = &[
                    "hf_hub_download",
                    "snapshot_download",
                    "urlretrieve",
                    "urlopen",
                    "download_file",
                    "download_fileobj",
                    "get_object",
                    "requests.get",
                    "httpx.get",
                    "requests.request",
                    "wget",
                ];
                self.download = Some(DOWNLOADS.iter().any(|d| self.src.contains(d)));
            }
            let downloads = self.download == Some(true);
            // A module that also writes this format reads back what it wrote (a cache,
            // a checkpoint): exploitable only with write access to those files.
            let module = resolved.rsplit_once('.').map_or(resolved, |(m, _)| m);
            let writes = ["dump", "save"]
                .iter()
                .any(|w| self.called.contains(&format!("{module}.{w}")))
                || (module == "pandas" && self.called.contains(".to_pickle"));
            let sev = if downloads {
                None
            } else if writes {
                Some(Severity::Low)
            } else {
                Some(Severity::Medium)
            };
            let msg = if downloads {
                format!(
                    "`{resolved}` in code that downloads artefacts runs any code embedded in the data"
                )
            } else if writes {
                format!(
                    "`{resolved}` runs any code embedded in the data it loads (files this module writes itself)"
                )
            } else {
                format!("`{resolved}` runs any code embedded in the data it loads")
            };
            self.hit(&rules::code011_pickle_load::RULE, call, msg, sev);
        }
        if resolved == "numpy.load"
            && Self::kwarg(kw, "allow_pickle").is_some_and(|v| self.is_literal_true(v))
        {
            self.hit(
                &rules::code012_numpy_allow_pickle::RULE,
                call,
                "`numpy.load` with `allow_pickle=True`".into(),
                None,
            );
        }
        let keras = resolved.starts_with("keras")
            || resolved.starts_with("tensorflow")
            || resolved.starts_with("tf.");
        if (last == "load_model"
            && (keras || segs.contains(&"keras"))
            && Self::kwarg(kw, "safe_mode").is_some_and(|v| self.is_literal_false(v)))
            || last == "enable_unsafe_deserialization"
        {
            self.hit(
                &rules::code013_keras_unsafe::RULE,
                call,
                "Keras safe mode is turned off".into(),
                None,
            );
        }
        if Self::kwarg(kw, "trust_remote_code").is_some_and(|v| self.is_literal_true(v)) {
            self.hit(
                &rules::code014_trust_remote_code::RULE,
                call,
                format!(
                    "`{last}` with `trust_remote_code=True` runs code from the model repository"
                ),
                None,
            );
        }
        if Self::kwarg(kw, "allow_dangerous_deserialization")
            .is_some_and(|v| self.is_literal_true(v))
        {
            self.hit(
                &rules::code016_langchain_dangerous_deserialization::RULE,
                call,
                format!(
                    "`{last}` with `allow_dangerous_deserialization=True` unpickles the stored data"
                ),
                None,
            );
        }
        // Hub pinning.
        let revision = Self::kwarg(kw, "revision");
        let pinned = revision.map(|r| match self.string_literal(r) {
            Some(s) => is_hex40(&s),
            None => true, // a variable: trusted to hold a commit
        });
        if last == "from_pretrained" {
            let repo = arg0.or_else(|| Self::kwarg(kw, "pretrained_model_name_or_path"));
            if let Some(id) = repo.and_then(|r| self.string_literal(r))
                && is_hub_id(&id)
                && !is_placeholder_repo(&id)
                && pinned != Some(true)
            {
                let class = segs.len().checked_sub(2).map_or("", |i| segs[i]);
                let data_only = loads_data_only(class);
                let what = if data_only {
                    "its tokenizer, configuration or processor files"
                } else {
                    "weights and code"
                };
                let msg = match revision.and_then(|r| self.string_literal(r)) {
                    Some(rev) => format!(
                        "`{id}` is loaded ({what}) at `{rev}`, a branch or tag, not a commit"
                    ),
                    None => format!(
                        "`{id}` is loaded ({what}) from the Hub without a pinned `revision`"
                    ),
                };
                // Data files read by a reader's example or a maintainer's script are
                // no finding; in shipped code they are a low note.
                if !(data_only && self.role == Role::Example) {
                    let sev = data_only.then_some(Severity::Low);
                    self.hit(&rules::code015_hub_model_unpinned::RULE, call, msg, sev);
                }
            }
        }
        let download_repo = match last {
            "hf_hub_download" | "snapshot_download" => arg0.or_else(|| Self::kwarg(kw, "repo_id")),
            "pipeline" if resolved.starts_with("transformers") => {
                Self::kwarg(kw, "model").or_else(|| pos.get(1).copied())
            }
            "SentenceTransformer" | "CrossEncoder" => {
                arg0.or_else(|| Self::kwarg(kw, "model_name_or_path"))
            }
            _ => None,
        };
        if let Some(id) = download_repo.and_then(|r| self.string_literal(r))
            && is_hub_id(&id)
            && !is_placeholder_repo(&id)
            && pinned != Some(true)
        {
            self.hit(
                &rules::code017_hub_download_unpinned::RULE,
                call,
                format!("`{id}` is fetched from the Hub by `{last}` without a pinned `revision`"),
                None,
            );
        }
        if self.has_ai {
            self.check_agent_tool(call, resolved, last, pos, kw);
            // `ssl=False` turns verification off in aiohttp requests and connectors;
            // in a database or vector-store client it selects plain TCP, which is
            // not this rule.
            let aiohttp_like = resolved.starts_with("aiohttp")
                || last == "TCPConnector"
                || (segs.len() >= 2
                    && matches!(
                        last,
                        "get"
                            | "post"
                            | "put"
                            | "patch"
                            | "delete"
                            | "head"
                            | "options"
                            | "request"
                            | "ws_connect"
                    ));
            if Self::kwarg(kw, "verify").is_some_and(|v| self.is_literal_false(v))
                || (aiohttp_like
                    && Self::kwarg(kw, "ssl").is_some_and(|v| self.is_literal_false(v)))
            {
                self.hit(
                    &rules::code019_tls_verification_disabled::RULE,
                    call,
                    format!("`{last}` is called with certificate verification disabled"),
                    None,
                );
            }
        }
    }
}
