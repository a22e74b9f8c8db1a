//! The resource model: AI-relevant resources of every provider, each attribute
//! tri-state and placed in its file.

/// Where a value, or a resource, is written: a path as the report shows it and a
/// 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc {
    /// The file, relative to the scanned root (archive members as `a.zip!b.tf`).
    pub path: String,
    /// 1-based line of the value (or of the block that declares the resource).
    pub line: u32,
}

impl Loc {
    /// A location.
    pub fn new(path: impl Into<String>, line: u32) -> Loc {
        Loc {
            path: path.into(),
            line,
        }
    }
}

/// One attribute of a resource, as far as its source tells.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Attr<T> {
    /// Resolved to a value, written at `at` (for a value that flowed through a
    /// variable, parameter or module input: where the value itself is written).
    Known {
        /// The value.
        value: T,
        /// Where it is written.
        at: Loc,
    },
    /// Written, but the adapter could not resolve it (a data source, a variable
    /// without default, an unsupported function): rules never report on it.
    Unknown {
        /// Where the expression is written.
        at: Loc,
        /// Why it could not be resolved, for the report's notes.
        why: String,
    },
    /// Not written: the provider's default applies.
    #[default]
    Absent,
}

impl<T> Attr<T> {
    /// A known value.
    pub fn known(value: T, at: Loc) -> Attr<T> {
        Attr::Known { value, at }
    }

    /// The value, when it is known.
    pub fn value(&self) -> Option<&T> {
        match self {
            Attr::Known { value, .. } => Some(value),
            _ => None,
        }
    }

    /// The value the provider acts on: the known value, or `default` when the
    /// attribute is absent; `None` when it is unknown (nothing may be concluded).
    pub fn effective<'a>(&'a self, default: &'a T) -> Option<Effective<'a, T>> {
        match self {
            Attr::Known { value, at } => Some(Effective {
                value,
                at: Some(at),
            }),
            Attr::Absent => Some(Effective {
                value: default,
                at: None,
            }),
            Attr::Unknown { .. } => None,
        }
    }

    /// Where the attribute is written, when it is.
    pub fn at(&self) -> Option<&Loc> {
        match self {
            Attr::Known { at, .. } | Attr::Unknown { at, .. } => Some(at),
            Attr::Absent => None,
        }
    }

    /// Whether the attribute is written at all (known or unknown).
    pub fn is_written(&self) -> bool {
        !matches!(self, Attr::Absent)
    }
}

/// An attribute's value as the provider acts on it (see [`Attr::effective`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Effective<'a, T> {
    /// The value.
    pub value: &'a T,
    /// Where it is written; `None` when it is the provider's default (a finding then
    /// points at the resource).
    pub at: Option<&'a Loc>,
}

impl<T> Effective<'_, T> {
    /// Whether the value is the provider's default, not written.
    pub fn is_default(&self) -> bool {
        self.at.is_none()
    }
}

/// The cloud or platform a resource belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Provider {
    /// Amazon Web Services.
    Aws,
    /// Microsoft Azure.
    Azure,
    /// Google Cloud.
    Google,
    /// Kubernetes.
    Kubernetes,
    /// Docker Compose.
    Compose,
    /// A container image build (Dockerfile).
    Container,
}

/// Where a resource was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// Terraform configuration (`.tf`, with variables, locals and modules).
    TerraformHcl,
    /// `terraform show -json` output of a plan.
    TerraformPlan,
    /// A Terraform state file.
    TerraformState,
    /// CloudFormation JSON or YAML.
    CloudFormation,
    /// Azure Resource Manager template JSON.
    Arm,
    /// A Kubernetes manifest (Helm-rendered output included).
    Kubernetes,
    /// A docker-compose file.
    Compose,
    /// A Dockerfile.
    Dockerfile,
}

/// One resource in the model: what it is, where it is declared, and its attributes.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// The resource's address in its source (`aws_sagemaker_notebook_instance.main`,
    /// a CloudFormation logical id, `Deployment/ns/name`).
    pub address: String,
    /// Where its declaration starts.
    pub at: Loc,
    /// The last line of its declaration.
    pub end_line: u32,
    /// Where it was read from.
    pub source: Source,
    /// What it is, with its typed attributes.
    pub kind: Kind,
}

