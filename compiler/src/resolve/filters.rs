//! Filters and blocklists: what each filter writes, its `extends` (cycles cut), what it filters
//! once inheritance is applied, and the blocklists filters list.

use charter_ir::{Category, FilterMode, Side};
use charter_syntax::{ast, Span};

use super::{field, Resolver};
use crate::codes;
use crate::model::{
    level_of, Blocklist, BlocklistManager, Effective, EffectiveBlocklist, EffectiveMode,
    EffectiveSetting, Extends, Filter, FilterId, ListedBlocklist, Setting, SideBlock,
    WrittenSetting,
};
use crate::schema::BlockKind;
use crate::symbols::{DeclId, Declaration, SymbolKind};
use crate::typeck::{Typed, TypedBlock};

/// The prompt and the completion, for a filter's own `blocklists:`.
const BOTH_SIDES: &[Side] = &[Side::Prompt, Side::Completion];

/// Each side alone, for a side's own `blocklists:`.
fn one_side(side: Side) -> &'static [Side] {
    static SIDES: [Side; Side::ALL.len()] = Side::ALL;
    let index = SIDES.iter().position(|s| *s == side).unwrap_or(0);
    std::slice::from_ref(&SIDES[index])
}

impl<'t, 'a> Resolver<'t, 'a> {
    /// A filter as written; its `extends` is resolved once every name is declared.
    pub(super) fn filter(
        &self,
        block: &TypedBlock<'a>,
        name: String,
        name_span: Span,
        decl: DeclId,
    ) -> Filter {
        let file = block.ast.span.file;
        let mut listed_blocklists = Vec::new();
        let mut list = |typed: Option<&Typed<'_>>, sides: &'static [Side]| {
            for item in typed.map(Typed::items).unwrap_or_default() {
                if let Some((name, span)) = item.as_str() {
                    listed_blocklists.push(ListedBlocklist {
                        name: name.to_string(),
                        sides,
                        span,
                    });
                }
            }
        };
        list(block.head("blocklists"), BOTH_SIDES);
        for side in Side::ALL {
            for nested in block.blocks(side.charter_name()) {
                list(nested.head("blocklists"), one_side(side));
            }
        }
        let mut listed_safety_providers = Vec::new();
        for side in Side::ALL {
            for nested in block.blocks(side.charter_name()) {
                let items = nested.head("safety_providers").map(Typed::items);
                for item in items.unwrap_or_default() {
                    if let Some((name, span)) = item.as_str() {
                        listed_safety_providers.push(ListedBlocklist {
                            name: name.to_string(),
                            sides: one_side(side),
                            span,
                        });
                    }
                }
            }
        }
        let mut settings = Vec::new();
        for side in Side::ALL {
            for side_block in block.blocks(side.charter_name()) {
                for category in Category::ALL {
                    if !category.applies_to(side) {
                        continue;
                    }
                    if let Some(Typed::Keyword { word, span }) =
                        side_block.head(category.charter_name())
                    {
                        settings.push(Setting {
                            side,
                            category,
                            level: level_of(category, word),
                            span: *span,
                        });
                    }
                }
            }
        }
        // What the editor shows is what is written, in every side block, valid or not.
        let mut written = Vec::new();
        let mut sides = Vec::new();
        for entry in &block.ast.entries {
            let ast::Entry::Block(side_block) = entry else {
                continue;
            };
            let Some(side) = Side::from_charter_name(&side_block.keyword.name) else {
                continue;
            };
            sides.push(SideBlock {
                side,
                body_span: side_block.body_span,
            });
            for entry in &side_block.entries {
                let ast::Entry::Field(setting) = entry else {
                    continue;
                };
                if let Some(category) = Category::from_charter_name(&setting.key.name) {
                    written.push(WrittenSetting {
                        side,
                        category,
                        value_span: setting.value.span,
                    });
                }
            }
        }
        Filter {
            name,
            name_span,
            span: block.ast.span,
            body_span: block.ast.body_span,
            doc: block.doc().map(str::to_string),
            decl,
            file,
            is_stdlib: self.is_stdlib(file),
            extends: block.ast.extends.as_ref().map(|path| Extends {
                text: path.text(),
                span: path.span,
                target: None,
            }),
            base: None,
            settings,
            written,
            sides,
            blocklists: field(block, "blocklists", |phrase| {
                strings(phrase.head.as_ref().map(Typed::items).unwrap_or_default())
            }),
            listed_blocklists,
            listed_safety_providers,
            mode: field(block, "mode", |phrase| {
                let head = phrase.head.as_ref()?;
                let mode = head.as_keyword().and_then(FilterMode::from_charter_name)?;
                Some((mode, head.span()))
            }),
            effective: Effective::default(),
        }
    }

