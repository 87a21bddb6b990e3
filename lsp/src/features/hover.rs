//! Hover: what a name means (its doc comment and, for catalog entries and filters, the facts
//! that matter when choosing one), what a field or keyword means (from the compiler's
//! schema), and the long explanation of any diagnostic under the cursor.

use charter_compiler::catalog::{Lifecycle, ModelVersion};
use charter_compiler::model::{Field, FilterId};
use charter_ir::{Category, Date, Side};
use charter_syntax::Span;

use super::index::{Index, Occurrence, SymbolKind};
use super::syntax;
use crate::workspace::Analysis;

/// A hover answer: markdown about the range it applies to.
#[derive(Clone, Debug)]
pub struct HoverInfo {
    pub span: Span,
    pub markdown: String,
}

/// What to show when hovering at `offset` of document `file`.
pub fn hover(
    analysis: &Analysis,
    index: &Index<'_>,
    file: usize,
    offset: usize,
) -> Option<HoverInfo> {
    let mut sections = Vec::new();
    let mut span = None;
    // An exemption of one resource (`resource(...)`, `endpoint(...)`): where it resolves,
    // and its full id, before what a name inside it means.
    if let Some((resource_span, markdown)) = analysis.compilation.model.exempt_resource_markdown(
        analysis.compilation.documents[file].id,
        offset,
        &analysis.project().naming,
    ) {
        sections.push(markdown);
        span = Some(resource_span);
    }
    if let Some(occurrence) = index.occurrence_at(file, offset) {
        let symbol = occurrence.symbol();
        sections.push(describe_symbol(analysis, index, symbol));
        span = Some(match occurrence {
            Occurrence::Reference(_, span) => span,
            Occurrence::Declaration(symbol) => index.symbols[symbol].name_span,
        });
    } else if sections.is_empty() {
        if let Some((place_span, markdown)) = analysis
            .compilation
            .model
            .hierarchy_markdown(analysis.compilation.documents[file].id, offset)
        {
            // A management group or subscription of the hierarchy: its place.
            sections.push(markdown);
            span = Some(place_span);
        } else if let Some((schema_span, doc)) = syntax::schema_doc_at(analysis, file, offset) {
            sections.push(doc);
            span = Some(schema_span);
        }
    }
    for diagnostic in diagnostics_at(analysis, file, offset) {
        if let Some(info) = charter_compiler::codes::lookup(diagnostic.code) {
            sections.push(format!(
                "**{}** {}\n\n{}",
                info.code, info.title, info.explanation
            ));
            span.get_or_insert(diagnostic.primary.span);
        }
    }
    if sections.is_empty() {
        return None;
    }
    Some(HoverInfo {
        span: span?,
        markdown: sections.join("\n\n---\n\n"),
    })
}

fn diagnostics_at(
    analysis: &Analysis,
    file: usize,
    offset: usize,
) -> impl Iterator<Item = &charter_syntax::Diagnostic> {
    let id = analysis.compilation.documents[file].id;
    let mut seen = Vec::new();
    analysis
        .compilation
        .diagnostics
        .iter()
        .filter(move |d| d.primary.span.file == id && d.primary.span.contains(offset))
        .filter(move |d| {
            // One explanation per code, however many diagnostics share it.
            if seen.contains(&d.code) {
                false
            } else {
                seen.push(d.code);
                true
            }
        })
}