impl Resource {
    /// The provider the resource belongs to.
    pub fn provider(&self) -> Provider {
        self.kind.provider()
    }
}

/// What a resource is. One variant per AI-relevant resource type, each with the
/// attributes rules judge; the adapters fill them and the rules read them.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A SageMaker notebook instance.
    SageMakerNotebook(SageMakerNotebook),
    /// An Azure OpenAI / AI Services (Cognitive Services) account.
    CognitiveAccount(CognitiveAccount),
}

impl Kind {
    /// The provider of this kind of resource.
    pub fn provider(&self) -> Provider {
        match self {
            Kind::SageMakerNotebook(_) => Provider::Aws,
            Kind::CognitiveAccount(_) => Provider::Azure,
        }
    }

    /// A short stable name of the kind, for assets and reports.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::SageMakerNotebook(_) => "sagemaker-notebook",
            Kind::CognitiveAccount(_) => "azure-cognitive-account",
        }
    }
}

/// A SageMaker notebook instance (`aws_sagemaker_notebook_instance`,
/// `AWS::SageMaker::NotebookInstance`). Defaults are AWS's: direct internet access
/// and root access are enabled when not set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SageMakerNotebook {
    /// Direct internet access (`direct_internet_access` / `DirectInternetAccess`):
    /// `true` for `Enabled`. Default: enabled.
    pub direct_internet_access: Attr<bool>,
    /// Root access for notebook users (`root_access` / `RootAccess`). Default: enabled.
    pub root_access: Attr<bool>,
    /// The KMS key encrypting the notebook's volume. Default: none (an AWS-owned key).
    pub kms_key: Attr<String>,
    /// The subnet the notebook is placed in. Default: none (SageMaker's own network).
    pub subnet: Attr<String>,
    /// The IAM role the notebook runs as (an ARN or a reference to a role resource).
    pub role: Attr<String>,
}

impl SageMakerNotebook {
    /// AWS's default for direct internet access and root access: enabled.
    pub const ENABLED_BY_DEFAULT: bool = true;
}

/// An Azure OpenAI / AI Services account (`azurerm_cognitive_account`,
/// `Microsoft.CognitiveServices/accounts`). Defaults are Azure's: public network
/// access and local (key) authentication are enabled when not set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CognitiveAccount {
    /// The account kind (`OpenAI`, `AIServices`, `CognitiveServices`, …).
    pub account_kind: Attr<String>,
    /// Public network access. Default: enabled.
    pub public_network_access: Attr<bool>,
    /// Local (key) authentication. Default: enabled.
    pub local_auth: Attr<bool>,
    /// A customer-managed key. Default: none (a Microsoft-managed key).
    pub customer_managed_key: Attr<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_takes_the_default_unknown_concludes_nothing() {
        let absent: Attr<bool> = Attr::Absent;
        let e = absent.effective(&true).unwrap();
        assert!(*e.value && e.is_default());

        let known = Attr::known(false, Loc::new("main.tf", 7));
        let e = known.effective(&true).unwrap();
        assert!(!*e.value && !e.is_default());
        assert_eq!(e.at.unwrap().line, 7);

        let unknown: Attr<bool> = Attr::Unknown {
            at: Loc::new("main.tf", 9),
            why: "variable without a default".into(),
        };
        assert!(unknown.effective(&true).is_none());
        assert!(unknown.is_written() && !absent.is_written());
        assert_eq!(unknown.at().unwrap().line, 9);
    }

    #[test]
    fn kinds_name_their_provider() {
        let r = Resource {
            address: "aws_sagemaker_notebook_instance.main".into(),
            at: Loc::new("main.tf", 1),
            end_line: 6,
            source: Source::TerraformHcl,
            kind: Kind::SageMakerNotebook(SageMakerNotebook::default()),
        };
        assert_eq!(r.provider(), Provider::Aws);
        assert_eq!(r.kind.name(), "sagemaker-notebook");
        let Kind::SageMakerNotebook(nb) = &r.kind else {
            unreachable!()
        };
        let internet = nb
            .direct_internet_access
            .effective(&SageMakerNotebook::ENABLED_BY_DEFAULT)
            .unwrap();
        assert!(*internet.value && internet.is_default());
    }
}