    /// Resolves every filter's `extends`, cuts cycles, and computes what each filter filters.
    pub(super) fn resolve_filters(&mut self) {
        for index in 0..self.model.filters.len() {
            let Some(path) = self.filter_blocks[index].ast.extends.as_ref() else {
                continue;
            };
            if let Some(base) = self.resolve_filter(path) {
                let filter = &mut self.model.filters[index];
                filter.base = Some(base);
                if let Some(extends) = &mut filter.extends {
                    extends.target = Some(base);
                }
            }
        }
        self.break_cycles();
        let mut computed = vec![false; self.model.filters.len()];
        for index in 0..self.model.filters.len() {
            self.compute_effective(index, &mut computed);
        }
    }

    /// Finds `extends` cycles, reports each once, and cuts them so the rest can be checked.
    fn break_cycles(&mut self) {
        // 0: not visited, 1: on the current chain, 2: done.
        let mut state = vec![0u8; self.model.filters.len()];
        for start in 0..self.model.filters.len() {
            let mut chain = Vec::new();
            let mut current = Some(start);
            while let Some(index) = current {
                match state[index] {
                    2 => break,
                    1 => {
                        let position = chain.iter().position(|&i| i == index).unwrap_or(0);
                        let cycle: Vec<usize> = chain[position..].to_vec();
                        self.report_cycle(&cycle);
                        for &member in &cycle {
                            self.model.filters[member].base = None;
                        }
                        break;
                    }
                    _ => {
                        state[index] = 1;
                        chain.push(index);
                        current = self.model.filters[index].base.map(|base| base.0);
                    }
                }
            }
            for index in chain {
                state[index] = 2;
            }
        }
    }

    fn report_cycle(&mut self, cycle: &[usize]) {
        let filters = &self.model.filters;
        let Some(&first) = cycle
            .iter()
            .min_by_key(|&&i| (filters[i].file, filters[i].name_span.start))
        else {
            return;
        };
        // Start the chain at the first filter in source order and follow `extends` around.
        let start = cycle.iter().position(|&i| i == first).unwrap_or(0);
        let names: Vec<&str> = cycle[start..]
            .iter()
            .chain(cycle[..start].iter())
            .map(|&i| filters[i].name.as_str())
            .collect();
        let Some(extends) = filters[first].extends.as_ref() else {
            return;
        };
        let others: Vec<(&str, Span)> = cycle
            .iter()
            .filter(|&&member| member != first)
            .filter_map(|&member| {
                let extends = filters[member].extends.as_ref()?;
                Some((filters[member].name.as_str(), extends.span))
            })
            .collect();
        self.diagnostics
            .push(codes::names::extends_cycle(&names, extends.span, &others));
    }

    fn compute_effective(&mut self, index: usize, computed: &mut [bool]) {
        // Walk up the `extends` chain first and fill it in from its root down: a chain can be
        // thousands of filters long, and recursing once per link would overflow the stack.
        // The length bound stops at a cycle (cut already).
        let mut chain = Vec::new();
        let mut current = Some(index);
        while let Some(at) = current {
            if computed[at] || chain.len() > self.model.filters.len() {
                break;
            }
            chain.push(at);
            current = self.model.filters[at].base.map(|base| base.0);
        }
        for &at in chain.iter().rev() {
            if !computed[at] {
                self.compute_one_effective(at);
                computed[at] = true;
            }
        }
    }