fn describe_symbol(analysis: &Analysis, index: &Index<'_>, symbol: usize) -> String {
    let declared = &index.symbols[symbol];
    let text = analysis.text(declared.file);
    let mut out = String::new();
    let header = match (
        declared.kind,
        declared.block.and_then(|b| b.extends.as_ref()),
    ) {
        (SymbolKind::Model | SymbolKind::Region, _) => {
            format!("{} \"{}\"", declared.kind.keyword(), declared.name)
        }
        (SymbolKind::ModelVersion, _) => {
            let model = declared
                .container
                .map(|m| index.symbols[m].name)
                .unwrap_or_default();
            format!("model \"{model}\" version \"{}\"", declared.name)
        }
        (_, Some(parent)) => format!(
            "{} {} extends {}",
            declared.kind.keyword(),
            declared.name,
            parent.text()
        ),
        (_, None) => format!("{} {}", declared.kind.keyword(), declared.name),
    };
    out.push_str(&format!("```charter\n{header}\n```"));
    if let Some(container) = declared
        .container
        .filter(|_| declared.kind != SymbolKind::ModelVersion)
    {
        let parent = &index.symbols[container];
        out.push_str(&format!(
            "\n\nin {} `{}`",
            parent.kind.keyword(),
            parent.name
        ));
    }
    if let Some(doc) = declared.doc {
        out.push_str(&format!("\n\n{doc}"));
    }
    if declared.block.is_none() {
        return out;
    }
    let model = &analysis.compilation.model;
    let at = |span: Span| span.same_place(&declared.name_span);
    let workloads = || model.workloads.iter();
    let details = match declared.kind {
        SymbolKind::Model => model_details(analysis, declared.name),
        SymbolKind::ModelVersion => {
            let model = declared
                .container
                .map(|m| index.symbols[m].name)
                .unwrap_or_default();
            version_details(analysis, model, declared.name)
        }
        SymbolKind::Filter => filter_details(analysis, index, symbol),
        SymbolKind::Region => region_details(analysis, declared.name),
        SymbolKind::Blocklist => model
            .blocklists
            .iter()
            .find(|blocklist| at(blocklist.name_span))
            .map(|blocklist| {
                listed_fields(
                    text,
                    &[
                        written(&blocklist.managed),
                        written(&blocklist.terms),
                        written(&blocklist.patterns),
                    ],
                )
            })
            .unwrap_or_default(),
        SymbolKind::Policy => model
            .policies
            .iter()
            .find(|policy| at(policy.name_span))
            .map(|policy| {
                listed_fields(
                    text,
                    &[
                        written(&policy.display_name),
                        written(&policy.scope),
                        written(&policy.effect),
                        written(&policy.minimum),
                        written(&policy.regions),
                        written(&policy.max_capacity),
                    ],
                )
            })
            .unwrap_or_default(),
        SymbolKind::Workload => workloads()
            .find(|workload| at(workload.name_span))
            .map(|workload| {
                let fields = listed_fields(
                    text,
                    &[
                        written(&workload.governed_by),
                        written(&workload.environment),
                        written(&workload.resource_group),
                        written(&workload.data_zone),
                        written(&workload.budget),
                    ],
                );
                // Where the hierarchy places it and every policy that applies there.
                match model.placement_markdown(workload) {
                    Some(placement) => format!("{fields}\n\n{placement}"),
                    None => fields,
                }
            })
            .unwrap_or_default(),
        SymbolKind::Endpoint => workloads()
            .flat_map(|workload| &workload.endpoints)
            .find(|endpoint| at(endpoint.name_span))
            .map(|endpoint| {
                listed_fields(
                    text,
                    &[
                        written(&endpoint.model),
                        written(&endpoint.deployment),
                        written(&endpoint.filter),
                        written(&endpoint.regions),
                        written(&endpoint.serves),
                    ],
                )
            })
            .unwrap_or_default(),
        SymbolKind::App => workloads()
            .flat_map(|workload| &workload.apps)
            .find(|app| at(app.name_span))
            .and_then(|app| app.block.as_ref())
            .map(|block| {
                listed_fields(text, &[written(&block.environment), written(&block.filter)])
            })
            .unwrap_or_default(),
        SymbolKind::BusinessUnit => model
            .business_units
            .iter()
            .enumerate()
            .find(|(_, unit)| at(unit.name_span))
            .map(|(index, unit)| {
                let fields = listed_fields(
                    text,
                    &[written(&unit.resource_group), written(&unit.subscription)],
                );
                let projects: Vec<String> = workloads()
                    .filter(|w| {
                        w.business_unit
                            .as_ref()
                            .and_then(|field| field.value)
                            .is_some_and(|unit| unit.target == index)
                    })
                    .map(|w| format!("`{}`", w.name))
                    .collect();
                if projects.is_empty() {
                    fields
                } else {
                    format!("{fields}\n\nprojects: {}", projects.join(", "))
                }
            })
            .unwrap_or_default(),
    };
    if !details.is_empty() {
        out.push_str(&format!("\n\n{details}"));
    }
    out
}

