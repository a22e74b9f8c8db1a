//! TensorFlow's dangerous operators as findings: one table, drawn from TensorFlow's op
//! registry, of the operators that act outside the tensor computation, each with what
//! it does and the severity its presence warrants; the four rules read it. Operators
//! that run Python are [`mdl030_python_op`], that read host files
//! [`mdl031_file_read_op`], that write them [`mdl032_file_write_op`], that reach the
//! network [`mdl033_network_op`].

use super::{mdl030_python_op, mdl031_file_read_op, mdl032_file_write_op, mdl033_network_op};
use crate::tensorflow::GraphFacts;
use aispm_core::{RawFinding, Severity};

/// What a dangerous operator does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OpRisk {
    Python,
    FileRead,
    FileWrite,
    Network,
}

/// Operators of TensorFlow's registry that act outside the tensor computation, with
/// the severity their presence in a model warrants. Checkpoint ops (`Save`, `SaveV2`,
/// `SaveSlices`, `Restore`, `RestoreV2`, `RestoreSlice`, `MergeV2Checkpoints`) are
/// part of every SavedModel and deliberately absent.
const DANGEROUS_OPS: &[(&str, OpRisk, Severity)] = {
    use OpRisk::*;
    use Severity::*;
    &[
        ("PyFunc", Python, Critical),
        ("PyFuncStateless", Python, Critical),
        ("EagerPyFunc", Python, Critical),
        ("ReadFile", FileRead, High),
        ("MatchingFiles", FileRead, High),
        ("MatchingFilesDataset", FileRead, High),
        ("ExperimentalMatchingFilesDataset", FileRead, High),
        ("WholeFileReader", FileRead, High),
        ("WholeFileReaderV2", FileRead, High),
        ("TextLineReader", FileRead, High),
        ("TextLineReaderV2", FileRead, High),
        ("FixedLengthRecordReader", FileRead, High),
        ("FixedLengthRecordReaderV2", FileRead, High),
        ("TFRecordReader", FileRead, High),
        ("TFRecordReaderV2", FileRead, High),
        ("LMDBReader", FileRead, High),
        ("SqlDataset", FileRead, High),
        ("ExperimentalSqlDataset", FileRead, High),
        ("TextLineDataset", FileRead, Medium),
        ("TFRecordDataset", FileRead, Medium),
        ("TFRecordDatasetV2", FileRead, Medium),
        ("FixedLengthRecordDataset", FileRead, Medium),
        ("FixedLengthRecordDatasetV2", FileRead, Medium),
        ("CSVDataset", FileRead, Medium),
        ("CSVDatasetV2", FileRead, Medium),
        ("ExperimentalCSVDataset", FileRead, Medium),
        ("LMDBDataset", FileRead, Medium),
        ("ExperimentalLMDBDataset", FileRead, Medium),
        ("LoadDataset", FileRead, Medium),
        ("ExperimentalLoadDataset", FileRead, Medium),
        ("ImmutableConst", FileRead, Medium),
        ("LoadAndRemapMatrix", FileRead, Medium),
        // Vocabulary tables read their asset files; common in exported models.
        ("InitializeTableFromTextFile", FileRead, Low),
        ("InitializeTableFromTextFileV2", FileRead, Low),
        ("WriteFile", FileWrite, Critical),
        ("DatasetToTFRecord", FileWrite, High),
        ("ExperimentalDatasetToTFRecord", FileWrite, High),
        ("SaveDataset", FileWrite, High),
        ("SaveDatasetV2", FileWrite, High),
        ("FileSystemSetConfiguration", FileWrite, High),
        ("SnapshotDataset", FileWrite, Medium),
        ("SnapshotDatasetV2", FileWrite, Medium),
        ("CreateSummaryFileWriter", FileWrite, Medium),
        ("CreateSummaryDbWriter", FileWrite, Medium),
        ("Rpc", Network, High),
        ("TryRpc", Network, High),
        ("RpcCall", Network, High),
        ("RpcClient", Network, High),
        ("RpcServer", Network, High),
        ("RpcServerStart", Network, High),
        ("RpcServerRegister", Network, High),
        ("BigQueryReader", Network, High),
        ("GenerateBigQueryReaderPartitions", Network, High),
        ("GcsConfigureCredentials", Network, High),
        ("GcsConfigureBlockCache", Network, Medium),
        ("DebugIdentity", Network, Medium),
        ("DebugIdentityV2", Network, Medium),
        ("DebugIdentityV3", Network, Medium),
        ("DebugNanCount", Network, Medium),
        ("DebugNumericSummary", Network, Medium),
        ("DebugNumericSummaryV2", Network, Medium),
        ("DataServiceDataset", Network, Medium),
        ("DataServiceDatasetV2", Network, Medium),
        ("DataServiceDatasetV3", Network, Medium),
        ("DataServiceDatasetV4", Network, Medium),
    ]
};

/// The risk of an operator name, if it is one of [`DANGEROUS_OPS`].
fn op_risk(op: &str) -> Option<(OpRisk, Severity)> {
    DANGEROUS_OPS
        .iter()
        .find(|(name, _, _)| *name == op)
        .map(|&(_, r, s)| (r, s))
}

/// One finding per dangerous operator of the graph (all its uses counted), at the
/// severity of its row.
pub(crate) fn check(path: &str, facts: &GraphFacts, out: &mut Vec<RawFinding>) {
    for (op, u) in &facts.ops {
        let Some((risk, severity)) = op_risk(op) else {
            continue;
        };
        let (rule, what) = match risk {
            OpRisk::Python => (
                &mdl030_python_op::RULE,
                "runs Python code of the serving process",
            ),
            OpRisk::FileRead => (&mdl031_file_read_op::RULE, "reads files of the host"),
            OpRisk::FileWrite => (&mdl032_file_write_op::RULE, "writes files on the host"),
            OpRisk::Network => (&mdl033_network_op::RULE, "connects to other hosts"),
        };
        let times = if u.count > 1 {
            format!(" ({} uses)", u.count)
        } else {
            String::new()
        };
        out.push(
            RawFinding::new(
                rule,
                path,
                format!(
                    "operator {op} ({}){times} {what} when the graph runs",
                    u.first
                ),
            )
            .severity(severity)
            .evidence(format!("op: {op} at {}", u.first))
            .key(op.clone()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoint_ops_are_not_in_the_table() {
        assert!(op_risk("SaveV2").is_none());
        assert!(op_risk("RestoreV2").is_none());
        assert_eq!(op_risk("PyFunc").map(|x| x.0), Some(OpRisk::Python));
    }
}