    /// Computes one filter's effective settings from its base's, which are already known.
    fn compute_one_effective(&mut self, index: usize) {
        let filters = &self.model.filters;
        let filter = &filters[index];
        let mut effective = match filter.base {
            Some(base) => filters[base.0].effective.clone(),
            None => Effective::default(),
        };
        for setting in &filter.settings {
            effective.set(
                setting.side,
                setting.category,
                EffectiveSetting {
                    level: setting.level,
                    span: setting.span,
                    filter: FilterId(index),
                },
            );
        }
        for listed in &filter.listed_blocklists {
            for &side in listed.sides {
                if !effective
                    .blocklists
                    .iter()
                    .any(|b| b.name == listed.name && b.side == side)
                {
                    effective.blocklists.push(EffectiveBlocklist {
                        name: listed.name.clone(),
                        side,
                        span: listed.span,
                    });
                }
            }
        }
        for listed in &filter.listed_safety_providers {
            for &side in listed.sides {
                if !effective
                    .safety_providers
                    .iter()
                    .any(|p| p.name == listed.name && p.side == side)
                {
                    effective.safety_providers.push(EffectiveBlocklist {
                        name: listed.name.clone(),
                        side,
                        span: listed.span,
                    });
                }
            }
        }
        if let Some((mode, span)) = crate::model::value_of(&filter.mode) {
            effective.mode = Some(EffectiveMode {
                mode: *mode,
                span: *span,
                filter: FilterId(index),
            });
        }
        self.model.filters[index].effective = effective;
    }

    /// Declares every `blocklist` block, one per name.
    pub(super) fn declare_blocklists(&mut self, typed: &'t [(usize, &'t TypedBlock<'a>)]) {
        for (_, block) in typed {
            if block.schema.kind == BlockKind::Blocklist {
                self.declare_one_blocklist(block);
            }
        }
    }

    fn declare_one_blocklist(&mut self, block: &TypedBlock<'a>) {
        let Some((name, name_span)) = block.label() else {
            return;
        };
        if let Some(&existing) = self.blocklists.get(name) {
            let first = self.model.blocklists[existing].name_span;
            self.diagnostics.push(codes::names::duplicate_in(
                ("blocklist", name, name_span),
                first,
                (false, ""),
                "keep one declaration per blocklist, with all of its terms",
            ));
            return;
        }
        let decl = self.symbols.declare(Declaration {
            kind: SymbolKind::Blocklist,
            name: name.to_string(),
            container: None,
            name_span,
            span: block.ast.span,
            doc: block.doc().map(str::to_string),
            is_stdlib: false,
        });
        let list = |phrase: &crate::typeck::TypedPhrase<'_>| {
            strings(phrase.head.as_ref().map(Typed::items).unwrap_or_default())
        };
        self.model.blocklists.push(Blocklist {
            name: name.to_string(),
            name_span,
            span: block.ast.span,
            doc: block.doc().map(str::to_string),
            decl,
            description: field(block, "description", |phrase| {
                phrase
                    .head
                    .as_ref()
                    .and_then(Typed::as_str)
                    .map(|(text, _)| text.to_string())
            }),
            managed: field(block, "managed", |phrase| {
                phrase
                    .head
                    .as_ref()
                    .and_then(Typed::as_keyword)
                    .and_then(BlocklistManager::from_charter_name)
            }),
            terms: field(block, "terms", list),
            patterns: field(block, "patterns", list),
        });
        self.blocklists
            .insert(name.to_string(), self.model.blocklists.len() - 1);
    }

    /// Every blocklist a project's filter lists must be declared: Charter has to create it, or
    /// know that another team does, before a content filter can use it.
    pub(super) fn resolve_blocklist_references(&mut self) {
        let references: Vec<(String, Span)> = self
            .model
            .filters
            .iter()
            .filter(|filter| !filter.is_stdlib)
            .flat_map(|filter| {
                filter
                    .listed_blocklists
                    .iter()
                    .map(|listed| (listed.name.clone(), listed.span))
            })
            .collect();
        for (name, span) in references {
            if let Some(&index) = self.blocklists.get(&name) {
                self.symbols.refer(span, self.model.blocklists[index].decl);
                continue;
            }
            let names: Vec<&str> = self.blocklists.keys().map(String::as_str).collect();
            let closest = crate::suggest::closest(&name, names.iter().copied());
            let diagnostic = codes::names::undeclared_blocklist(&name, span, closest);
            self.diagnostics.push(diagnostic);
        }
    }
}

/// The strings among typed list elements, with their spans.
fn strings(items: &[Typed<'_>]) -> Vec<(String, Span)> {
    items
        .iter()
        .filter_map(|item| item.as_str().map(|(text, span)| (text.to_string(), span)))
        .collect()
}
