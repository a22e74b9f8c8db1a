use super::*;
use crate::pickle::observations::{NestedContent, Omitted};
use aispm_fixtures::pickle::{PickleWriter, malicious_os_system_pickle, plain_data_pickle};

fn cx() -> AnalysisContext {
    AnalysisContext::new(None, 0)
}

fn scan(bytes: &[u8]) -> Observations {
    scan_with(bytes, &Limits::default(), Layout::Plain)
}

fn scan_with(bytes: &[u8], lim: &Limits, layout: Layout) -> Observations {
    let mut cur = std::io::Cursor::new(bytes);
    let mut input = Input::new(&mut cur, 0, bytes.len() as u64);
    let mut obs = Observations::default();
    scan_streams(&mut input, &mut obs, lim, layout, 0, &cx()).unwrap();
    obs
}

fn called(obs: &Observations, q: &str) -> Option<String> {
    obs.imports
        .iter()
        .find(|i| i.qualified() == q && i.called)
        .map(|i| i.evidence.clone().unwrap_or_default())
}

#[test]
fn reduce_call_with_evidence() {
    let obs = scan(&malicious_os_system_pickle("echo aispm-demo"));
    assert_eq!(
        called(&obs, "os.system").as_deref(),
        Some("os.system('echo aispm-demo')")
    );
    assert_eq!(obs.streams, 1);
    assert!(obs.malformed.is_none() && obs.trailing.is_none());
}

#[test]
fn memo_indirection_and_overwrite() {
    let mut p = PickleWriter::new(2);
    p.global("collections", "OrderedDict");
    p.raw(b"q\x00"); // BINPUT 0
    p.global("os", "system");
    p.raw(b"q\x00"); // overwrite slot 0
    p.raw(b"0"); // POP
    p.raw(b"0");
    p.binget(0);
    p.unicode("id").tuple_n(1).reduce();
    let obs = scan(&p.finish());
    assert!(called(&obs, "os.system").is_some());
    assert!(called(&obs, "collections.OrderedDict").is_none());
}

#[test]
fn stack_global_from_memoized_strings() {
    let mut p = PickleWriter::new(4);
    p.empty_dict();
    p.memoize();
    p.unicode("subprocess");
    let m = p.memoize();
    p.unicode("Popen");
    let n = p.memoize();
    p.setitem();
    p.binget(m).binget(n).stack_global();
    p.unicode("id").tuple_n(1).reduce();
    let obs = scan(&p.finish());
    assert!(called(&obs, "subprocess.Popen").is_some());
    assert!(obs.dynamic.is_empty());
}

#[test]
fn name_built_at_load_time_is_dynamic_and_folded() {
    let mut p = PickleWriter::new(4);
    p.unicode("os");
    p.unicode("_operator").unicode("add").stack_global();
    p.mark().unicode("sys").unicode("tem").tuple().reduce();
    p.stack_global();
    p.unicode("id").tuple_n(1).reduce();
    let obs = scan(&p.finish());
    assert_eq!(obs.dynamic.len(), 1);
    assert!(obs.dynamic[0].evidence.contains("-> os.system"));
    assert!(called(&obs, "os.system").is_some());
}

#[test]
fn unresolvable_stack_global_operand() {
    let mut p = PickleWriter::new(4);
    p.unicode("os").int(5).stack_global();
    p.empty_tuple().reduce();
    let obs = scan(&p.finish());
    assert_eq!(obs.dynamic.len(), 1);
    assert!(
        obs.dynamic[0]
            .evidence
            .starts_with("STACK_GLOBAL('os', 5)(")
    );
}

