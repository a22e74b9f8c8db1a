//! Just enough protobuf wire-format encoding to hand-write ONNX models: varints,
//! length-delimited fields and nested messages. Fields are appended in call order.

/// Wire types used here.
const VARINT: u32 = 0;
const LEN: u32 = 2;

/// An encoded message under construction.
#[derive(Debug, Clone, Default)]
pub struct Message {
    buf: Vec<u8>,
}

pub fn varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

impl Message {
    pub fn new() -> Self {
        Self::default()
    }

    fn key(&mut self, field: u32, wire: u32) {
        varint(&mut self.buf, (u64::from(field) << 3) | u64::from(wire));
    }

    /// An int32/int64/enum/bool field (negative values as 10-byte two's complement).
    pub fn int(&mut self, field: u32, v: i64) -> &mut Self {
        self.key(field, VARINT);
        varint(&mut self.buf, v as u64);
        self
    }

    pub fn bytes(&mut self, field: u32, data: &[u8]) -> &mut Self {
        self.key(field, LEN);
        varint(&mut self.buf, data.len() as u64);
        self.buf.extend_from_slice(data);
        self
    }

    pub fn string(&mut self, field: u32, s: &str) -> &mut Self {
        self.bytes(field, s.as_bytes())
    }

    pub fn message(&mut self, field: u32, m: &Message) -> &mut Self {
        self.bytes(field, &m.buf)
    }

    pub fn encode(&self) -> Vec<u8> {
        self.buf.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_and_keys() {
        let mut v = Vec::new();
        varint(&mut v, 300);
        assert_eq!(v, [0xac, 0x02]);
        let mut m = Message::new();
        m.int(1, 8).string(2, "ab");
        assert_eq!(m.encode(), [0x08, 0x08, 0x12, 0x02, b'a', b'b']);
        let mut outer = Message::new();
        outer.message(7, &m);
        assert_eq!(outer.encode()[..2], [0x3a, 0x06]);
        let mut neg = Message::new();
        neg.int(1, -1);
        assert_eq!(neg.encode().len(), 11);
    }
}
