//! Messaging, payment and other SaaS APIs that AI services are wired to: a leaked bot
//! token posts as the bot, a leaked webhook posts into the channel, a live payment key
//! moves money.

use super::shape;
use crate::detector::{
    BASE, Boundary, Confidence, ContextRule, Detector, Family, Matcher, Site, Verdict,
};

const fn context(words: &'static [&'static str], lines: usize) -> Matcher {
    Matcher::Context(ContextRule { words, lines })
}

/// Slack tokens: the prefix tells whose token it is.
fn slack(token: &str, _: &Site<'_>) -> Verdict {
    let t = match token.get(..5) {
        Some("xoxb-") => "bot",
        Some("xoxp-") => "user",
        Some("xoxa-") => "app",
        Some("xoxr-") => "refresh",
        Some("xoxs-") => "session",
        Some("xoxe.") | Some("xoxe-") => "rotating",
        Some("xapp-") => "app-level",
        _ => "token",
    };
    Verdict::high().with("token_type", t)
}

pub static SLACK_TOKEN: Detector = Detector {
    id: "slack-token",
    kind: "slack-token",
    family: Family::Saas,
    title: "Slack token",
    keywords: &[
        "xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxo-", "xoxe.", "xoxe-", "xapp-",
    ],
    // Legacy tokens: one to three numeric IDs (`xoxa-2-` workspace tokens start with a
    // version) and a shorter secret part (`xoxs`/`xoxo` end in ten or more hex digits).
    pattern: r"(?:xox[bparseo]-(?:[0-9]-)?(?:[0-9]{6,14}-){1,3}[A-Za-z0-9]{10,64}|xoxe\.xox[bp]-1-[A-Za-z0-9]{100,200}|xoxe-1-[A-Za-z0-9]{100,200}|xapp-1-[A-Z0-9]{9,12}-[0-9]{10,14}-[a-f0-9]{64})",
    prefix: "xox",
    check: Some(slack),
    positives: &[
        concat!(
            "bot_token: xoxb-620966",
            "542870-722971028225",
            "1-KtP3skqoO6cD",
            "6RVAU5KhVrWm"
        ),
        concat!(
            "user_token: xoxp-665425",
            "987471-742924",
            "741166-773731976863",
            "3-b6c29163d00d",
            "68df6db75d0c",
            "3f7eb934"
        ),
        concat!(
            "SLACK_APP_TOKEN=xapp-1-ABBLD6",
            "3INOU-525137790443",
            "5-3544242b30e5",
            "8d656ec4f337",
            "8c19cd5840f1",
            "aec544ad77bf",
            "39768915e2ed",
            "4a22"
        ),
        // Legacy formats (fakes): a bot token with one ID, a session token, a
        // workspace token.
        concat!("legacy_bot: xoxb-48217", "3950621-Tq8Lm2Vx9Rk4Wz7Pc3Nb6Hd1"),
        concat!("session: xoxs-730918", "264519-482017-593816-c4e9a1f7b2"),
        concat!(
            "workspace: xoxa-2-4829",
            "17365-51920384716-6180",
            "294735168-a93f0c4e7d21b85f"
        ),
    ],
    negatives: &[
        "SLACK_BOT_TOKEN=xoxb-your-token",
        "SLACK_BOT_TOKEN=xoxb-12345-abcd234",
        "legacy_token: xoxs-1234-1234-1234-aaaaaaaaaa",
        "SLACK_BOT_TOKEN=xoxb-0000000000-0000000000000-xxxxxxxxxxxxxxxxxxxxxxxx",
    ],
    ..BASE
};

pub static SLACK_WEBHOOK: Detector = Detector {
    id: "slack-webhook-url",
    display: "hooks.slack.com/services/",
    kind: "slack-webhook",
    family: Family::Saas,
    title: "Slack incoming webhook URL",
    keywords: &["hooks.slack.com/"],
    pattern: r"hooks\.slack\.com/(?:services/T[A-Z0-9]{6,12}/B[A-Z0-9]{6,12}/([A-Za-z0-9]{23,25})|(?:workflows|triggers)/T[A-Z0-9]{6,12}/A[A-Z0-9]{6,12}/[0-9]{17,20}/([A-Za-z0-9]{22,32}))",
    boundary: Boundary::None,
    positives: &[
        concat!(
            "  https://hooks.slack.com/services/TIGPO",
            "IAU5/BB0ZJ8",
            "Q7D26/d4FC2JdMT9QR",
            "NrbbTgAPRbpH"
        ),
        // A Workflow Builder webhook (fake).
        concat!(
            "WORKFLOW_URL=https://hooks.slack.com/workflows/T7QK2M",
            "9XW/A05RZ8PL3TQ/4826150937",
            "46281937/Vb8nQ2xLk7Rp4WzT9cM3yH6d"
        ),
    ],
    negatives: &[
        "SLACK_WEBHOOK=https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
    ],
    ..BASE
};

