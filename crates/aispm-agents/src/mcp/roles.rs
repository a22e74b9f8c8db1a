//! What a server can do in a toxic combination, from the words of its identity (its
//! name, package, program, URL host and first arguments): read untrusted input, hold
//! private data, or send data out.

use super::config::Server;
use super::launchers::{Package, program};
use super::url::parse_url;
use std::collections::BTreeSet;

/// The lower-case words a server is known by: name, package, program, URL host and
/// its first few plain arguments.
pub fn identity(s: &Server, pkg: Option<&Package>) -> String {
    let mut id = s.name.to_ascii_lowercase();
    if let Some(p) = pkg {
        id.push(' ');
        id.push_str(&p.name.to_ascii_lowercase());
    }
    if let Some(c) = &s.command {
        id.push(' ');
        id.push_str(&program(&c.text));
    }
    if let Some(u) = &s.url
        && let Some(p) = parse_url(&u.text)
    {
        id.push(' ');
        id.push_str(&p.host.to_ascii_lowercase());
    }
    for a in s.args.iter().take(4) {
        if !a.text.starts_with('-') && !a.text.starts_with('/') && a.text.len() < 80 {
            id.push(' ');
            id.push_str(&a.text.to_ascii_lowercase());
        }
    }
    id
}

/// The ASCII alphanumeric words of a text.
pub fn tokens(id: &str) -> BTreeSet<&str> {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect()
}

/// Words of servers that read input anyone can write.
const UNTRUSTED: &[&str] = &[
    "fetch",
    "browser",
    "playwright",
    "puppeteer",
    "websearch",
    "search",
    "brave",
    "tavily",
    "exa",
    "serper",
    "serpapi",
    "perplexity",
    "firecrawl",
    "crawl",
    "crawler",
    "scrape",
    "scraper",
    "gmail",
    "mail",
    "email",
    "imap",
    "outlook",
    "slack",
    "discord",
    "teams",
    "jira",
    "linear",
    "issues",
    "github",
    "gitlab",
    "reddit",
    "twitter",
    "rss",
    "youtube",
    "web",
    "http",
    "telegram",
    "whatsapp",
    "zendesk",
    "intercom",
];

/// Words of servers that hold private data.
const PRIVATE: &[&str] = &[
    "filesystem",
    "fs",
    "files",
    "file",
    "postgres",
    "postgresql",
    "mysql",
    "sqlite",
    "database",
    "db",
    "mongo",
    "mongodb",
    "redis",
    "supabase",
    "github",
    "gitlab",
    "gdrive",
    "drive",
    "onedrive",
    "dropbox",
    "notion",
    "memory",
    "obsidian",
    "notes",
    "git",
    "snowflake",
    "bigquery",
    "1password",
    "keychain",
    "vault",
    "confluence",
    "sharepoint",
    "salesforce",
    "s3",
];

/// Words of servers that can send data out.
const OUTBOUND: &[&str] = &[
    "fetch",
    "http",
    "curl",
    "request",
    "requests",
    "mail",
    "gmail",
    "email",
    "smtp",
    "slack",
    "discord",
    "teams",
    "github",
    "gitlab",
    "webhook",
    "twitter",
    "telegram",
    "whatsapp",
    "sms",
    "twilio",
    "browser",
    "playwright",
    "puppeteer",
    "sendgrid",
    "jira",
    "linear",
];

/// Whether one of the words of `id` is one of `words`.
fn has_role(id: &str, words: &[&str]) -> bool {
    let t = tokens(id);
    words.iter().any(|w| t.contains(w))
}

/// The roles a server can play in a toxic combination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Roles {
    /// Reads input anyone can write (web pages, mail, issues, chat).
    pub untrusted: bool,
    /// Holds private data (files, databases, notes, drives).
    pub private: bool,
    /// Can send data out (HTTP, mail, chat, webhooks).
    pub outbound: bool,
}

impl Roles {
    /// The roles of a server known by `identity`.
    pub fn of(identity: &str) -> Self {
        Roles {
            untrusted: has_role(identity, UNTRUSTED),
            private: has_role(identity, PRIVATE),
            outbound: has_role(identity, OUTBOUND),
        }
    }

    /// How many roles the server plays.
    pub fn count(&self) -> u8 {
        u8::from(self.untrusted) + u8::from(self.private) + u8::from(self.outbound)
    }
}
