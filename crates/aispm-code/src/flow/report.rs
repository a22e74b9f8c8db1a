//! How a rule reports: one finding per rule and line, weighed by the file's role
//! (`rules::weighing`), with bounded evidence.

use super::*;

impl<'s> Walker<'s> {
    /// Reports `rule` on node `n` (its first line; the evidence is its text). `severity`
    /// overrides the rule's; the file's role then weighs it, and may drop it.
    pub(crate) fn hit(
        &mut self,
        rule: &'static Rule,
        n: Node<'s>,
        message: String,
        severity: Option<Severity>,
    ) {
        self.push_hit(rule, n, message, severity, None);
    }

    /// [`Walker::hit`] about the MCP server at `server` in [`Outcome::servers`].
    pub(crate) fn hit_on_server(
        &mut self,
        rule: &'static Rule,
        n: Node<'s>,
        message: String,
        severity: Option<Severity>,
        server: usize,
    ) {
        self.push_hit(rule, n, message, severity, Some(server));
    }

    fn push_hit(
        &mut self,
        rule: &'static Rule,
        n: Node<'s>,
        message: String,
        severity: Option<Severity>,
        server: Option<usize>,
    ) {
        let line = line_of(n);
        let Some(severity) = rules::weighing(rule).weigh(self.role, rule, severity) else {
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
            server,
        });
    }
}
