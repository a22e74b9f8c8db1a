//! Inventory from calls: model references and their Hub IDs, revisions and endpoints.

use super::*;

impl<'s> Walker<'s> {
    pub(super) fn model_refs(&mut self, c: &Call<'s>) {
        let (call, resolved, last, pos, kw) =
            (c.node, c.resolved.as_str(), c.last, &c.pos[..], &c.kw[..]);
        if !self.has_ai {
            return;
        }
        let endpoint = [
            "base_url",
            "baseURL",
            "api_base",
            "azure_endpoint",
            "endpoint",
            "host",
        ]
        .iter()
        .find_map(|k| Self::kwarg(kw, k).and_then(|v| self.string_literal(v)))
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"));
        if let Some(e) = &endpoint
            && !self.out.endpoints.contains(e)
        {
            self.out.endpoints.push(e.clone());
        }
        let mut found: Vec<(String, bool)> = Vec::new();
        for key in [
            "model",
            "model_name",
            "model_id",
            "modelId",
            "deployment_name",
            "azure_deployment",
            "deployment",
        ] {
            if let Some(v) = Self::kwarg(kw, key).and_then(|v| self.string_literal(v)) {
                found.push((v, false));
            }
        }
        // transformers.js: `pipeline("task", "org/model")`.
        if last == "pipeline"
            && (resolved.starts_with("@xenova/transformers")
                || resolved.starts_with("@huggingface/transformers"))
            && let Some(v) = pos.get(1).and_then(|v| self.string_literal(*v))
        {
            found.push((v, true));
        }
        if matches!(
            last,
            "from_pretrained"
                | "hf_hub_download"
                | "snapshot_download"
                | "SentenceTransformer"
                | "CrossEncoder"
        ) && let Some(v) = pos
            .first()
            .copied()
            .or_else(|| Self::kwarg(kw, "repo_id"))
            .and_then(|v| self.string_literal(v))
        {
            found.push((v, true));
        }
        let revision = Self::kwarg(kw, "revision").and_then(|v| self.string_literal(v));
        for (model, from_hub) in found {
            let valid = !model.is_empty()
                && model.len() <= 120
                && !model.contains(char::is_whitespace)
                && !model.starts_with(['.', '/', '~', '$', '{', '<'])
                && !model.contains("://");
            if !valid || (from_hub && !is_hub_id(&model)) || is_placeholder_repo(&model) {
                continue;
            }
            if !self.seen_models.insert(model.clone()) {
                continue;
            }
            let hub = from_hub || is_hub_id(&model) && sdk::provider_of_model(&model).is_none();
            self.out.models.push(ModelRef {
                provider: sdk::provider_of_model(&model)
                    .map(str::to_string)
                    .or_else(|| hub.then(|| "huggingface".to_string())),
                model,
                line: line_of(call),
                api: resolved.chars().take(80).collect(),
                hub,
                revision: revision.clone(),
                endpoint: endpoint.clone(),
            });
        }
    }
}