#[test]
fn inst_obj_newobj_ex_and_getattr_chain() {
    // INST
    let obs = scan(b"(S'id'\nios\nsystem\n.");
    assert_eq!(
        called(&obs, "os.system").as_deref(),
        Some("os.system('id')")
    );
    // OBJ
    let obs = scan(b"(csubprocess\nPopen\nS'id'\no.");
    assert!(called(&obs, "subprocess.Popen").is_some());
    // NEWOBJ_EX
    let mut p = PickleWriter::new(4);
    p.global_ref("pty", "spawn");
    p.unicode("sh").tuple_n(1).empty_dict().op(0x92);
    assert!(called(&scan(&p.finish()), "pty.spawn").is_some());
    // getattr(__import__('os'), 'system')('id')
    let mut p = PickleWriter::new(2);
    p.global("builtins", "getattr");
    p.global("builtins", "__import__");
    p.unicode("os").tuple_n(1).reduce();
    p.unicode("system").tuple_n(2).reduce();
    p.unicode("id").tuple_n(1).reduce();
    let obs = scan(&p.finish());
    assert_eq!(
        called(&obs, "builtins.getattr").as_deref(),
        Some("builtins.getattr(builtins.__import__('os'), 'system')('id')")
    );
}

#[test]
fn setstate_installed_then_called() {
    let mut p = PickleWriter::new(4);
    p.global_ref("types", "SimpleNamespace");
    p.empty_tuple().newobj();
    p.empty_dict().unicode("__setstate__");
    p.global_ref("os", "system");
    p.setitem().build();
    p.unicode("id").build();
    let obs = scan(&p.finish());
    assert_eq!(obs.setstate.len(), 1);
    assert_eq!(
        called(&obs, "os.system").as_deref(),
        Some("os.system('id')")
    );
}

#[test]
fn truncated_stream_keeps_imports() {
    let full = malicious_os_system_pickle("id");
    let obs = scan(&full[..full.len() - 3]);
    assert!(called(&obs, "os.system").is_some());
    assert!(obs.malformed.is_some());
    let obs = scan(b"\x80\x02cbuiltins\nexec\n\xff\xfe");
    assert!(obs.imports.iter().any(|i| i.qualified() == "builtins.exec"));
    assert!(obs.malformed.is_some());
}

#[test]
fn several_streams_and_trailing_data() {
    let mut two = plain_data_pickle();
    two.extend(malicious_os_system_pickle("id"));
    let obs = scan(&two);
    assert_eq!(obs.streams, 2);
    assert!(called(&obs, "os.system").is_some());
    let mut tail = plain_data_pickle();
    tail.extend_from_slice(b"\x00garbage");
    let obs = scan(&tail);
    assert_eq!(obs.streams, 1);
    assert!(obs.trailing.is_some());
}

#[test]
fn ext_codes_and_nonstandard() {
    let obs = scan(b"\x80\x02\x82\x2a)R.");
    assert_eq!(obs.ext_codes.len(), 1);
    let obs = scan(b"\x80\x02h\x07.");
    assert!(!obs.nonstandard.is_empty());
    let obs = scan(b"\x80\x09N.");
    assert!(
        obs.nonstandard
            .iter()
            .any(|s| s.evidence.contains("protocol 9"))
    );
    let obs = scan(b"\x80\x02R.");
    assert!(
        obs.nonstandard
            .iter()
            .any(|s| s.evidence == "stack underflow")
    );
}

#[test]
fn joblib_array_bytes_are_skipped() {
    let mut p = PickleWriter::new(4);
    p.global_ref("joblib.numpy_pickle", "NumpyArrayWrapper");
    p.empty_tuple().newobj();
    p.empty_dict().mark();
    p.unicode("shape").int(2).tuple_n(1);
    p.unicode("dtype");
    p.global_ref("numpy", "dtype");
    p.unicode("f4").bool(false).bool(true).tuple_n(3).reduce();
    p.unicode("numpy_array_alignment_bytes").int(16);
    p.setitems().build();
    // padding length, padding, then 2 float32 that would read as opcodes.
    p.raw(&[3, 0xff, 0xff, 0xff])
        .raw(&[0xde, 0xad, 0xbe, 0xef, b'c', 0, 0, 0]);
    let obs = scan(&p.finish());
    assert!(obs.malformed.is_none(), "{:?}", obs.malformed);
    assert!(obs.trailing.is_none());
    assert_eq!(obs.streams, 1);
}

