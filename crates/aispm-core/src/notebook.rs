//! Jupyter notebooks as the text a reader sees: the decoded strings of every cell's
//! source and outputs (escapes such as `\"` and `\n` undone, base64 images left out),
//! each decoded line mapped back to the line of the `.ipynb` file it came from, with
//! its cell index and whether it is source or output.

/// Where a line of the decoded view comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    /// 1-based line in the `.ipynb` file.
    pub line: u32,
    /// 0-based cell index, when inside `cells`.
    pub cell: Option<u32>,
    /// Which part of the notebook the line comes from.
    pub location: Location,
}

/// The part of a notebook a decoded line comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// A cell's `source`.
    Source,
    /// A cell's `outputs` (images, audio, video and PDF data left out).
    Output,
    /// Any other string: notebook and cell metadata, cell and output types.
    Metadata,
}

impl Location {
    /// Lower-case name, as findings carry it in their `location` property.
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Source => "source",
            Location::Output => "output",
            Location::Metadata => "metadata",
        }
    }
}

/// The decoded text and the origin of each of its lines.
#[derive(Debug, Default)]
pub struct NotebookView {
    /// The decoded strings, split at newlines; every line ends in `\n`.
    pub text: Vec<u8>,
    /// The origin of each line of [`text`](Self::text), in order.
    pub lines: Vec<Origin>,
}

#[derive(Debug, Clone)]
enum Seg {
    Key(String),
    Index(u32),
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
    line: u32,
    path: Vec<Seg>,
    view: NotebookView,
}

const MAX_DEPTH: usize = 64;

impl<'a> Parser<'a> {
    fn ws(&mut self) {
        while self.i < self.b.len() {
            match self.b[self.i] {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' => {}
                _ => return,
            }
            self.i += 1;
        }
    }

    fn string(&mut self) -> Option<String> {
        // At the opening quote.
        self.i += 1;
        let mut out: Vec<u8> = Vec::new();
        while self.i < self.b.len() {
            let c = self.b[self.i];
            match c {
                b'"' => {
                    self.i += 1;
                    return Some(String::from_utf8_lossy(&out).into_owned());
                }
                b'\\' => {
                    let e = *self.b.get(self.i + 1)?;
                    self.i += 2;
                    match e {
                        b'n' => out.push(b'\n'),
                        b't' => out.push(b'\t'),
                        b'r' => out.push(b'\r'),
                        b'b' | b'f' => out.push(b' '),
                        b'u' => {
                            let hex = self.b.get(self.i..self.i + 4)?;
                            let cp =
                                u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
                            self.i += 4;
                            let ch = char::from_u32(cp).unwrap_or('\u{fffd}');
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                        }
                        other => out.push(other),
                    }
                }
                b'\n' => {
                    // Not valid JSON; keep the line count right anyway.
                    self.line += 1;
                    out.push(c);
                    self.i += 1;
                }
                _ => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
        None
    }

    fn skip_mime(&self) -> bool {
        self.path.iter().any(|s| match s {
            Seg::Key(k) => {
                k.starts_with("image/")
                    || k.starts_with("audio/")
                    || k.starts_with("video/")
                    || k == "application/pdf"
                    || k == "attachments"
            }
            Seg::Index(_) => false,
        })
    }

    fn emit(&mut self, s: &str, line: u32) {
        if self.skip_mime() {
            return;
        }
        let cell = match (self.path.first(), self.path.get(1)) {
            (Some(Seg::Key(k)), Some(Seg::Index(i))) if k == "cells" => Some(*i),
            _ => None,
        };
        let has = |name: &str| {
            self.path
                .iter()
                .any(|s| matches!(s, Seg::Key(k) if k == name))
        };
        let location = if has("outputs") {
            Location::Output
        } else if has("source") {
            Location::Source
        } else {
            Location::Metadata
        };
        let origin = Origin {
            line,
            cell,
            location,
        };
        let body = s.strip_suffix('\n').unwrap_or(s);
        for piece in body.split('\n') {
            self.view.text.extend_from_slice(piece.as_bytes());
            self.view.text.push(b'\n');
            self.view.lines.push(origin);
        }
    }

    fn value(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        match *self.b.get(self.i)? {
            b'{' => {
                self.i += 1;
                loop {
                    self.ws();
                    match *self.b.get(self.i)? {
                        b'}' => {
                            self.i += 1;
                            return Some(());
                        }
                        b',' => {
                            self.i += 1;
                            continue;
                        }
                        b'"' => {
                            let key = self.string()?;
                            self.ws();
                            if *self.b.get(self.i)? != b':' {
                                return None;
                            }
                            self.i += 1;
                            self.path.push(Seg::Key(key));
                            self.value(depth + 1)?;
                            self.path.pop();
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mut idx = 0u32;
                loop {
                    self.ws();
                    match *self.b.get(self.i)? {
                        b']' => {
                            self.i += 1;
                            return Some(());
                        }
                        b',' => {
                            self.i += 1;
                            continue;
                        }
                        _ => {
                            self.path.push(Seg::Index(idx));
                            self.value(depth + 1)?;
                            self.path.pop();
                            idx += 1;
                        }
                    }
                }
            }
            b'"' => {
                let line = self.line;
                let s = self.string()?;
                self.emit(&s, line);
                Some(())
            }
            _ => {
                // Numbers, true, false, null.
                while self.i < self.b.len()
                    && !matches!(
                        self.b[self.i],
                        b',' | b'}' | b']' | b'\n' | b' ' | b'\t' | b'\r'
                    )
                {
                    self.i += 1;
                }
                Some(())
            }
        }
    }
}

/// Decodes a notebook; `None` when it is not valid JSON (the caller then scans the raw
/// text, whose line numbers are right anyway).
pub fn view(raw: &[u8]) -> Option<NotebookView> {
    let raw = raw.strip_prefix(b"\xef\xbb\xbf").unwrap_or(raw);
    let mut p = Parser {
        b: raw,
        i: 0,
        line: 1,
        path: Vec::new(),
        view: NotebookView::default(),
    };
    p.value(0)?;
    Some(p.view)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_cells_and_maps_lines() {
        let nb = br##"{
 "cells": [
  {"cell_type": "markdown", "source": ["# Title\n"]},
  {
   "cell_type": "code",
   "source": [
    "import os\n",
    "os.environ[\"KEY\"] = \"value\"\n"
   ],
   "outputs": [
    {"output_type": "stream", "text": ["printed: x\n"]},
    {"data": {"image/png": "iVBORw0KGgo=", "text/plain": ["<Figure>"]}}
   ]
  }
 ]
}"##;
        let v = view(nb).unwrap();
        let text = String::from_utf8(v.text.clone()).unwrap();
        assert!(text.contains("os.environ[\"KEY\"] = \"value\"\n"));
        assert!(!text.contains("iVBORw0KGgo"));
        let idx = text
            .lines()
            .position(|l| l.starts_with("os.environ"))
            .unwrap();
        assert_eq!(v.lines[idx].line, 8);
        assert_eq!(v.lines[idx].cell, Some(1));
        assert_eq!(v.lines[idx].location, Location::Source);
        let out = text.lines().position(|l| l.starts_with("printed")).unwrap();
        assert_eq!(v.lines[out].location, Location::Output);
        assert_eq!(v.lines[out].line, 11);
        assert!(view(b"{\"cells\": [").is_none());
    }
}
