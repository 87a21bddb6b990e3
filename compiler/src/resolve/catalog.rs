//! The catalog: `model`, `region` and `fine_tuned` blocks become catalog entries, and every
//! model, version and region name written elsewhere is resolved against them.

use charter_ir::DeploymentType;
use charter_syntax::{ast, Span};

use super::Resolver;
use crate::catalog::{
    self, Availability, FineTunedEntry, Lifecycle, ModelKind, ModelVersion, RegionAccess,
    RegionDataZone, Successor, FINE_TUNED_VERSION,
};
use crate::codes;
use crate::model::{FineTuned, Named};
use crate::schema::BlockKind;
use crate::symbols::{Declaration, SymbolKind};
use crate::typeck::{Typed, TypedBlock};

impl<'t, 'a> Resolver<'t, 'a> {
    /// Adds every `model` and `region` block to the catalog and declares their names.
    pub(super) fn build_catalog(
        &mut self,
        typed: &[(usize, &TypedBlock<'a>)],
        stdlib_catalog: Option<&super::StdlibCatalog>,
    ) {
        // The stdlib's entries go in first, whatever the file order: a project that declares a
        // name the catalog already has is then the duplicate, so the error points at the
        // project's file and the catalog keeps Azure's entry.
        let is_stdlib = |index: usize| self.documents.get(index).is_some_and(|d| d.is_stdlib);
        type Entry<'e, 'a> = &'e (usize, &'e TypedBlock<'a>);
        let (stdlib, project): (Vec<Entry<'_, 'a>>, Vec<Entry<'_, 'a>>) =
            typed.iter().partition(|(index, _)| is_stdlib(*index));
        match stdlib_catalog {
            // Prepared once per process from the same blocks: a copy shares its entries.
            Some(prepared) => {
                self.catalog = prepared.catalog.clone();
                self.diagnostics
                    .extend(prepared.diagnostics.iter().cloned());
            }
            None => {
                for &(_, block) in stdlib {
                    self.add_stdlib_entry(block);
                }
            }
        }
        // Then a catalog pulled from Azure, then local extensions (see `catalog_layers`).
        let pulled_date = |index: usize| {
            self.documents
                .get(index)
                .and_then(|d| crate::catalog_layers::pulled_date(&d.text))
        };
        let (pulled, project): (Vec<Entry<'_, 'a>>, Vec<Entry<'_, 'a>>) = project
            .into_iter()
            .partition(|(index, _)| pulled_date(*index).is_some());
        self.catalog.dated =
            crate::catalog_layers::dated(pulled.iter().filter_map(|(i, _)| pulled_date(*i)));
        for &(index, block) in pulled.iter().copied().chain(project) {
            let layered = block.label().and_then(|(name, _)| self.catalog.model(name));
            match block.schema.kind {
                BlockKind::Model if pulled_date(index).is_some() => {
                    crate::catalog_layers::replace_with_pulled(&mut self.catalog, block, version_of)
                }
                BlockKind::Model if layered.is_some_and(|m| m.is_stdlib) => {
                    crate::catalog_layers::extend(
                        &mut self.catalog,
                        block,
                        version_of,
                        &mut self.diagnostics,
                    )
                }
                BlockKind::Model => self.add_model(block, false),
                BlockKind::Region => self.add_region(block, false),
                _ => {}
            }
        }
        let mut models = Vec::new();
        for model in self.catalog.models() {
            let versions: Vec<(String, Span, Span, Option<String>)> = model
                .versions
                .iter()
                .map(|v| (v.version.clone(), v.name_span, v.span, v.doc.clone()))
                .collect();
            models.push((
                model.name.clone(),
                model.name_span,
                model.span,
                model.doc.clone(),
                model.is_stdlib,
                versions,
            ));
        }
        for (name, name_span, span, doc, is_stdlib, versions) in models {
            let id = self.symbols.declare(Declaration {
                kind: SymbolKind::Model,
                name: name.clone(),
                container: None,
                name_span,
                span,
                doc,
                is_stdlib,
            });
            self.model_decls.insert(name.clone(), id);
            for (version, version_name_span, version_span, version_doc) in versions {
                let id = self.symbols.declare(Declaration {
                    kind: SymbolKind::ModelVersion,
                    name: version.clone(),
                    container: Some(name.clone()),
                    name_span: version_name_span,
                    span: version_span,
                    doc: version_doc,
                    is_stdlib,
                });
                self.version_decls
                    .insert((name.clone(), version.to_lowercase()), id);
            }
        }
        let mut regions = Vec::new();
        for region in self.catalog.regions() {
            regions.push((
                region.name.clone(),
                region.name_span,
                region.span,
                region.doc.clone(),
                region.is_stdlib,
            ));
        }
        for (name, name_span, span, doc, is_stdlib) in regions {
            let id = self.symbols.declare(Declaration {
                kind: SymbolKind::Region,
                name: name.clone(),
                container: None,
                name_span,
                span,
                doc,
                is_stdlib,
            });
            self.region_decls.insert(name, id);
        }
    }

    /// Adds a stdlib `model` or `region` block to the catalog.
    pub(super) fn add_stdlib_entry(&mut self, block: &TypedBlock<'_>) {
        match block.schema.kind {
            BlockKind::Model => self.add_model(block, true),
            BlockKind::Region => self.add_region(block, true),
            _ => {}
        }
    }

    /// Adds a `model` block; a duplicate name is reported and the first declaration kept.
    fn add_model(&mut self, block: &TypedBlock<'_>, is_stdlib: bool) {
        let Some((name, name_span)) = block.label() else {
            return;
        };
        if let Some(existing) = self.catalog.model(name) {
            // A project's model of a catalog name extends the entry (`catalog_layers`), so the
            // duplicate is always two declarations of the same layer.
            let diagnostic = codes::names::duplicate_in_catalog(
                "model",
                name,
                name_span,
                existing.name_span,
                existing.is_stdlib,
            );
            self.diagnostics.push(diagnostic);
            return;
        }
        let text = |field: &str| {
            block
                .head(field)
                .and_then(|v| v.as_str())
                .map(|(s, _)| s.to_string())
        };
        let versions = block.blocks("version").filter_map(version_of).collect();
        self.catalog.insert_model(catalog::Model {
            name: name.to_string(),
            format: text("format"),
            publisher: text("publisher"),
            kind: block
                .head("kind")
                .and_then(Typed::as_keyword)
                .and_then(ModelKind::from_charter_name)
                .map(|kind| kind.charter_name().to_string()),
            versions,
            doc: block.doc().map(str::to_string),
            name_span,
            span: block.ast.span,
            is_stdlib,
            fine_tuned_from: None,
        });
    }

    /// Adds a `region` block; a duplicate name is reported and the first declaration kept.
    fn add_region(&mut self, block: &TypedBlock<'_>, is_stdlib: bool) {
        let Some((name, name_span)) = block.label() else {
            return;
        };
        if let Some(existing) = self.catalog.region(name) {
            let diagnostic = if existing.is_stdlib && !is_stdlib {
                // Regions are Azure's: there is no other name to give one, only the entry to use.
                codes::names::already_in_stdlib("region", name, name_span, existing.name_span)
                    .with_help(
                        "remove this declaration and use the catalog's entry; \
                     a project declares only regions the catalog lacks",
                    )
            } else {
                codes::names::duplicate_in_catalog(
                    "region",
                    name,
                    name_span,
                    existing.name_span,
                    existing.is_stdlib,
                )
            };
            self.diagnostics.push(diagnostic);
            return;
        }
        let text = |field: &str| {
            block
                .head(field)
                .and_then(|v| v.as_str())
                .map(|(s, _)| s.to_string())
        };
        self.catalog.insert_region(catalog::Region {
            name: name.to_string(),
            display_name: text("display_name"),
            geography: text("geography"),
            location: text("location"),
            paired: text("paired"),
            data_zone: block
                .head("data_zone")
                .and_then(Typed::as_keyword)
                .and_then(RegionDataZone::from_charter_name),
            availability_zones: matches!(
                block.head("availability_zones"),
                Some(Typed::Bool { value: true, .. })
            ),
            restricted: block
                .head("access")
                .and_then(Typed::as_keyword)
                .and_then(RegionAccess::from_charter_name)
                == Some(RegionAccess::Restricted),
            doc: block.doc().map(str::to_string),
            name_span,
            span: block.ast.span,
            is_stdlib,
        });
    }

    /// Resolves every `fine_tuned` block's base and regions, and adds each to the catalog
    /// (after the stdlib's and the project's `model` blocks, which its base must be among).
    pub(super) fn declare_fine_tuned(&mut self, typed: &'t [(usize, &'t TypedBlock<'a>)]) {
        for (_, block) in typed {
            if block.schema.kind == BlockKind::FineTuned {
                self.declare_one_fine_tuned(block);
            }
        }
    }

    fn declare_one_fine_tuned(&mut self, block: &TypedBlock<'a>) {
        let Some((name, name_span)) = block.label() else {
            return;
        };
        if let Some(existing) = self.catalog.model(name) {
            let first = (!existing.is_stdlib).then_some(existing.name_span);
            self.diagnostics
                .push(codes::names::duplicate_fine_tuned(name, name_span, first));
            return;
        }
        let base = block.field("base");
        let base_model = base
            .and_then(|(_, phrase)| phrase.head.as_ref())
            .and_then(Typed::as_str);
        let base_version = base
            .and_then(|(_, phrase)| phrase.modifier_arg("version"))
            .and_then(Typed::as_str);
        let mut model = FineTuned {
            name: name.to_string(),
            name_span,
            span: block.ast.span,
            doc: block.doc().map(str::to_string),
            base: None,
            base_version: None,
            base_entry: None,
            trained_in: block
                .head("trained_in")
                .and_then(Typed::as_str)
                .map(|(account, span)| (account.to_string(), span)),
            copies_in: block.head("copies_in").map(|list| {
                list.items()
                    .iter()
                    .filter_map(Typed::as_str)
                    .filter(|&(region, span)| self.resolve_region(region, span))
                    .map(|(region, span)| (region.to_string(), span))
                    .collect()
            }),
            in_catalog: false,
        };
        let mut base_entry = None;
        if let Some((base_name, base_span)) = base_model {
            let known = self.resolve_model(base_name, base_span);
            model.base = Some(named(base_name, base_span, known));
            if let (true, Some((version, version_span))) = (known, base_version) {
                let known_version = self.resolve_version(base_name, version, version_span);
                model.base_version = Some(named(version, version_span, known_version));
                if known_version {
                    base_entry = self.catalog.model(base_name).and_then(|entry| {
                        entry
                            .version(version)
                            .map(|found| (entry.clone(), found.clone()))
                    });
                }
            } else if let Some((version, version_span)) = base_version {
                model.base_version = Some(named(version, version_span, false));
            }
        }
        model.base_entry = base_entry
            .as_ref()
            .map(|(entry, version)| (entry.name.clone(), version.version.clone()));
        let declared_availability = block.clauses("available").next().is_some().then(|| {
            for (_, phrase) in block.clauses("available") {
                if let Some(list) = phrase.positional(0) {
                    for item in list.items() {
                        if let Some((region, span)) = item.as_str() {
                            self.resolve_region(region, span);
                        }
                    }
                }
            }
            Availability {
                regions: availability_of(block),
                complete: availability_complete(block),
            }
        });
        let Some((base_model_entry, base_version_entry)) = base_entry else {
            self.model.fine_tuned.push(model);
            return;
        };
        let entry = FineTunedEntry {
            name: name.to_string(),
            name_span,
            span: block.ast.span,
            doc: model.doc.clone(),
            availability: declared_availability,
        };
        if !self
            .catalog
            .add_fine_tuned(entry, &base_model_entry, &base_version_entry)
        {
            self.model.fine_tuned.push(model);
            return;
        }
        model.in_catalog = true;
        let model_decl = self.symbols.declare(Declaration {
            kind: SymbolKind::Model,
            name: name.to_string(),
            container: None,
            name_span,
            span: block.ast.span,
            doc: model.doc.clone(),
            is_stdlib: false,
        });
        self.model_decls.insert(name.to_string(), model_decl);
        let version_decl = self.symbols.declare(Declaration {
            kind: SymbolKind::ModelVersion,
            name: FINE_TUNED_VERSION.to_string(),
            container: Some(name.to_string()),
            name_span,
            span: block.ast.span,
            doc: None,
            is_stdlib: false,
        });
        self.version_decls.insert(
            (name.to_string(), FINE_TUNED_VERSION.to_string()),
            version_decl,
        );
        self.model.fine_tuned.push(model);
    }

    /// The catalog entries a project declares name other entries: their successors and the
    /// regions they are available in. (The stdlib's are generated from the reference data and
    /// trusted.)
    pub(super) fn resolve_catalog_entries(&mut self, typed: &'t [(usize, &'t TypedBlock<'a>)]) {
        for (index, block) in typed {
            if self.documents.get(*index).is_some_and(|d| d.is_stdlib)
                || block.schema.kind != BlockKind::Model
            {
                continue;
            }
            for version in block.blocks("version") {
                if let Some((_, phrase)) = version.field("successor") {
                    if let Some((model, span)) = phrase.head.as_ref().and_then(|v| v.as_str()) {
                        if self.resolve_model(model, span) {
                            if let Some((v, v_span)) =
                                phrase.modifier_arg("version").and_then(|v| v.as_str())
                            {
                                self.resolve_version(model, v, v_span);
                            }
                        }
                    }
                }
                for (_, phrase) in version.clauses("available") {
                    if let Some(list) = phrase.positional(0) {
                        for item in list.items() {
                            if let Some((region, span)) = item.as_str() {
                                self.resolve_region(region, span);
                            }
                        }
                    }
                }
            }
        }
    }

    /// Resolves a model name against the catalog, recording the reference; false when unknown
    /// (reported).
    pub(super) fn resolve_model(&mut self, model: &str, span: Span) -> bool {
        if let Some(&decl) = self.model_decls.get(model) {
            self.symbols.refer(span, decl);
            return true;
        }
        let diagnostic = codes::catalog::unknown_model(model, span, self.catalog.model_names());
        self.diagnostics.push(diagnostic);
        false
    }

    /// Resolves a version of a known model, recording the reference; false when unknown
    /// (reported).
    pub(super) fn resolve_version(&mut self, model: &str, version: &str, span: Span) -> bool {
        let Some(entry) = self.catalog.model(model) else {
            return false;
        };
        if let Some(found) = entry.version(version) {
            if let Some(&decl) = self
                .version_decls
                .get(&(model.to_string(), found.version.to_lowercase()))
            {
                self.symbols.refer(span, decl);
            }
            return true;
        }
        let versions: Vec<&str> = entry.versions.iter().map(|v| v.version.as_str()).collect();
        let diagnostic = codes::catalog::unknown_version((version, span), model, &versions);
        self.diagnostics.push(diagnostic);
        false
    }

    /// Resolves a region name against the catalog, recording the reference; false when
    /// unknown (reported).
    pub(super) fn resolve_region(&mut self, region: &str, span: Span) -> bool {
        if let Some(&decl) = self.region_decls.get(region) {
            self.symbols.refer(span, decl);
            return true;
        }
        let diagnostic = codes::catalog::unknown_region(region, span, self.catalog.region_names());
        self.diagnostics.push(diagnostic);
        false
    }
}

/// A catalog name as written.
pub(super) fn named(name: &str, span: Span, known: bool) -> Named {
    Named {
        name: name.to_string(),
        span,
        known,
    }
}

fn version_of(block: &TypedBlock<'_>) -> Option<ModelVersion> {
    let (version, name_span) = block.label()?;
    let date = |field: &str| block.head(field).and_then(|v| v.as_date());
    let successor = block.field("successor").and_then(|(_, phrase)| {
        let (model, _) = phrase.head.as_ref()?.as_str()?;
        Some(Successor {
            model: model.to_string(),
            version: phrase
                .modifier_arg("version")
                .and_then(|v| v.as_str())
                .map(|(v, _)| v.to_string()),
        })
    });
    Some(ModelVersion {
        version: version.to_string(),
        lifecycle: block
            .head("lifecycle")
            .and_then(Typed::as_keyword)
            .and_then(Lifecycle::from_charter_name)
            .unwrap_or(Lifecycle::Ga),
        deprecation: date("deprecation"),
        retirement: date("retirement"),
        retirement_not_before: date("retirement_not_before"),
        successor,
        availability: availability_of(block),
        availability_complete: availability_complete(block),
        doc: block.doc().map(str::to_string),
        name_span,
        span: block.ast.span,
    })
}

/// The `available TYPE ["region", ...]` clauses of a block, in order.
fn availability_of(block: &TypedBlock<'_>) -> Vec<(DeploymentType, Vec<String>)> {
    block
        .clauses("available")
        .filter_map(|(_, phrase)| {
            let kind = DeploymentType::from_charter_name(phrase.head.as_ref()?.as_keyword()?)?;
            let items = phrase.positional(0)?.items();
            // Sized for every item at once (a filtered iterator would grow it item by item).
            let mut regions = Vec::with_capacity(items.len());
            regions.extend(
                items
                    .iter()
                    .filter_map(|item| item.as_str().map(|(s, _)| s.to_string())),
            );
            Some((kind, regions))
        })
        .collect()
}

/// Whether every `available` clause of a block checked: a known deployment type and a list
/// whose every region is a string. A clause lost to a syntax error or written in the wrong
/// shape counts as invalid too.
fn availability_complete(block: &TypedBlock<'_>) -> bool {
    let written = block
        .ast
        .entries
        .iter()
        .filter(|entry| match entry {
            ast::Entry::Field(field) => field.key.name == "available",
            ast::Entry::Clause(clause) => clause.keyword.name == "available",
            ast::Entry::Block(nested) => nested.keyword.name == "available",
            ast::Entry::Error(_) => true,
        })
        .count();
    let mut valid = 0;
    for (clause, phrase) in block.clauses("available") {
        let kind_valid = phrase
            .head
            .as_ref()
            .and_then(Typed::as_keyword)
            .and_then(DeploymentType::from_charter_name)
            .is_some();
        let written_regions = match clause.phrase.values.get(1) {
            Some(ast::Value::List(list)) => Some(list.items.len()),
            _ => None,
        };
        let regions_valid = phrase
            .positional(0)
            .is_some_and(|list| Some(list.items().len()) == written_regions);
        if kind_valid && regions_valid {
            valid += 1;
        }
    }
    valid == written
}