/// A field of the resolved model as the hover lists it: its key, and where its value is
/// written (valid or not).
fn written<T>(field: &Option<Field<T>>) -> Option<(&'static str, Span)> {
    field.as_ref().map(|field| (field.key, field.phrase_span))
}

/// One line per field given, its value as written: ``- effect: `deny` ``.
fn listed_fields(text: &str, fields: &[Option<(&'static str, Span)>]) -> String {
    fields
        .iter()
        .flatten()
        .filter_map(|(key, span)| {
            text.get(span.range())
                .map(|value| format!("- {key}: `{value}`"))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn model_details(analysis: &Analysis, name: &str) -> String {
    let Some(model) = analysis.compilation.catalog.model(name) else {
        return String::new();
    };
    let mut lines = Vec::new();
    if let Some(kind) = &model.kind {
        lines.push(format!("- kind: `{kind}`"));
    }
    if let Some(publisher) = &model.publisher {
        lines.push(format!("- publisher: {publisher}"));
    }
    if let Some(format) = &model.format {
        lines.push(format!("- format: `{format}`"));
    }
    let mut out = lines.join("\n");
    if !model.versions.is_empty() {
        out.push_str("\n\n| version | status |\n| --- | --- |");
        for version in &model.versions {
            out.push_str(&format!(
                "\n| `{}` | {} |",
                version.version,
                version_summary(version, analysis.today)
            ));
        }
    }
    out.push_str(&catalog_date_line(analysis));
    out
}

/// `_embedded catalog as of 2026-11-22_`: the date the catalog's facts are from.
fn catalog_date_line(analysis: &Analysis) -> String {
    analysis
        .compilation
        .catalog
        .dated()
        .map(|dated| format!("\n\n_{}_", dated.describe()))
        .unwrap_or_default()
}

fn version_details(analysis: &Analysis, model: &str, version: &str) -> String {
    let Some(found) = analysis
        .compilation
        .catalog
        .model(model)
        .and_then(|m| m.version(version))
    else {
        return String::new();
    };
    let mut out = version_summary(found, analysis.today);
    if let Some(doc) = &found.doc {
        out.push_str(&format!("\n\n{doc}"));
    }
    for (deployment, regions) in &found.availability {
        out.push_str(&format!(
            "\n- available `{}` in {}",
            deployment.charter_name(),
            regions.len()
        ));
        out.push_str(if regions.len() == 1 {
            " region"
        } else {
            " regions"
        });
    }
    out.push_str(&catalog_date_line(analysis));
    out
}

/// `ga, retires 2027-04-14 (in 143 days), successor `gpt-5.1``.
pub fn version_summary(version: &ModelVersion, today: Date) -> String {
    let mut parts = Vec::new();
    match (version.lifecycle, version.deprecation) {
        (Lifecycle::Deprecated, Some(date)) => parts.push(format!("deprecated since {date}")),
        // The catalog's lifecycle stage is the current word; a deprecation date beside a
        // stage that is not `deprecated` comes from an older source (stdlib/README.md).
        (lifecycle, Some(date)) => parts.push(format!(
            "{} (an earlier source gave deprecation {date})",
            lifecycle.keyword()
        )),
        (lifecycle, None) => parts.push(lifecycle.keyword().to_string()),
    }
    if version.is_retired(today) && version.lifecycle != Lifecycle::Retired {
        parts.push("past its retirement date".to_string());
    }
    if let Some(retirement) = version.retirement {
        parts.push(format!(
            "retires {retirement}{}",
            relative_to(retirement, today)
        ));
    } else if let Some(not_before) = version.retirement_not_before {
        parts.push(format!(
            "retires no earlier than {not_before}{}",
            relative_to(not_before, today)
        ));
    }
    if let Some(successor) = &version.successor {
        parts.push(format!("successor {successor}"));
    }
    parts.join(", ")
}

/// ` (in 12 days)` or ` (retired 3 days ago)`, from today's date.
pub fn relative_to(date: Date, today: Date) -> String {
    let days = day_number(date) - day_number(today);
    match days {
        0 => " (today)".to_string(),
        1 => " (tomorrow)".to_string(),
        d if d > 0 => format!(" (in {d} days)"),
        -1 => " (yesterday)".to_string(),
        d => format!(" ({} days ago)", -d),
    }
}

/// Days since 1970-01-01, by Howard Hinnant's `days_from_civil`.
pub fn day_number(date: Date) -> i64 {
    let month = i64::from(date.month);
    let year = i64::from(date.year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + i64::from(date.day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn region_details(analysis: &Analysis, name: &str) -> String {
    let Some(region) = analysis.compilation.catalog.region(name) else {
        return String::new();
    };
    let mut lines = Vec::new();
    if let Some(display_name) = &region.display_name {
        lines.push(format!("- display name: {display_name}"));
    }
    if let Some(geography) = &region.geography {
        lines.push(format!("- geography: {geography}"));
    }
    if let Some(paired) = &region.paired {
        lines.push(format!("- paired with: `{paired}`"));
    }
    if let Some(zone) = region.data_zone {
        lines.push(format!("- data zone: `{}`", zone.keyword()));
    }
    lines.push(format!(
        "- availability zones: {}",
        if region.availability_zones {
            "yes"
        } else {
            "no"
        }
    ));
    if region.restricted {
        lines.push("- access: restricted (needs an access request)".to_string());
    }
    lines.join("\n")
}

/// One category setting of a filter, after inheritance.
#[derive(Clone, Debug)]
pub struct EffectiveSetting {
    pub side: Side,
    pub category: Category,
    /// The value as written (`medium`).
    pub value: String,
    /// The filter that sets it (the filter itself or an ancestor).
    pub from: String,
}

/// The model's filter a declared filter symbol is.
pub fn filter_of_symbol(analysis: &Analysis, index: &Index<'_>, symbol: usize) -> Option<FilterId> {
    let declared = &index.symbols[symbol];
    analysis
        .compilation
        .model
        .filters
        .iter()
        .position(|filter| filter.name_span.same_place(&declared.name_span))
        .map(FilterId)
}

/// Every category setting of a filter after `extends`, nearest filter first; categories no
/// filter in the chain sets are absent (the compiler reports them). Read from the resolved
/// model: each filter's settings as written (valid or not), following `extends` to the filter
/// it names and stopping where a cycle closes.
pub fn effective_filter(analysis: &Analysis, filter: FilterId) -> Vec<EffectiveSetting> {
    let model = &analysis.compilation.model;
    let mut current = Some(filter);
    let mut settings: Vec<EffectiveSetting> = Vec::new();
    let mut visited = Vec::new();
    while let Some(id) = current {
        if visited.contains(&id) {
            break; // A cycle in `extends`; the compiler reports it.
        }
        visited.push(id);
        let filter = model.filter(id);
        let Some(text) = analysis
            .index_of_id(filter.file)
            .map(|file| analysis.text(file))
        else {
            break;
        };
        for written in &filter.written {
            if settings
                .iter()
                .any(|s| s.side == written.side && s.category == written.category)
            {
                continue;
            }
            if let Some(value) = text.get(written.value_span.range()) {
                settings.push(EffectiveSetting {
                    side: written.side,
                    category: written.category,
                    value: value.to_string(),
                    from: filter.name.clone(),
                });
            }
        }
        current = filter.extends.as_ref().and_then(|extends| extends.target);
    }
    settings
}

fn filter_details(analysis: &Analysis, index: &Index<'_>, filter: usize) -> String {
    let settings = filter_of_symbol(analysis, index, filter)
        .map(|id| effective_filter(analysis, id))
        .unwrap_or_default();
    let name = &index.symbols[filter].name;
    let mut out = String::from("| category | prompt | completion |\n| --- | --- | --- |");
    for category in Category::ALL {
        let cell = |side: Side| {
            if !category.applies_to(side) {
                return "".to_string();
            }
            match settings
                .iter()
                .find(|s| s.side == side && s.category == category)
            {
                Some(setting) if &setting.from == name => format!("`{}`", setting.value),
                Some(setting) => format!("`{}` (from `{}`)", setting.value, setting.from),
                None => "not set".to_string(),
            }
        };
        out.push_str(&format!(
            "\n| {} | {} | {} |",
            category.charter_name(),
            cell(Side::Prompt),
            cell(Side::Completion)
        ));
    }
    let declared = &index.symbols[filter];
    if let Some(id) = filter_of_symbol(analysis, index, filter) {
        let text = analysis.text(declared.file);
        let filter = analysis.compilation.model.filter(id);
        let extra = listed_fields(text, &[written(&filter.blocklists), written(&filter.mode)]);
        if !extra.is_empty() {
            out.push_str(&format!("\n\n{extra}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_dates_read_naturally() {
        let today = Date {
            year: 2026,
            month: 11,
            day: 22,
        };
        let date = |text: &str| crate::workspace::parse_date(text).unwrap_or(today);
        assert_eq!(relative_to(date("2027-02-20"), today), " (in 90 days)");
        assert_eq!(relative_to(date("2026-11-21"), today), " (yesterday)");
        assert_eq!(relative_to(date("2026-11-12"), today), " (10 days ago)");
        assert_eq!(
            day_number(Date {
                year: 1970,
                month: 1,
                day: 1
            }),
            0
        );
    }

    /// Hover on an exemption of one resource says where it resolves through the hierarchy:
    /// its subscription (name and id), its resource group and its full id; for an endpoint,
    /// the account of each region.
    #[test]
    fn hover_on_a_resource_exemption_shows_where_it_resolves() {
        use std::str::FromStr;
        let source = r#"management_group "contoso" {
  subscription "shop-prod" {
    id: "1b7e4c2a-9d3f-4e8b-a6c1-5f2d8e0b3a71"
    resource_groups: ["rg-shop", "rg-legacy"]
  }
}

policy guard {
  scope: management_group("contoso")
  exempt resource(resource_group("rg-legacy"), "Microsoft.CognitiveServices/accounts", "legacy-oai") until 2027-06-30 as waiver "Legacy"
  exempt endpoint(shop.chat) until 2027-06-30 as waiver "Keys"
}

workload shop {
  governed_by: guard
  environment: prod
  resource_group: "rg-shop"
  endpoint chat {
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: data_zone_standard capacity 10
    filter: std.filters.default
    regions: ["swedencentral", "germanywestcentral"] redundancy active_active
  }
}
"#;
        let today = Date {
            year: 2026,
            month: 12,
            day: 5,
        };
        let mut workspace = crate::workspace::Workspace::new(Vec::new(), Some(today));
        let uri =
            lsp_types::Uri::from_str("file:///tmp/charter-hover-exempt/main.charter").expect("uri");
        workspace.open(uri, source.to_string(), 1);
        let analysis = workspace.analyze();
        let index = Index::build(&analysis);
        let at = |needle: &str| {
            let offset = source.find(needle).expect("in the source");
            hover(&analysis, &index, 0, offset)
                .expect("a hover")
                .markdown
        };
        let resource = at("resource(resource_group(\"rg-legacy\")");
        assert!(
            resource
                .contains("subscription `shop-prod` (id `1b7e4c2a-9d3f-4e8b-a6c1-5f2d8e0b3a71`)"),
            "{resource}"
        );
        assert!(
            resource.contains("resource group `rg-legacy`"),
            "{resource}"
        );
        assert!(
            resource.contains("`/subscriptions/1b7e4c2a-9d3f-4e8b-a6c1-5f2d8e0b3a71/resourceGroups/rg-legacy/providers/Microsoft.CognitiveServices/accounts/legacy-oai`"),
            "{resource}"
        );
        // On the endpoint's name: the accounts, and what the endpoint is.
        let endpoint = at("chat) until");
        assert!(
            endpoint.contains("/resourceGroups/rg-shop/providers/Microsoft.CognitiveServices/accounts/shop-chat-swedencentral`"),
            "{endpoint}"
        );
        assert!(
            endpoint.contains("accounts/shop-chat-germanywestcentral`"),
            "{endpoint}"
        );
    }

    /// The fields a hover lists, read from the resolved model, each value as written (an
    /// invalid one too: `effect: audits`).
    #[test]
    fn hover_lists_each_declarations_fields_as_written() {
        use std::str::FromStr;
        let source = r#"blocklist "banned" {
  terms: ["Nightjar"]
}

filter careful extends std.filters.default {
  blocklists: ["banned"]
  mode: asynchronous_filter
}

policy guard {
  display_name: "Guard"
  scope: subscription("prod")
  effect: audits
  filters: at_least careful
}

workload support {
  governed_by: guard
  environment: prod
  resource_group: "rg-support"

  app bot {
    environment: prod
    filter: careful
  }

  endpoint chat {
    model "gpt-4.1" version "2025-04-14"
    deployment: global_standard capacity 10
    filter: careful
    regions: ["swedencentral"]
  }
}
"#;
        let today = Date {
            year: 2026,
            month: 11,
            day: 22,
        };
        let mut workspace = crate::workspace::Workspace::new(Vec::new(), Some(today));
        let uri =
            lsp_types::Uri::from_str("file:///tmp/charter-hover/main.charter").expect("valid uri");
        workspace.open(uri, source.to_string(), 1);
        let analysis = workspace.analyze();
        let index = Index::build(&analysis);
        let hover = |kind: SymbolKind, name: &str| {
            let symbol = index
                .symbols
                .iter()
                .position(|symbol| symbol.kind == kind && symbol.name == name)
                .expect("the symbol is declared");
            describe_symbol(&analysis, &index, symbol)
        };
        let listed = |markdown: String| -> Vec<String> {
            markdown
                .lines()
                .filter(|line| line.starts_with("- "))
                .map(str::to_string)
                .collect()
        };
        assert_eq!(
            listed(hover(SymbolKind::Blocklist, "banned")),
            ["- terms: `[\"Nightjar\"]`"]
        );
        assert_eq!(
            listed(hover(SymbolKind::Filter, "careful")),
            [
                "- blocklists: `[\"banned\"]`",
                "- mode: `asynchronous_filter`"
            ]
        );
        assert_eq!(
            listed(hover(SymbolKind::Policy, "guard")),
            [
                "- display_name: `\"Guard\"`",
                "- scope: `subscription(\"prod\")`",
                "- effect: `audits`",
                "- filters: `at_least careful`",
            ]
        );
        assert_eq!(
            listed(hover(SymbolKind::Workload, "support")),
            [
                "- governed_by: `guard`",
                "- environment: `prod`",
                "- resource_group: `\"rg-support\"`",
            ]
        );
        assert_eq!(
            listed(hover(SymbolKind::Endpoint, "chat")),
            [
                "- model: `\"gpt-4.1\" version \"2025-04-14\"`",
                "- deployment: `global_standard capacity 10`",
                "- filter: `careful`",
                "- regions: `[\"swedencentral\"]`",
            ]
        );
        assert_eq!(
            listed(hover(SymbolKind::App, "bot")),
            ["- environment: `prod`", "- filter: `careful`"]
        );
    }
}
