//! `SEC005` is checked by the family table (`family_table.rs`): every detection of a
//! detector of the `Saas` family is reported under this rule.

use aispm_core::framework::*;
use aispm_core::{Category, Rule, Severity};

/// SEC005: a messaging, payment or other SaaS credential is hard-coded.
pub static RULE: Rule = Rule {
    id: "SEC005",
    name: "saas-token",
    title: "Messaging, payment or SaaS credential hard-coded",
    category: Category::Secret,
    severity: Severity::High,
    what: "Reports Slack tokens (also the legacy `xoxs`/`xoxo`/`xoxa-2` formats) and webhook \
URLs (incoming and Workflow Builder), Stripe secret and restricted keys \
(publishable keys are public and not reported), Twilio, SendGrid, Mailchimp, Mailgun, \
Discord webhooks, Telegram bot tokens, Shopify, Notion, Linear, Sentry, Grafana, New \
Relic, Supabase, Datadog, Square and Facebook (Meta) keys and tokens.",
    why: "AI applications are wired to these services to act: a bot token posts and reads as \
the bot, a webhook lets anyone post into the channel (phishing from a trusted source), a \
live Stripe key moves money, and observability tokens read the prompts and responses \
that were logged.",
    example: "`SLACK_BOT_TOKEN: xoxb-…` in a Kubernetes Secret manifest; \
`stripe.secret-key=sk_live_…` in `application.properties`.",
    remediation: "Rotate the credential in the service's admin console, store the new one in \
a secret manager, and prefer scoped keys (Stripe restricted keys, Slack tokens with \
minimal scopes).",
    controls: &[
        LLM02,
        LLM06,
        ATLAS_T0055,
        ATLAS_M0005,
        NIST_MEASURE_2_7,
        EU_ART_15,
        ISO_A_6_2_6,
    ],
};
