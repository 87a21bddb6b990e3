//! The governance checks: every rule a project must follow beyond its syntax, types and names,
//! checked over the resolved model (`crate::model`) that type checking and resolution built.
//!
//! One module per concern (filters, policies, exemptions, workloads, budgets, endpoints, the
//! catalog, sharing, blocklists, fine-tuned models), each an `impl Checks` block that reads
//! the model and reports what it finds; a check never stops another, so an error in one place
//! never hides the checks of another. `run` calls them in the model's order: where two
//! diagnostics share a span, the earlier check's comes first.

mod agents;
mod authority;
mod blocklists;
mod budgets;
mod catalog;
mod endpoints;
mod exemptions;
mod filters;
mod fine_tuned;
mod foundry;
mod hierarchy;
mod operations;
mod policies;
mod sharing;
mod workloads;

use charter_ir as ir;
use charter_syntax::Diagnostic;
use rustc_hash::FxHashSet;

use crate::catalog::Catalog;
use crate::model::{scope_name, FilterComparisons, FilterId, Model, WorkloadId};
use crate::schema::ScopeKind;
use crate::{Document, Options};

/// The checks' view of a compilation: what they read, and where they report.
pub(crate) struct Checks<'a> {
    documents: &'a [Document],
    options: &'a Options,
    model: &'a Model,
    catalog: &'a Catalog,
    /// Filters compared with minimums, shared with lowering, which compares the same pairs.
    comparisons: &'a FilterComparisons<'a>,
    diagnostics: Vec<Diagnostic>,
    /// Budget contacts already found to be valid addresses: budgets repeat the same few
    /// contacts, and validating an address parses it.
    valid_contacts: FxHashSet<&'a str>,
}

/// Runs every check over a resolved model; returns what they report.
pub(crate) fn run<'a>(
    documents: &'a [Document],
    options: &'a Options,
    model: &'a Model,
    catalog: &'a Catalog,
    comparisons: &'a FilterComparisons<'a>,
) -> Vec<Diagnostic> {
    let mut checks = Checks {
        documents,
        options,
        model,
        catalog,
        comparisons,
        diagnostics: Vec::new(),
        valid_contacts: FxHashSet::default(),
    };
    checks.run();
    checks.diagnostics
}

impl Checks<'_> {
    /// Every check, in the order the model's declarations come (where two diagnostics share a
    /// span, the earlier check's comes first).
    fn run(&mut self) {
        for fine_tuned in &self.model.fine_tuned {
            self.check_fine_tuned(fine_tuned);
        }
        for blocklist in &self.model.blocklists {
            self.check_blocklist(blocklist);
        }
        for index in 0..self.model.filters.len() {
            self.check_filter(FilterId(index));
            self.check_filter_agents(FilterId(index));
        }
        for policy in &self.model.policies {
            self.check_policy(policy);
        }
        for index in 0..self.model.workloads.len() {
            self.check_workload(WorkloadId(index));
        }
        // Deployment authority and data classification, after the rest: they read what the
        // other checks have already reported on (filters, deployment types).
        for policy in &self.model.policies {
            self.check_policy_authority(policy);
        }
        for index in 0..self.model.workloads.len() {
            self.check_workload_authority(WorkloadId(index));
        }
        self.check_operations();
        self.check_hierarchy();
        // AI Foundry structure: reads each workload's policy and managing group.
        self.check_business_units();
    }
}

/// A scope as Charter writes it: `management_group("contoso-ai-prod")`.
fn scope_source(scope: &ir::Scope) -> String {
    if let ir::Scope::Resource(resource) = scope {
        let group = match &resource.subscription {
            Some(subscription) => format!(
                "resource_group({}, subscription({}))",
                string_literal(&resource.resource_group),
                string_literal(subscription)
            ),
            None => format!(
                "resource_group({})",
                string_literal(&resource.resource_group)
            ),
        };
        return format!(
            "resource({group}, {}, {})",
            string_literal(&resource.resource_type),
            string_literal(&resource.name)
        );
    }
    format!(
        "{}({})",
        ScopeKind::of(scope).charter_name(),
        string_literal(scope_name(scope))
    )
}

/// A string as a Charter string literal, quoted and escaped.
fn string_literal(name: &str) -> String {
    let mut literal = String::with_capacity(name.len() + 2);
    for ch in name.chars() {
        match ch {
            '"' => literal.push_str("\\\""),
            '\\' => literal.push_str("\\\\"),
            '\n' => literal.push_str("\\n"),
            '\t' => literal.push_str("\\t"),
            ch if ch.is_control() => literal.push_str(&format!("\\u{{{:x}}}", u32::from(ch))),
            ch => literal.push(ch),
        }
    }
    format!("\"{literal}\"")
}

/// Compiles `source` as a project of one file, on 2026-11-22 (for the checks' tests).
#[cfg(test)]
pub(crate) fn compile_one(source: &str) -> crate::Compilation {
    let documents = vec![crate::Document {
        id: charter_syntax::FileId(0),
        path: "project.charter".to_string(),
        text: source.to_string(),
        is_stdlib: false,
    }];
    crate::compile(
        documents,
        &crate::Options::new(charter_ir::Date {
            year: 2026,
            month: 11,
            day: 22,
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_written_back_as_charter_source() {
        assert_eq!(
            scope_source(&ir::Scope::ManagementGroup("contoso-ai-dev".to_string())),
            r#"management_group("contoso-ai-dev")"#
        );
        assert_eq!(
            scope_source(&ir::Scope::ResourceGroup("rg \"a\"\\b\n".to_string())),
            r#"resource_group("rg \"a\"\\b\n")"#
        );
        assert_eq!(
            scope_name(&ir::Scope::Subscription("prod".to_string())),
            "prod"
        );
        assert_eq!(
            scope_source(&ir::Scope::Resource(ir::ResourceScope {
                subscription: Some("prod".into()),
                resource_group: "rg-a".into(),
                resource_type: "Microsoft.CognitiveServices/accounts".into(),
                name: "legacy".into(),
            })),
            r#"resource(resource_group("rg-a", subscription("prod")), "Microsoft.CognitiveServices/accounts", "legacy")"#
        );
    }
}
