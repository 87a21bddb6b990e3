//! Hover: what a name means (its doc comment and, for catalog entries and filters, the facts
//! that matter when choosing one), what a field or keyword means (from the compiler's
//! schema), and the long explanation of any diagnostic under the cursor.

use charter_compiler::catalog::{Lifecycle, ModelVersion};
use charter_compiler::model::FilterId;
use charter_ir::{Category, Date, Side};
use charter_syntax::ast::{Block, Entry};
use charter_syntax::Span;

use super::index::{fields, Index, Occurrence, SymbolKind};
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
    if let Some(occurrence) = index.occurrence_at(file, offset) {
        let symbol = occurrence.symbol();
        sections.push(describe_symbol(analysis, index, symbol));
        span = Some(match occurrence {
            Occurrence::Reference(_, span) => span,
            Occurrence::Declaration(symbol) => index.symbols[symbol].name_span,
        });
    } else if let Some((schema_span, doc)) = syntax::schema_doc_at(analysis, file, offset) {
        sections.push(doc);
        span = Some(schema_span);
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

/// The source text of a field's value in a block (`medium`, `"Sweden Central"`).
pub fn field_text<'t>(text: &'t str, block: &Block, key: &str) -> Option<&'t str> {
    fields(&block.entries)
        .find(|field| field.key.name == key)
        .and_then(|field| text.get(field.value.span.range()))
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
                .map(|m| index.symbols[m].name.as_str())
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
    let Some(block) = declared.block else {
        return out;
    };
    let details = match declared.kind {
        SymbolKind::Model => model_details(analysis, &declared.name),
        SymbolKind::ModelVersion => {
            let model = declared
                .container
                .map(|m| index.symbols[m].name.as_str())
                .unwrap_or_default();
            version_details(analysis, model, &declared.name)
        }
        SymbolKind::Filter => filter_details(analysis, index, symbol),
        SymbolKind::Region => region_details(analysis, &declared.name),
        SymbolKind::Blocklist => listed_fields(text, block, &["managed", "terms", "patterns"]),
        SymbolKind::Policy => listed_fields(
            text,
            block,
            &[
                "display_name",
                "scope",
                "effect",
                "filters",
                "regions",
                "max_capacity",
            ],
        ),
        SymbolKind::Workload => listed_fields(
            text,
            block,
            &[
                "governed_by",
                "environment",
                "resource_group",
                "data_zone",
                "budget",
            ],
        ),
        SymbolKind::Endpoint => {
            let mut lines = Vec::new();
            for entry in &block.entries {
                if let Entry::Clause(clause) = entry {
                    if clause.keyword.name == "model" {
                        if let Some(phrase) = text.get(clause.phrase.span.range()) {
                            lines.push(format!("- model: `{phrase}`"));
                        }
                    }
                }
            }
            let rest = listed_fields(text, block, &["deployment", "filter", "regions", "serves"]);
            if !rest.is_empty() {
                lines.push(rest);
            }
            lines.join("\n")
        }
        SymbolKind::App => listed_fields(text, block, &["environment", "filter"]),
    };
    if !details.is_empty() {
        out.push_str(&format!("\n\n{details}"));
    }
    out
}

fn listed_fields(text: &str, block: &Block, keys: &[&str]) -> String {
    keys.iter()
        .filter_map(|key| field_text(text, block, key).map(|value| format!("- {key}: `{value}`")))
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
    out
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
    if let Some(block) = declared.block {
        let text = analysis.text(declared.file);
        let extra = listed_fields(text, block, &["blocklists", "mode"]);
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
}