/// Stripe secret (`sk_`) keys are unrestricted; restricted (`rk_`) keys are scoped.
fn stripe(token: &str, _: &Site<'_>) -> Verdict {
    let live = token[3..].starts_with("live_");
    let restricted = token.starts_with("rk_");
    let v = Verdict::high()
        .with("mode", if live { "live" } else { "test" })
        .with("key_type", if restricted { "restricted" } else { "secret" });
    if live && !restricted {
        v.with("scope", "unrestricted")
    } else {
        v
    }
}

pub static STRIPE: Detector = Detector {
    id: "stripe-secret-key",
    kind: "stripe",
    family: Family::Saas,
    title: "Stripe secret key",
    keywords: &["sk_live_", "rk_live_", "sk_test_", "rk_test_"],
    pattern: r"[sr]k_(?:live|test)_[A-Za-z0-9]{20,247}",
    prefix: "sk_live_",
    check: Some(stripe),
    positives: &[
        concat!(
            "stripe_api_key = \"sk_live_51lerw0cBVAqQR",
            "PXccDUfXfV3I",
            "L5qF5orRk0Tc",
            "B27BRlE0vYHL",
            "R7hIkrKF3HLR",
            "hSoAs0Fh5eeG",
            "14tiCPOdO3jd",
            "61RZTpEhMi1G",
            "6\""
        ),
        concat!(
            "restricted = \"rk_live_51Pd96MJtWNXV9",
            "AlQMLcevLV5l",
            "2UG3OiAcFcH9",
            "5AmWbWj5zBdO",
            "V1W034QobyOd",
            "0Hn450ITdef3",
            "0Uu0pbdEvSs5",
            "3Fp2K77r9rfa",
            "p\""
        ),
    ],
    negatives: &[
        concat!(
            "STRIPE_PUBLISHABLE_KEY=pk_live_51kMSFVWKYAA7P",
            "PcZg96s4vjhc",
            "a7V6E03CGkfR",
            "e06K4G0Kvq4z",
            "H6hSeJ2T2zCC",
            "UL7lF5hxbDZM",
            "7cP4JN6VZHk4",
            "o2N11rBbx14s",
            "N"
        ),
        "STRIPE_KEY=sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    ],
    ..BASE
};

const TWILIO: &[&str] = &["twilio"];
pub static SQUARE: Detector = Detector {
    id: "square-access-token",
    kind: "square",
    family: Family::Saas,
    title: "Square access token or application secret",
    keywords: &["sq0atp-", "sq0csp-"],
    pattern: r"sq0(?:atp-[A-Za-z0-9_-]{22}|csp-[A-Za-z0-9_-]{43})",
    prefix: "sq0atp-",
    positives: &[
        concat!("SQUARE_TOKEN=sq0atp-Vq7Lm2Rk9", "Tz4WxPc8Nb1Hd"),
        concat!(
            "SQUARE_APP_SECRET=sq0csp-Hn4Pz8Qc2Lv7Xk",
            "3Rt9Wm5Yb1Jd6Fs0Gu2Ea8Oi4Tc7K"
        ),
    ],
    negatives: &["SQUARE_TOKEN=sq0atp-XXXXXXXXXXXXXXXXXXXXXX"],
    ..BASE
};

pub static FACEBOOK_TOKEN: Detector = Detector {
    id: "facebook-access-token",
    kind: "facebook",
    family: Family::Saas,
    title: "Facebook (Meta) access token",
    keywords: &["EAAC", "EAAM", "EAAG"],
    pattern: r"EAA[CMG][A-Za-z0-9]{90,400}",
    prefix: "EAA",
    min_entropy: 4.0,
    check: Some(shape::mixed),
    positives: &[concat!(
        "FACEBOOK_TOKEN=EAAM7qKx2Vq9mZpT4rW9cN1bH6",
        "LfQ8yJ3sD5eA0uXkGiRtYuIoPmNbVcXzAsDfGhJkL",
        "q8Wn3Rt6Yp1Ls4Kd7Fg0Hj2Zx5Cv9Bm3Nq6Wr8Ty1Ui4",
        "Op7As0Df3Gh6Jk9Lz2Xc5Vb8"
    )],
    negatives: &[
        "FACEBOOK_TOKEN=EAAMxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    ],
    ..BASE
};

pub static TWILIO_TOKEN: Detector = Detector {
    id: "twilio-auth-token",
    kind: "twilio",
    family: Family::Saas,
    title: "Twilio auth token",
    keywords: TWILIO,
    pattern: r"[a-f0-9]{32}",
    matcher: context(TWILIO, 3),
    check: Some(shape::mixed),
    binary: false,
    priority: 2,
    positives: &[concat!(
        "TWILIO_AUTH_TOKEN=81b34bf7e8df",
        "33809cd89bf6",
        "e31c021f"
    )],
    negatives: &[concat!(
        "TWILIO_ACCOUNT_SID=ACa6b04de02967",
        "5fe9d8e5a8fb",
        "0d54602b"
    )],
    ..BASE
};

pub static SENDGRID: Detector = Detector {
    id: "sendgrid-api-key",
    kind: "sendgrid",
    family: Family::Saas,
    title: "SendGrid API key",
    keywords: &["SG."],
    pattern: r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}",
    prefix: "SG.",
    positives: &[concat!(
        "SENDGRID_API_KEY=SG.bsdV2IfEUs0h",
        "oKj9c1HNSs.siiPEuXt0UrC",
        "M0ea6gK8HTJ_",
        "WF0GzPC5riPg",
        "Uk0q_yE"
    )],
    negatives: &["SENDGRID_API_KEY=SG.xxxxx.yyyyy"],
    ..BASE
};

pub static MAILCHIMP: Detector = Detector {
    id: "mailchimp-api-key",
    kind: "mailchimp",
    family: Family::Saas,
    title: "Mailchimp API key",
    keywords: &["-us"],
    pattern: r"[a-f0-9]{32}-us[0-9]{1,2}",
    check: Some(shape::mixed),
    positives: &[concat!(
        "MAILCHIMP_API_KEY=eb0330018387",
        "3de573ecad06",
        "b0974afa-us21"
    )],
    negatives: &["MAILCHIMP_SERVER=us21"],
    ..BASE
};

const MAILGUN: &[&str] = &["mailgun"];
pub static MAILGUN_KEY: Detector = Detector {
    id: "mailgun-api-key",
    kind: "mailgun",
    family: Family::Saas,
    title: "Mailgun API key",
    keywords: MAILGUN,
    pattern: r"key-[a-f0-9]{32}",
    matcher: context(MAILGUN, 3),
    prefix: "key-",
    binary: false,
    priority: 3,
    positives: &[concat!(
        "MAILGUN_API_KEY=key-74193304885e",
        "e914f149f83b",
        "5ae08e9d"
    )],
    negatives: &["MAILGUN_API_KEY=key-<key>"],
    ..BASE
};

pub static DISCORD_WEBHOOK: Detector = Detector {
    id: "discord-webhook-url",
    display: "discord.com/api/webhooks/",
    kind: "discord-webhook",
    family: Family::Saas,
    title: "Discord webhook URL",
    keywords: &["/api/webhooks/"],
    pattern: r"discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/([A-Za-z0-9_-]{60,68})",
    boundary: Boundary::None,
    positives: &[concat!(
        "DISCORD_WEBHOOK=https://discord.com/api/webhooks/705178010298",
        "1595010/UIX8pLcraot0",
        "5NkFEolVhnH-",
        "zocbrk6Iit6y",
        "2ytiICPdIyMF",
        "B9ATDSAann_B",
        "wYC0n38g"
    )],
    negatives: &["DISCORD_WEBHOOK=https://discord.com/api/webhooks/<id>/<token>"],
    ..BASE
};

/// The bot ID of a Telegram token is a number of 8 to 10 digits.
fn telegram(token: &str, _: &Site<'_>) -> Verdict {
    match token.split_once(':') {
        Some((id, _)) if (8..=10).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit()) => {
            Verdict::high()
        }
        _ => Verdict::Reject,
    }
}

