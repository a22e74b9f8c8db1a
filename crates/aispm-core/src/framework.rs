//! The catalogue of framework controls that rules map to.
//!
//! Identifiers follow the published documents exactly (see the research notes kept
//! with the project): OWASP Top 10 for LLM Applications 2025 (`LLM01:2025`), OWASP
//! Machine Learning Security Top 10 2023 (`ML06:2023`), MITRE ATLAS 5.x technique and
//! mitigation IDs (`AML.T0010.003`), NIST AI RMF 1.0 subcategories (`MEASURE 2.7`),
//! EU AI Act articles (`Art. 15`), ISO/IEC 42001:2023 Annex A controls (`A.7.5`), and
//! for data protection GDPR and HIPAA provisions.
//!
//! A rule names its controls with [`Control`] constants from this module, so a typo is
//! a compile error and every ID a rule can emit is listed here with its title.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A compliance or threat framework.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Framework {
    /// OWASP Top 10 for LLM Applications 2025.
    #[serde(rename = "owasp-llm-2025")]
    OwaspLlm2025,
    /// OWASP Machine Learning Security Top 10 (2023).
    #[serde(rename = "owasp-ml-2023")]
    OwaspMl2023,
    /// MITRE ATLAS techniques and mitigations.
    #[serde(rename = "mitre-atlas")]
    MitreAtlas,
    /// NIST AI Risk Management Framework 1.0 subcategories.
    #[serde(rename = "nist-ai-rmf")]
    NistAiRmf,
    /// EU AI Act (Regulation (EU) 2024/1689) articles.
    #[serde(rename = "eu-ai-act")]
    EuAiAct,
    /// ISO/IEC 42001:2023 Annex A controls.
    #[serde(rename = "iso-42001")]
    Iso42001,
    /// GDPR (Regulation (EU) 2016/679) articles.
    #[serde(rename = "gdpr")]
    Gdpr,
    /// HIPAA rules in 45 CFR Part 164.
    #[serde(rename = "hipaa")]
    Hipaa,
}

impl Framework {
    /// Every framework, in declaration order.
    pub const ALL: [Framework; 8] = [
        Framework::OwaspLlm2025,
        Framework::OwaspMl2023,
        Framework::MitreAtlas,
        Framework::NistAiRmf,
        Framework::EuAiAct,
        Framework::Iso42001,
        Framework::Gdpr,
        Framework::Hipaa,
    ];

    /// Stable machine name, as serialised.
    pub fn key(self) -> &'static str {
        match self {
            Framework::OwaspLlm2025 => "owasp-llm-2025",
            Framework::OwaspMl2023 => "owasp-ml-2023",
            Framework::MitreAtlas => "mitre-atlas",
            Framework::NistAiRmf => "nist-ai-rmf",
            Framework::EuAiAct => "eu-ai-act",
            Framework::Iso42001 => "iso-42001",
            Framework::Gdpr => "gdpr",
            Framework::Hipaa => "hipaa",
        }
    }

    /// Human name of the framework.
    pub fn title(self) -> &'static str {
        match self {
            Framework::OwaspLlm2025 => "OWASP Top 10 for LLM Applications 2025",
            Framework::OwaspMl2023 => "OWASP Machine Learning Security Top 10 (2023)",
            Framework::MitreAtlas => "MITRE ATLAS",
            Framework::NistAiRmf => "NIST AI RMF 1.0",
            Framework::EuAiAct => "EU AI Act (Regulation (EU) 2024/1689)",
            Framework::Iso42001 => "ISO/IEC 42001:2023 Annex A",
            Framework::Gdpr => "GDPR",
            Framework::Hipaa => "HIPAA",
        }
    }
}

impl fmt::Display for Framework {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// One control of one framework.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Control {
    /// The framework the control belongs to.
    pub framework: Framework,
    /// The control's ID as the framework writes it (`LLM03:2025`, `AML.T0010.003`,
    /// `Art. 15`).
    pub id: &'static str,
    /// Short title of the control.
    pub title: &'static str,
}

impl fmt::Display for Control {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.framework.key(), self.id)
    }
}

/// The serialised form of a control reference in findings and rule listings.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ControlRef {
    /// The framework the control belongs to.
    pub framework: Framework,
    /// The control's ID, as in [`Control::id`].
    pub id: String,
    /// Short title of the control.
    pub title: String,
}

impl From<&Control> for ControlRef {
    fn from(c: &Control) -> Self {
        ControlRef {
            framework: c.framework,
            id: c.id.to_string(),
            title: c.title.to_string(),
        }
    }
}

