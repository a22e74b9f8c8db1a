//! What the agent frameworks look like to the walk (`flow/agents.rs` reads calls
//! against it): their agent constructors and factories, by SDK, with where the name,
//! the model and the tools are (`APIS`); the keywords only the OpenAI Agents SDK's
//! `Agent` takes; the tool classes and tool names that give an agent a shell or code
//! execution; and the keys that hold a model.

/// How the arguments of one agent API are laid out.
pub(super) struct Api {
    /// The SDK the callee's module must belong to (`sdk.rs` names).
    pub(super) sdk: &'static str,
    /// Classes and factories of that SDK that build an agent.
    pub(super) names: &'static [&'static str],
    /// Positional index of the name, the model and the tools.
    pub(super) name_at: Option<usize>,
    pub(super) model_at: Option<usize>,
    pub(super) tools_at: Option<usize>,
    /// Every agent built this way runs code it writes.
    pub(super) runs_code: bool,
    pub(super) python: bool,
}

const fn py(sdk: &'static str, names: &'static [&'static str]) -> Api {
    Api {
        sdk,
        names,
        name_at: None,
        model_at: None,
        tools_at: None,
        runs_code: false,
        python: true,
    }
}

const fn js(sdk: &'static str, names: &'static [&'static str]) -> Api {
    Api {
        python: false,
        ..py(sdk, names)
    }
}

impl Api {
    const fn name_at(mut self, i: usize) -> Api {
        self.name_at = Some(i);
        self
    }
    const fn model_at(mut self, i: usize) -> Api {
        self.model_at = Some(i);
        self
    }
    const fn tools_at(mut self, i: usize) -> Api {
        self.tools_at = Some(i);
        self
    }
    const fn runs_code(mut self) -> Api {
        self.runs_code = true;
        self
    }
}

/// Agent APIs by framework. LangChain's `create_*_agent(llm, tools, …)` factories
/// take the model and the tools first.
pub(super) const APIS: &[Api] = &[
    py("crewai", &["Agent"]),
    py("agno", &["Agent"]),
    py(
        "google-adk",
        &[
            "Agent",
            "LlmAgent",
            "SequentialAgent",
            "ParallelAgent",
            "LoopAgent",
        ],
    ),
    py("openai-agents", &["Agent", "RealtimeAgent", "SandboxAgent"]),
    py("langgraph", &["create_react_agent"])
        .model_at(0)
        .tools_at(1),
    py(
        "langchain",
        &[
            "create_agent",
            "create_react_agent",
            "create_tool_calling_agent",
            "create_openai_functions_agent",
            "create_openai_tools_agent",
            "create_structured_chat_agent",
            "create_json_chat_agent",
            "create_xml_agent",
        ],
    )
    .model_at(0)
    .tools_at(1),
    py(
        "langchain",
        &["create_sql_agent", "create_vectorstore_agent"],
    )
    .model_at(0),
    py(
        "langchain",
        &[
            "create_pandas_dataframe_agent",
            "create_csv_agent",
            "create_python_agent",
            "create_spark_dataframe_agent",
        ],
    )
    .model_at(0)
    .runs_code(),
    py("langchain", &["initialize_agent"])
        .tools_at(0)
        .model_at(1),
    py("langchain", &["AgentExecutor"]),
    py(
        "autogen",
        &[
            "AssistantAgent",
            "UserProxyAgent",
            "ConversableAgent",
            "SocietyOfMindAgent",
            "GPTAssistantAgent",
            "RetrieveAssistantAgent",
            "RetrieveUserProxyAgent",
            "MultimodalWebSurfer",
        ],
    )
    .name_at(0),
    py("autogen", &["CodeExecutorAgent"]).name_at(0).runs_code(),
    py("smolagents", &["ToolCallingAgent"]),
    py("smolagents", &["CodeAgent"]).runs_code(),
    py(
        "llama_index",
        &[
            "ReActAgent",
            "FunctionAgent",
            "AgentWorkflow",
            "OpenAIAgent",
            "FunctionCallingAgent",
        ],
    ),
    py("llama_index", &["CodeActAgent"]).runs_code(),
    py("pydantic-ai", &["Agent"]).model_at(0),
    py(
        "semantic-kernel",
        &[
            "ChatCompletionAgent",
            "OpenAIAssistantAgent",
            "AzureAssistantAgent",
            "AzureAIAgent",
            "OpenAIResponsesAgent",
            "AzureResponsesAgent",
            "BedrockAgent",
            "CopilotStudioAgent",
        ],
    ),
    py("strands-agents", &["Agent"]),
    py("openai-swarm", &["Agent"]),
    py("browser-use", &["Agent"]),
    py("praisonai", &["Agent"]),
    py("camel", &["ChatAgent"]),
    py("haystack", &["Agent"]),
    py("dspy", &["ReAct"]),
    py("dspy", &["CodeAct"]).runs_code(),
    js("openai-agents", &["Agent", "RealtimeAgent"]),
    js("mastra", &["Agent"]),
    js(
        "vercel-ai",
        &["Experimental_Agent", "ToolLoopAgent", "Agent"],
    ),
    js("langgraph", &["createReactAgent"]),
    js(
        "langchain",
        &[
            "createAgent",
            "createReactAgent",
            "createToolCallingAgent",
            "createOpenAIFunctionsAgent",
            "createOpenAIToolsAgent",
            "createStructuredChatAgent",
            "AgentExecutor",
        ],
    ),
    js("langchain", &["initializeAgentExecutorWithOptions"])
        .tools_at(0)
        .model_at(1),
    js(
        "google-adk",
        &[
            "LlmAgent",
            "Agent",
            "SequentialAgent",
            "ParallelAgent",
            "LoopAgent",
        ],
    ),
    js("llama_index", &["agent", "multiAgent"]),
];

/// Keywords only the OpenAI Agents SDK's `Agent` takes besides `name`: with them a
/// bare `from agents import Agent` is the SDK.
pub(super) const OPENAI_AGENTS_KEYWORDS: &[&str] = &[
    "instructions",
    "handoffs",
    "handoff_description",
    "output_type",
    "model_settings",
    "mcp_servers",
    "input_guardrails",
    "output_guardrails",
    "tool_use_behavior",
];

/// Whether an import of this SDK may build agents (the file is worth watching).
pub(in crate::flow) fn is_agent_sdk(sdk: &str) -> bool {
    APIS.iter().any(|a| a.sdk == sdk)
}

/// Whether `class` is the name of some agent API: every call of a file that imports
/// an agent framework is asked, so a substring every name has (`gent`; `Act` of
/// DSPy's `ReAct` and `CodeAct`; AutoGen's web `Surfer`) is checked before the table
/// (a test keeps the two in step).
pub(super) fn is_agent_name(class: &str) -> bool {
    (class.contains("gent") || class.ends_with("Act") || class.ends_with("Surfer"))
        && APIS.iter().any(|a| a.names.contains(&class))
}

/// Tool classes of agent frameworks that give an agent a shell.
pub(super) const SHELL_TOOLS: &[&str] = &[
    "ShellTool",
    "LocalShellTool",
    "ShellTools",
    "BashProcess",
    "BashTool",
    "TerminalTool",
];

/// Tool classes that run code the model writes (in a REPL, an interpreter or a
/// sandbox).
pub(super) const CODE_TOOLS: &[&str] = &[
    "PythonREPLTool",
    "PythonAstREPLTool",
    "PythonREPL",
    "PythonTools",
    "CodeInterpreterTool",
    "CodeInterpreterToolSpec",
    "CodeExecutionTool",
    "E2BTools",
    "DaytonaTools",
];

/// Tools named by a string (LangChain's `load_tools([...])`): a shell, a REPL.
pub(super) const SHELL_NAMES: &[&str] = &["terminal", "shell", "bash"];
pub(super) const CODE_NAMES: &[&str] = &["python_repl", "python"];

/// Keys holding the model of an agent or of a model client.
pub(super) const MODEL_KEYS: &[&str] = &[
    "model",
    "llm",
    "model_client",
    "llm_config",
    "chat_generator",
    "service",
    "model_name",
    "modelName",
];

/// Keys of a model client's constructor holding the model's name.
pub(super) const MODEL_ID_KEYS: &[&str] = &[
    "id",
    "model",
    "model_id",
    "model_name",
    "modelId",
    "modelName",
    "deployment_name",
    "azure_deployment",
];