pub static TELEGRAM: Detector = Detector {
    id: "telegram-bot-token",
    kind: "telegram",
    family: Family::Saas,
    title: "Telegram bot token",
    keywords: &[":AA"],
    pattern: r"[0-9]{8,10}:AA[A-Za-z0-9_-]{33}",
    check: Some(telegram),
    positives: &[concat!(
        "TELEGRAM_BOT_TOKEN=48579",
        "83039:AAvF06eS8E9fHS",
        "TpaJZLpkmfcA",
        "KYXI_JuLO"
    )],
    negatives: &["TELEGRAM_BOT_TOKEN=123:AA"],
    ..BASE
};

pub static SHOPIFY: Detector = Detector {
    id: "shopify-access-token",
    kind: "shopify",
    family: Family::Saas,
    title: "Shopify access token",
    keywords: &["shpat_", "shpss_", "shpca_", "shppa_"],
    pattern: r"shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}",
    prefix: "shpat_",
    positives: &[concat!(
        "SHOPIFY_ACCESS_TOKEN=shpat_a015da221902",
        "7c30d5c984b8",
        "59a94e7b"
    )],
    negatives: &["SHOPIFY_ACCESS_TOKEN=shpat_..."],
    ..BASE
};

pub static NOTION: Detector = Detector {
    id: "notion-integration-token",
    kind: "notion",
    family: Family::Saas,
    title: "Notion integration token",
    keywords: &["ntn_"],
    pattern: r"ntn_[0-9]{11}[A-Za-z0-9]{35}",
    prefix: "ntn_",
    positives: &[concat!(
        "NOTION_TOKEN=ntn_57439",
        "661889dEmy0dxigYpt",
        "uhneeIo8rMsv",
        "DnL2nkgI4ID"
    )],
    negatives: &["NOTION_TOKEN=ntn_<token>"],
    ..BASE
};

