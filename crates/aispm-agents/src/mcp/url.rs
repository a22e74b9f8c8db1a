//! How a server is reached: its URL (scheme, host, the rest), a form of it safe to
//! show (no user info, query or fragment), loopback hosts, variable references, and
//! the transport it uses.

use super::config::Server;
use crate::text::preview;

/// A URL read by [`parse_url`].
pub struct Url<'a> {
    /// The scheme, lower-case.
    pub scheme: String,
    /// The host, without user info, port or IPv6 brackets.
    pub host: &'a str,
    /// Path, query and fragment.
    pub rest: &'a str,
}

/// Scheme, host (no user info, no port) and the rest of a URL; `None` if not a URL.
pub fn parse_url(u: &str) -> Option<Url<'_>> {
    let (scheme, after) = u.trim().split_once("://")?;
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let authority = &after[..end];
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(rest) = hostport.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        hostport.split(':').next().unwrap_or("")
    };
    Some(Url {
        scheme: scheme.to_ascii_lowercase(),
        host,
        rest: &after[end..],
    })
}

/// The URL without user info, query or fragment: safe to show.
pub fn display_url(u: &str) -> String {
    match parse_url(u) {
        Some(p) => {
            let path = p.rest.split(['?', '#']).next().unwrap_or("");
            let after = u.split_once("://").map_or("", |x| x.1);
            let end = after.find(['/', '?', '#']).unwrap_or(after.len());
            let authority = &after[..end];
            let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            preview(&format!("{}://{hostport}{path}", p.scheme), 120)
        }
        None => preview(u, 60),
    }
}

/// Whether a host is this machine (`localhost`, `127.0.0.0/8`, `::1`, `0.0.0.0`, Docker's
/// host alias).
pub fn is_loopback(host: &str) -> bool {
    let h = host.to_ascii_lowercase();
    h == "localhost"
        || h.ends_with(".localhost")
        || h == "::1"
        || h == "0.0.0.0"
        || h == "host.docker.internal"
        || (h.starts_with("127.")
            && h.split('.').count() == 4
            && h.split('.').all(|p| p.parse::<u8>().is_ok()))
}

/// Whether a value is a variable reference rather than a literal.
pub fn is_reference(v: &str) -> bool {
    v.contains("${") || v.starts_with('$') || v.starts_with('%')
}

/// The transport of a server: its declared `type`/`transport` (the streamable HTTP
/// spellings as `http`), else `sse` for a URL ending in `/sse`, `http` for another URL,
/// `stdio` for a command.
pub fn transport(s: &Server) -> String {
    if let Some(t) = &s.transport_type {
        return match t.as_str() {
            "streamable-http" | "streamablehttp" | "http" | "streamable_http" => "http".into(),
            other => other.to_string(),
        };
    }
    match &s.url {
        Some(u) if u.text.trim_end_matches('/').ends_with("/sse") => "sse".into(),
        Some(_) => "http".into(),
        None => "stdio".into(),
    }
}
