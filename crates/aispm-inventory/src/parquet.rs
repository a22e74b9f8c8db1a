//! Parquet footer metadata (`FileMetaData`, Thrift compact protocol): row count,
//! column names and the writer. Thrift compact's integers are protobuf's varints,
//! decoded by [`aispm_formats::protobuf::decode_varint`]. Bounded: the footer is capped and every list and
//! nesting level is checked.

use aispm_core::{AnalysisError, Asset, FileInput};
use aispm_formats::protobuf::{self, VarintError};
use std::io::{Read, Seek, SeekFrom};

const MAX_FOOTER: u64 = 16 << 20;
const MAX_DEPTH: u32 = 32;
const MAX_COLUMNS: usize = 500;

fn err(msg: impl Into<String>) -> AnalysisError {
    AnalysisError::Parse(format!("parquet footer: {}", msg.into()))
}

pub fn read_footer(file: &FileInput<'_>, a: &mut Asset) -> Result<(), AnalysisError> {
    if file.size < 12 {
        return Err(err("file too short"));
    }
    let mut r = file.open()?;
    r.seek(SeekFrom::End(-8))?;
    let mut tail = [0u8; 8];
    r.read_exact(&mut tail)?;
    if &tail[4..] != b"PAR1" {
        return Err(err("no PAR1 trailer (truncated or encrypted footer)"));
    }
    let len = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
    if len > MAX_FOOTER || len + 12 > file.size {
        return Err(err(format!("footer length {len} is out of bounds")));
    }
    r.seek(SeekFrom::End(-8 - len as i64))?;
    let mut buf = vec![0u8; len as usize];
    r.read_exact(&mut buf)?;
    let mut c = Compact { b: &buf, i: 0 };
    let meta = c.file_metadata()?;
    a.set("rows", meta.rows);
    if !meta.columns.is_empty() {
        a.set("columns", meta.columns);
    }
    if let Some(w) = meta.created_by {
        a.set("created_by", w);
    }
    Ok(())
}

#[derive(Default)]
struct Meta {
    rows: i64,
    columns: Vec<String>,
    created_by: Option<String>,
}

struct Compact<'a> {
    b: &'a [u8],
    i: usize,
}