pub static LINEAR: Detector = Detector {
    id: "linear-api-key",
    kind: "linear",
    family: Family::Saas,
    title: "Linear API key",
    keywords: &["lin_api_"],
    pattern: r"lin_api_[A-Za-z0-9]{40}",
    prefix: "lin_api_",
    positives: &[concat!(
        "LINEAR_API_KEY=lin_api_AyzK2AlZKXeQ",
        "iPpHNjEae7Bi",
        "TUKagOxGJPhV",
        "uy5K"
    )],
    negatives: &["LINEAR_API_KEY=lin_api_"],
    ..BASE
};

/// Sentry organization tokens: `sntrys_` + base64 JSON with an `iat` and a URL.
fn sentry_org(token: &str, _: &Site<'_>) -> Verdict {
    let body = &token["sntrys_".len()..];
    let body = body.split('_').next().unwrap_or(body);
    match shape::b64_json(body.as_bytes()) {
        Some(m) if m.contains_key("iat") => Verdict::high(),
        _ => Verdict::medium(),
    }
}

pub static SENTRY: Detector = Detector {
    id: "sentry-auth-token",
    kind: "sentry",
    family: Family::Saas,
    title: "Sentry auth token",
    keywords: &["sntrys_", "sntryu_"],
    pattern: r"(?:sntrys_eyJ[A-Za-z0-9_=-]{60,400}_[A-Za-z0-9_+/-]{43}|sntryu_[a-f0-9]{64})",
    prefix: "sntry",
    boundary: Boundary::Base64,
    check: Some(sentry_org),
    positives: &[
        concat!(
            "SENTRY_AUTH_TOKEN=sntrys_eyJpY",
            "XQiOiAxNzM1N",
            "jg5NjAwLjEsI",
            "CJ1cmwiOiAia",
            "HR0cHM6Ly9zZ",
            "W50cnkuaW8iL",
            "CAicmVnaW9uX",
            "3VybCI6ICJod",
            "HRwczovL3VzL",
            "nNlbnRyeS5pb",
            "yIsICJvcmciO",
            "iAiYWNtZSJ9_",
            "U9MOLuZlClPW",
            "pV0tXNrVACR6",
            "SReTl15pPqhV",
            "Yvw89nF"
        ),
        concat!(
            "SENTRY_AUTH_TOKEN=sntryu_7a8ebfff1c03",
            "bb48ea359a44",
            "45038d18288a",
            "e22ce7cacb01",
            "3b22d5f63882",
            "68ac"
        ),
    ],
    negatives: &["SENTRY_AUTH_TOKEN=sntrys_"],
    ..BASE
};

pub static GRAFANA: Detector = Detector {
    id: "grafana-service-account-token",
    kind: "grafana",
    family: Family::Saas,
    title: "Grafana service-account token",
    keywords: &["glsa_"],
    pattern: r"glsa_[A-Za-z0-9]{32}_[a-f0-9]{8}",
    prefix: "glsa_",
    positives: &[concat!(
        "GRAFANA_TOKEN=glsa_Xx8QjqLBYQlC",
        "rHgei88n1bKs",
        "ECrbbPPY_dcf0",
        "2347"
    )],
    negatives: &["GRAFANA_TOKEN=glsa_"],
    ..BASE
};

