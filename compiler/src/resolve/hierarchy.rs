//! The management-group hierarchy: every `management_group "ID" { }` block, the management
//! groups and subscriptions nested in it, read into [`Hierarchy`]. Duplicates and malformed ids
//! are the checks' (`checks/hierarchy.rs`): the first declaration of a name is the one that
//! resolves.

use charter_ir::Environment;

use super::policies::{keyword, string_with_span};
use super::{field, Resolver};
use crate::hierarchy::{Group, Hierarchy, Subscription};
use crate::schema::BlockKind;
use crate::typeck::{Typed, TypedBlock};

impl<'t, 'a> Resolver<'t, 'a> {
    /// Reads every top-level management group and what it contains.
    pub(super) fn declare_hierarchy(&mut self, typed: &'t [(usize, &'t TypedBlock<'a>)]) {
        let mut hierarchy = Hierarchy::default();
        for (_, block) in typed {
            if block.schema.kind == BlockKind::ManagementGroup {
                read_group(block, None, &mut hierarchy);
            }
        }
        self.model.hierarchy = hierarchy;
    }
}

fn environment(block: &TypedBlock<'_>) -> Option<(Environment, charter_syntax::Span)> {
    field(block, "environment", |phrase| {
        keyword(phrase, Environment::from_charter_name)
    })
    .and_then(|field| {
        field
            .value
            .map(|environment| (environment, field.phrase_span))
    })
}

fn read_group(block: &TypedBlock<'_>, parent: Option<usize>, hierarchy: &mut Hierarchy) {
    let Some((name, name_span)) = block.label() else {
        return;
    };
    hierarchy.groups.push(Group {
        name: name.to_string(),
        name_span,
        span: block.ast.span,
        doc: block.doc().map(str::to_string),
        display_name: field(block, "display_name", string_with_span)
            .and_then(|field| field.value)
            .map(|(text, _)| text),
        parent,
        environment: environment(block),
    });
    let index = hierarchy.groups.len() - 1;
    for child in block.blocks("management_group") {
        read_group(child, Some(index), hierarchy);
    }
    for subscription in block.blocks("subscription") {
        let Some((name, name_span)) = subscription.label() else {
            continue;
        };
        hierarchy.subscriptions.push(Subscription {
            name: name.to_string(),
            name_span,
            span: subscription.ast.span,
            doc: subscription.doc().map(str::to_string),
            id: field(subscription, "id", string_with_span).and_then(|field| field.value),
            parent: index,
            environment: environment(subscription),
            resource_groups: field(subscription, "resource_groups", |phrase| {
                phrase
                    .head
                    .as_ref()
                    .map(|list| {
                        list.items()
                            .iter()
                            .filter_map(Typed::as_str)
                            .map(|(text, span)| (text.to_string(), span))
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .map(|field| field.value)
            .unwrap_or_default(),
        });
    }
}