// Each constant is documented with its ID, title and framework.
macro_rules! controls {
    ($( $(#[$m:meta])* $name:ident = ($fw:ident, $id:literal, $title:literal); )*) => {
        $(
            #[doc = concat!("`", $id, "`: ", $title, " ([`Framework::", stringify!($fw), "`]).")]
            $(#[$m])*
            pub const $name: Control = Control { framework: Framework::$fw, id: $id, title: $title };
        )*
        /// Every control in the catalogue.
        pub const CATALOGUE: &[Control] = &[ $( $name ),* ];
    };
}

controls! {
    // OWASP Top 10 for LLM Applications 2025
    LLM01 = (OwaspLlm2025, "LLM01:2025", "Prompt Injection");
    LLM02 = (OwaspLlm2025, "LLM02:2025", "Sensitive Information Disclosure");
    LLM03 = (OwaspLlm2025, "LLM03:2025", "Supply Chain");
    LLM04 = (OwaspLlm2025, "LLM04:2025", "Data and Model Poisoning");
    LLM05 = (OwaspLlm2025, "LLM05:2025", "Improper Output Handling");
    LLM06 = (OwaspLlm2025, "LLM06:2025", "Excessive Agency");
    LLM07 = (OwaspLlm2025, "LLM07:2025", "System Prompt Leakage");
    LLM08 = (OwaspLlm2025, "LLM08:2025", "Vector and Embedding Weaknesses");
    LLM09 = (OwaspLlm2025, "LLM09:2025", "Misinformation");
    LLM10 = (OwaspLlm2025, "LLM10:2025", "Unbounded Consumption");

    // OWASP Machine Learning Security Top 10 (2023)
    ML01 = (OwaspMl2023, "ML01:2023", "Input Manipulation Attack");
    ML02 = (OwaspMl2023, "ML02:2023", "Data Poisoning Attack");
    ML03 = (OwaspMl2023, "ML03:2023", "Model Inversion Attack");
    ML04 = (OwaspMl2023, "ML04:2023", "Membership Inference Attack");
    ML05 = (OwaspMl2023, "ML05:2023", "Model Theft");
    ML06 = (OwaspMl2023, "ML06:2023", "AI Supply Chain Attacks");
    ML07 = (OwaspMl2023, "ML07:2023", "Transfer Learning Attack");
    ML08 = (OwaspMl2023, "ML08:2023", "Model Skewing");
    ML09 = (OwaspMl2023, "ML09:2023", "Output Integrity Attack");
    ML10 = (OwaspMl2023, "ML10:2023", "Model Poisoning");

    // MITRE ATLAS techniques
    ATLAS_T0007 = (MitreAtlas, "AML.T0007", "Discover AI Artifacts");
    ATLAS_T0010 = (MitreAtlas, "AML.T0010", "AI Supply Chain Compromise");
    ATLAS_T0010_001 = (MitreAtlas, "AML.T0010.001", "AI Supply Chain Compromise: AI Software");
    ATLAS_T0010_002 = (MitreAtlas, "AML.T0010.002", "AI Supply Chain Compromise: Data");
    ATLAS_T0010_003 = (MitreAtlas, "AML.T0010.003", "AI Supply Chain Compromise: Model");
    ATLAS_T0010_005 = (MitreAtlas, "AML.T0010.005", "AI Supply Chain Compromise: AI Agent Tool");
    ATLAS_T0011 = (MitreAtlas, "AML.T0011", "User Execution");
    ATLAS_T0011_000 = (MitreAtlas, "AML.T0011.000", "User Execution: Unsafe AI Artifacts");
    ATLAS_T0011_001 = (MitreAtlas, "AML.T0011.001", "User Execution: Malicious Package");
    ATLAS_T0011_002 = (MitreAtlas, "AML.T0011.002", "User Execution: Poisoned AI Agent Tool");
    ATLAS_T0012 = (MitreAtlas, "AML.T0012", "Valid Accounts");
    ATLAS_T0018 = (MitreAtlas, "AML.T0018", "Manipulate AI Model");
    ATLAS_T0018_002 = (MitreAtlas, "AML.T0018.002", "Manipulate AI Model: Embed Malware");
    ATLAS_T0019 = (MitreAtlas, "AML.T0019", "Publish Poisoned Datasets");
    ATLAS_T0020 = (MitreAtlas, "AML.T0020", "Poison Training Data");
    ATLAS_T0024 = (MitreAtlas, "AML.T0024", "Exfiltration via AI Inference API");
    ATLAS_T0029 = (MitreAtlas, "AML.T0029", "Denial of AI Service");
    ATLAS_T0034 = (MitreAtlas, "AML.T0034", "Cost Harvesting");
    ATLAS_T0035 = (MitreAtlas, "AML.T0035", "AI Artifact Collection");
    ATLAS_T0040 = (MitreAtlas, "AML.T0040", "AI Model Inference API Access");
    ATLAS_T0044 = (MitreAtlas, "AML.T0044", "Full AI Model Access");
    ATLAS_T0049 = (MitreAtlas, "AML.T0049", "Exploit Public-Facing Application");
    ATLAS_T0051 = (MitreAtlas, "AML.T0051", "LLM Prompt Injection");
    ATLAS_T0051_001 = (MitreAtlas, "AML.T0051.001", "LLM Prompt Injection: Indirect");
    ATLAS_T0053 = (MitreAtlas, "AML.T0053", "AI Agent Tool Invocation");
    ATLAS_T0055 = (MitreAtlas, "AML.T0055", "Unsecured Credentials");
    ATLAS_T0056 = (MitreAtlas, "AML.T0056", "Extract LLM System Prompt");
    ATLAS_T0057 = (MitreAtlas, "AML.T0057", "LLM Data Leakage");
    ATLAS_T0058 = (MitreAtlas, "AML.T0058", "Publish Poisoned Models");
    ATLAS_T0070 = (MitreAtlas, "AML.T0070", "RAG Poisoning");
    ATLAS_T0075 = (MitreAtlas, "AML.T0075", "Cloud Service Discovery");
    ATLAS_T0081 = (MitreAtlas, "AML.T0081", "Modify AI Agent Configuration");
    ATLAS_T0083 = (MitreAtlas, "AML.T0083", "Credentials from AI Agent Configuration");
    ATLAS_T0086 = (MitreAtlas, "AML.T0086", "Exfiltration via AI Agent Tool Invocation");
    ATLAS_T0104 = (MitreAtlas, "AML.T0104", "Publish Poisoned AI Agent Tool");
    ATLAS_T0109 = (MitreAtlas, "AML.T0109", "AI Supply Chain Rug Pull");
    ATLAS_T0110 = (MitreAtlas, "AML.T0110", "AI Agent Tool Poisoning");
    // MITRE ATLAS mitigations
    ATLAS_M0005 = (MitreAtlas, "AML.M0005", "Control Access to AI Models and Data at Rest");
    ATLAS_M0011 = (MitreAtlas, "AML.M0011", "Restrict Library Loading");
    ATLAS_M0012 = (MitreAtlas, "AML.M0012", "Encrypt Sensitive Information");
    ATLAS_M0013 = (MitreAtlas, "AML.M0013", "Code Signing");
    ATLAS_M0014 = (MitreAtlas, "AML.M0014", "Verify AI Artifacts");
    ATLAS_M0016 = (MitreAtlas, "AML.M0016", "Vulnerability Scanning");
    ATLAS_M0019 = (MitreAtlas, "AML.M0019", "Control Access to AI Models and Data in Production");
    ATLAS_M0020 = (MitreAtlas, "AML.M0020", "Generative AI Guardrails");
    ATLAS_M0023 = (MitreAtlas, "AML.M0023", "AI Bill of Materials");
    ATLAS_M0024 = (MitreAtlas, "AML.M0024", "AI Telemetry Logging");
    ATLAS_M0025 = (MitreAtlas, "AML.M0025", "Maintain AI Dataset Provenance");
    ATLAS_M0026 = (MitreAtlas, "AML.M0026", "Privileged AI Agent Permissions Configuration");
    ATLAS_M0028 = (MitreAtlas, "AML.M0028", "AI Agent Tools Permissions Configuration");
    ATLAS_M0029 = (MitreAtlas, "AML.M0029", "Human In-the-Loop for AI Agent Actions");
    ATLAS_M0032 = (MitreAtlas, "AML.M0032", "Segmentation of AI Agent Components");

    // NIST AI RMF 1.0 subcategories
    NIST_GOVERN_1_6 = (NistAiRmf, "GOVERN 1.6", "Mechanisms are in place to inventory AI systems");
    NIST_GOVERN_6_1 = (NistAiRmf, "GOVERN 6.1", "Policies and procedures address AI risks associated with third-party entities");
    NIST_MAP_4_1 = (NistAiRmf, "MAP 4.1", "Approaches for mapping AI technology and legal risks of its components are in place");
    NIST_MEASURE_2_7 = (NistAiRmf, "MEASURE 2.7", "AI system security and resilience are evaluated and documented");
    NIST_MEASURE_2_10 = (NistAiRmf, "MEASURE 2.10", "Privacy risk of the AI system is examined and documented");
    NIST_MANAGE_3_1 = (NistAiRmf, "MANAGE 3.1", "AI risks and benefits from third-party resources are regularly monitored");
    NIST_MANAGE_3_2 = (NistAiRmf, "MANAGE 3.2", "Pre-trained models used for development are monitored");
    NIST_MANAGE_4_1 = (NistAiRmf, "MANAGE 4.1", "Post-deployment AI system monitoring plans are implemented");

    // EU AI Act articles
    EU_ART_9 = (EuAiAct, "Art. 9", "Risk management system");
    EU_ART_10 = (EuAiAct, "Art. 10", "Data and data governance");
    EU_ART_11 = (EuAiAct, "Art. 11", "Technical documentation");
    EU_ART_12 = (EuAiAct, "Art. 12", "Record-keeping");
    EU_ART_13 = (EuAiAct, "Art. 13", "Transparency and provision of information to deployers");
    EU_ART_14 = (EuAiAct, "Art. 14", "Human oversight");
    EU_ART_15 = (EuAiAct, "Art. 15", "Accuracy, robustness and cybersecurity");
    EU_ART_17 = (EuAiAct, "Art. 17", "Quality management system");
    EU_ART_55 = (EuAiAct, "Art. 55", "Obligations of providers of general-purpose AI models with systemic risk");

    // ISO/IEC 42001:2023 Annex A
    ISO_A_4_2 = (Iso42001, "A.4.2", "Resource documentation");
    ISO_A_6_2_6 = (Iso42001, "A.6.2.6", "AI system operation and monitoring");
    ISO_A_6_2_7 = (Iso42001, "A.6.2.7", "AI system technical documentation");
    ISO_A_6_2_8 = (Iso42001, "A.6.2.8", "AI system recording of event logs");
    ISO_A_7_4 = (Iso42001, "A.7.4", "Quality of data for AI systems");
    ISO_A_7_5 = (Iso42001, "A.7.5", "Data provenance");
    ISO_A_10_3 = (Iso42001, "A.10.3", "Suppliers");

    // Data protection
    GDPR_ART_5 = (Gdpr, "Art. 5", "Principles relating to processing of personal data");
    GDPR_ART_9 = (Gdpr, "Art. 9", "Processing of special categories of personal data");
    GDPR_ART_25 = (Gdpr, "Art. 25", "Data protection by design and by default");
    GDPR_ART_32 = (Gdpr, "Art. 32", "Security of processing");
    HIPAA_164_312 = (Hipaa, "45 CFR 164.312", "Technical safeguards");
    HIPAA_164_514 = (Hipaa, "45 CFR 164.514", "De-identification of protected health information");
}

/// Looks a control up by framework and ID.
pub fn lookup(framework: Framework, id: &str) -> Option<&'static Control> {
    CATALOGUE
        .iter()
        .find(|c| c.framework == framework && c.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn catalogue_ids_are_unique_per_framework() {
        let mut seen = HashSet::new();
        for c in CATALOGUE {
            assert!(seen.insert((c.framework, c.id)), "duplicate control {c}");
            assert!(!c.title.is_empty());
        }
    }

    #[test]
    fn id_shapes_match_their_framework() {
        for c in CATALOGUE {
            let ok = match c.framework {
                Framework::OwaspLlm2025 => c.id.starts_with("LLM") && c.id.ends_with(":2025"),
                Framework::OwaspMl2023 => c.id.starts_with("ML") && c.id.ends_with(":2023"),
                Framework::MitreAtlas => c.id.starts_with("AML.T") || c.id.starts_with("AML.M"),
                Framework::NistAiRmf => ["GOVERN ", "MAP ", "MEASURE ", "MANAGE "]
                    .iter()
                    .any(|p| c.id.starts_with(p)),
                Framework::EuAiAct | Framework::Gdpr => c.id.starts_with("Art. "),
                Framework::Iso42001 => c.id.starts_with("A."),
                Framework::Hipaa => c.id.starts_with("45 CFR "),
            };
            assert!(ok, "control {c} does not look like an ID of its framework");
        }
        assert_eq!(lookup(Framework::OwaspLlm2025, "LLM03:2025"), Some(&LLM03));
    }
}