pub static NEW_RELIC: Detector = Detector {
    id: "new-relic-user-key",
    kind: "new-relic",
    family: Family::Saas,
    title: "New Relic user API key",
    keywords: &["NRAK-"],
    pattern: r"NRAK-[A-Z0-9]{27}",
    prefix: "NRAK-",
    positives: &[concat!(
        "NEW_RELIC_API_KEY=NRAK-YD5LT44IPSBJ",
        "L18ZDYVPH7D2",
        "JJ8"
    )],
    negatives: &["NEW_RELIC_API_KEY=NRAK-XXXXXXXXXXXXXXXXXXXXXXXXXXX"],
    ..BASE
};

pub static SUPABASE: Detector = Detector {
    id: "supabase-access-token",
    kind: "supabase",
    family: Family::Saas,
    title: "Supabase access or secret key",
    keywords: &["sbp_", "sb_secret_"],
    pattern: r"(?:sbp_[a-f0-9]{40}|sb_secret_[A-Za-z0-9_-]{30,64})",
    prefix: "sbp_",
    positives: &[
        concat!(
            "SUPABASE_ACCESS_TOKEN=sbp_dd703db3280e",
            "59f722493741",
            "e69ec5cf4f96",
            "cdc3"
        ),
        concat!(
            "SUPABASE_SECRET_KEY=sb_secret_Ci4o3nBh0xWx",
            "c0X0_DaNOnY8",
            "IN4CaMW"
        ),
    ],
    negatives: &[concat!(
        "SUPABASE_PUBLISHABLE_KEY=sb_publishable_si0dzlLU-Te-",
        "p6OSYPqsh27D",
        "Z6uy_3e"
    )],
    ..BASE
};

const DATADOG: &[&str] = &["datadog", "dd_api_key", "dd_app_key", "dd-api-key"];
pub static DATADOG_KEY: Detector = Detector {
    id: "datadog-api-key",
    kind: "datadog",
    family: Family::Saas,
    title: "Datadog API or application key",
    keywords: DATADOG,
    pattern: r"[a-f0-9]{32}(?:[a-f0-9]{8})?",
    matcher: context(DATADOG, 3),
    check: Some(shape::mixed),
    default_confidence: Confidence::Medium,
    binary: false,
    priority: 2,
    positives: &[concat!(
        "DD_API_KEY=6741a5bfd6d4",
        "48e34e6ff404",
        "da55431a"
    )],
    negatives: &["DD_SITE=datadoghq.eu\nDD_ENV=prod"],
    ..BASE
};

/// Every SaaS detector.
/// Microsoft Teams incoming webhooks (Office 365 connectors): anyone holding the URL
/// posts into the channel.
pub static TEAMS_WEBHOOK: Detector = Detector {
    id: "teams-webhook-url",
    display: "webhook.office.com/",
    kind: "teams-webhook",
    family: Family::Saas,
    title: "Microsoft Teams incoming webhook URL",
    keywords: &[
        "outlook.office.com/webhook",
        "outlook.office365.com/webhook",
        ".webhook.office.com/webhookb2",
    ],
    pattern: r"(?:outlook\.office(?:365)?\.com/webhook|[a-z0-9-]{1,63}\.webhook\.office\.com/webhookb2)/[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}@[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}/IncomingWebhook/([0-9a-f]{32}/[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})",
    boundary: Boundary::None,
    min_entropy: 3.0,
    positives: &[concat!(
        "TEAMS_URL=https://acme.webhook.office.com/webhookb2/",
        "3f9c2a71-5d4e-4b8a-9c1f-7e2d6a0b4c93@8b1e4d27-9a3c-4f6e-b2d8-1c7a5e9f3b60",
        "/IncomingWebhook/a7c3e91f5b2d48e6904c1f7b3a8d2e65/",
        "c4e8a2f6-1b9d-4c3e-8f7a-2d5b9e1c6a40"
    )],
    negatives: &[concat!(
        "https://acme.webhook.office.com/webhookb2/",
        "<group-id>@<tenant-id>/IncomingWebhook/<id>/<owner>"
    )],
    ..BASE
};

pub static ALL: &[&Detector] = &[
    &SLACK_TOKEN,
    &SLACK_WEBHOOK,
    &STRIPE,
    &TWILIO_TOKEN,
    &SENDGRID,
    &MAILCHIMP,
    &MAILGUN_KEY,
    &DISCORD_WEBHOOK,
    &TELEGRAM,
    &SHOPIFY,
    &NOTION,
    &LINEAR,
    &SENTRY,
    &GRAFANA,
    &NEW_RELIC,
    &SUPABASE,
    &DATADOG_KEY,
    &SQUARE,
    &FACEBOOK_TOKEN,
    &TEAMS_WEBHOOK,
];