#[test]
fn torch_legacy_storage_bytes_are_not_trailing_data() {
    let mut f = b"\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.".to_vec();
    for _ in 0..3 {
        f.extend(plain_data_pickle());
    }
    f.extend(b"\x80\x02]q\x00X\x01\x00\x00\x000a.");
    f.extend(4u64.to_le_bytes());
    f.extend([0x63u8; 16]);
    let obs = scan_with(&f, &Limits::default(), Layout::TorchLegacy);
    assert_eq!(obs.streams, 5);
    assert!(obs.trailing.is_none() && obs.malformed.is_none());
}

#[test]
fn torch_tar_storage_headers_are_all_read() {
    let header = |key: &str, module: &str, name: &str| {
        let mut p = PickleWriter::new(2);
        p.unicode(key).unicode("cpu");
        p.global(module, name);
        p.tuple_n(3);
        p.finish()
    };
    let mut f = b"\x80\x02K\x02.".to_vec();
    f.extend(header("0", "torch", "FloatStorage"));
    f.extend(2u64.to_le_bytes());
    f.extend([b'c'; 8]);
    f.extend(header("1", "os", "system"));
    let obs = scan_with(&f, &Limits::default(), Layout::TorchStorages);
    assert!(obs.imports.iter().any(|i| i.qualified() == "os.system"));
    assert!(obs.malformed.is_none() && obs.trailing.is_none());
}

#[test]
fn embedded_pickles_are_analysed() {
    let inner = malicious_os_system_pickle("id");
    let mut p = PickleWriter::new(4);
    p.empty_dict().unicode("blob").bytes(&inner).setitem();
    let obs = scan(&p.finish());
    assert_eq!(obs.embedded.len(), 1);
    assert_eq!(obs.embedded[0].content, NestedContent::Dangerous);
    // The outer file imports nothing itself.
    assert!(obs.imports.is_empty());
}

/// Sites past [`MAX_SITES`] are counted per list, not dropped unsaid.
#[test]
fn sites_past_the_cap_are_counted() {
    let mut p = b"\x80\x02".to_vec();
    for i in 0..100u8 {
        p.extend_from_slice(&[0x82, i]); // EXT1
    }
    p.push(b'.');
    let obs = scan(&p);
    assert_eq!(obs.ext_codes.len(), MAX_SITES);
    assert_eq!(obs.omitted.ext_codes, 100 - MAX_SITES);

    let inner = malicious_os_system_pickle("id");
    let mut p = PickleWriter::new(4);
    p.empty_list().mark();
    for _ in 0..70 {
        p.bytes(&inner);
    }
    p.appends();
    let obs = scan(&p.finish());
    assert_eq!(obs.embedded.len(), MAX_SITES);
    assert_eq!(obs.omitted.embedded, 70 - MAX_SITES);
    assert_eq!(
        obs.omitted,
        Omitted {
            embedded: 70 - MAX_SITES,
            ..Omitted::default()
        }
    );
}

#[test]
fn limits_stop_the_stream_and_are_reported() {
    let lim = Limits {
        max_marks: 10,
        ..Limits::default()
    };
    let obs = scan_with(&[b'('; 20], &lim, Layout::Plain);
    assert!(obs.limit.as_deref().unwrap_or("").contains("MARK"));
    let lim = Limits {
        max_stack: 100,
        ..Limits::default()
    };
    let obs = scan_with(&[b'N'; 200], &lim, Layout::Plain);
    assert!(obs.limit.as_deref().unwrap_or("").contains("stack"));
    let lim = Limits {
        max_ops: 50,
        ..Limits::default()
    };
    let obs = scan_with(&[b'N'; 200], &lim, Layout::Plain);
    assert!(obs.limit.as_deref().unwrap_or("").contains("opcodes"));
    let lim = Limits {
        max_memo: 5,
        ..Limits::default()
    };
    let mut p = PickleWriter::new(4);
    for _ in 0..10 {
        p.none();
        p.memoize();
    }
    let obs = scan_with(&p.finish(), &lim, Layout::Plain);
    assert!(obs.limit.as_deref().unwrap_or("").contains("memo"));
}