impl Compact<'_> {
    fn byte(&mut self) -> Result<u8, AnalysisError> {
        let v = *self.b.get(self.i).ok_or_else(|| err("unexpected end"))?;
        self.i += 1;
        Ok(v)
    }

    fn varint(&mut self) -> Result<u64, AnalysisError> {
        let rest = self.b.get(self.i..).unwrap_or_default();
        let (v, n) = protobuf::decode_varint(rest).map_err(|e| match e {
            VarintError::Truncated => err("unexpected end"),
            VarintError::TooLong => err("varint too long"),
        })?;
        self.i += n;
        Ok(v)
    }

    fn zigzag(&mut self) -> Result<i64, AnalysisError> {
        let v = self.varint()?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    fn binary(&mut self) -> Result<&[u8], AnalysisError> {
        let len = self.varint()? as usize;
        let end = self
            .i
            .checked_add(len)
            .filter(|&e| e <= self.b.len())
            .ok_or_else(|| err("string past the end"))?;
        let s = &self.b[self.i..end];
        self.i = end;
        Ok(s)
    }

    /// Field header: `(field id, type)`; type 0 is the end of the struct.
    fn field(&mut self, last: &mut i16) -> Result<(i16, u8), AnalysisError> {
        let h = self.byte()?;
        let t = h & 0x0f;
        if t == 0 {
            return Ok((0, 0));
        }
        let delta = (h >> 4) as i16;
        let id = if delta == 0 {
            self.zigzag()? as i16
        } else {
            last.saturating_add(delta)
        };
        *last = id;
        Ok((id, t))
    }

    fn list_header(&mut self) -> Result<(usize, u8), AnalysisError> {
        let h = self.byte()?;
        let t = h & 0x0f;
        let n = if h >> 4 == 0x0f {
            self.varint()? as usize
        } else {
            (h >> 4) as usize
        };
        if n > self.b.len() {
            return Err(err("list longer than the footer"));
        }
        Ok((n, t))
    }

    fn skip(&mut self, t: u8, depth: u32) -> Result<(), AnalysisError> {
        if depth > MAX_DEPTH {
            return Err(err("nesting too deep"));
        }
        match t {
            1 | 2 => Ok(()),
            3 => self.byte().map(|_| ()),
            4..=6 => self.varint().map(|_| ()),
            7 => {
                self.i = self
                    .i
                    .checked_add(8)
                    .filter(|&e| e <= self.b.len())
                    .ok_or_else(|| err("double past the end"))?;
                Ok(())
            }
            8 => self.binary().map(|_| ()),
            9 | 10 => {
                let (n, et) = self.list_header()?;
                for _ in 0..n {
                    self.skip(et, depth + 1)?;
                }
                Ok(())
            }
            11 => {
                let n = self.varint()? as usize;
                if n == 0 {
                    return Ok(());
                }
                if n > self.b.len() {
                    return Err(err("map longer than the footer"));
                }
                let kv = self.byte()?;
                for _ in 0..n {
                    self.skip(kv >> 4, depth + 1)?;
                    self.skip(kv & 0x0f, depth + 1)?;
                }
                Ok(())
            }
            12 => {
                let mut last = 0i16;
                loop {
                    let (id, ft) = self.field(&mut last)?;
                    if id == 0 && ft == 0 {
                        return Ok(());
                    }
                    self.skip(ft, depth + 1)?;
                }
            }
            other => Err(err(format!("unknown thrift type {other}"))),
        }
    }

    fn file_metadata(&mut self) -> Result<Meta, AnalysisError> {
        let mut m = Meta::default();
        let mut last = 0i16;
        loop {
            let (id, t) = self.field(&mut last)?;
            match (id, t) {
                (0, 0) => return Ok(m),
                (2, 9) => {
                    let (n, et) = self.list_header()?;
                    for k in 0..n {
                        if et != 12 {
                            self.skip(et, 1)?;
                            continue;
                        }
                        let name = self.schema_element_name()?;
                        // Element 0 is the root of the schema.
                        if k > 0 && m.columns.len() < MAX_COLUMNS {
                            m.columns.push(name);
                        }
                    }
                }
                (3, 6) => m.rows = self.zigzag()?,
                (6, 8) => {
                    m.created_by = Some(
                        String::from_utf8_lossy(self.binary()?)
                            .chars()
                            .take(200)
                            .collect(),
                    )
                }
                (_, t) => self.skip(t, 1)?,
            }
        }
    }

    fn schema_element_name(&mut self) -> Result<String, AnalysisError> {
        let mut last = 0i16;
        let mut name = String::new();
        loop {
            let (id, t) = self.field(&mut last)?;
            match (id, t) {
                (0, 0) => return Ok(name),
                (4, 8) => {
                    name = String::from_utf8_lossy(self.binary()?)
                        .chars()
                        .take(200)
                        .collect()
                }
                (_, t) => self.skip(t, 2)?,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_footers_are_errors_not_panics() {
        for bytes in [
            &[0x19u8, 0xfc][..],
            &[0x29, 0xff, 0xff, 0xff, 0xff, 0x0f][..],
            &[0x1b, 0x0f][..],
            &[0x16, 0x80, 0x80][..],
            &[][..],
        ] {
            let mut c = Compact { b: bytes, i: 0 };
            assert!(c.file_metadata().is_err());
        }
    }

    #[test]
    fn reads_rows_and_columns() {
        // FileMetaData { version: 1, schema: [root, {name: "email"}], num_rows: 3 }
        let footer = [
            0x15, 0x02, // field 1 i32 = 1
            0x19, 0x2c, // field 2 list, 2 structs
            0x48, 0x04, b'r', b'o', b'o', b't', 0x00, // {4: "root"}
            0x48, 0x05, b'e', b'm', b'a', b'i', b'l', 0x00, // {4: "email"}
            0x16, 0x06, // field 3 i64 = 3
            0x00,
        ];
        let mut c = Compact { b: &footer, i: 0 };
        let m = c.file_metadata().unwrap();
        assert_eq!(m.rows, 3);
        assert_eq!(m.columns, vec!["email"]);
    }
}
