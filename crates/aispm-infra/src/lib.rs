//! AI infrastructure posture (work in progress: the resource model only).
//!
//! # Design
//! One typed resource model ([`model`]) stands between the places a resource is
//! declared or deployed and the rules that judge it, as in Trivy's provider model:
//! adapters turn Terraform HCL, Terraform plan and state JSON, CloudFormation, ARM
//! templates, Kubernetes manifests, compose files and Dockerfiles — and later the
//! live-cloud connectors — into [`model::Resource`]s; rules read only the model, never
//! syntax, so one rule covers every source.
//!
//! Every attribute is tri-state ([`model::Attr`]): *known* (a value resolved from the
//! source, with its file and line), *unknown* (an expression the adapter could not
//! resolve: a rule never reports on it) and *absent* (not written, so the provider's
//! default applies: a rule that judges the attribute names that default and reports
//! when it is insecure).
//!
//! Still to come (issue 13): the adapters, the rules with their fixtures and
//! snapshots (the recipe of ARCHITECTURE.md), the analyzer, inventory assets and
//! attack paths.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod model;
