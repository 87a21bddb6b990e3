//! Inlay hints: what a filter inherits through `extends` (so the effective setting is visible
//! where it is not written) and when a referenced model version retires, read from the
//! resolved model.

use charter_ir::Side;

use super::hover::{effective_filter, version_summary};
use charter_compiler::model::FilterId;

use super::index::{Index, SymbolKind};
use crate::workspace::Analysis;

/// One hint: text shown at a byte offset of a document.
#[derive(Clone, Debug)]
pub struct Hint {
    pub offset: usize,
    pub label: String,
    pub tooltip: Option<String>,
}

/// The hints of document `file` between `start` and `end`.
pub fn inlay_hints(
    analysis: &Analysis,
    index: &Index<'_>,
    file: usize,
    start: usize,
    end: usize,
) -> Vec<Hint> {
    let mut hints = Vec::new();
    let document = analysis.compilation.documents[file].id;
    for (id, filter) in analysis.compilation.model.filters.iter().enumerate() {
        if filter.file != document || filter.extends.is_none() {
            continue;
        }
        if (filter.span.end as usize) < start || (filter.span.start as usize) > end {
            continue;
        }
        let settings = effective_filter(analysis, FilterId(id));
        for side in Side::ALL {
            let inherited: Vec<String> = settings
                .iter()
                .filter(|s| s.side == side && s.from != filter.name)
                .map(|s| format!("{}: {}", s.category.charter_name(), s.value))
                .collect();
            if inherited.is_empty() {
                continue;
            }
            let parents: Vec<&str> = {
                let mut names: Vec<&str> = settings
                    .iter()
                    .filter(|s| s.side == side && s.from != filter.name)
                    .map(|s| s.from.as_str())
                    .collect();
                names.dedup();
                names
            };
            let (offset, label) = match filter.sides.iter().find(|block| block.side == side) {
                Some(side_block) => (
                    side_block.body_span.start as usize + 1,
                    format!(" inherits {}", inherited.join(", ")),
                ),
                None => (
                    filter.body_span.start as usize + 1,
                    format!(" {} inherits {}", side.charter_name(), inherited.join(", ")),
                ),
            };
            hints.push(Hint {
                offset,
                label,
                tooltip: Some(format!("inherited from `{}`", parents.join("`, `"))),
            });
        }
    }
    for reference in index.references.iter().filter(|r| r.file == file) {
        let offset = reference.span.end as usize;
        if offset < start || offset > end {
            continue;
        }
        let target = &index.symbols[reference.target];
        if target.kind != SymbolKind::ModelVersion {
            continue;
        }
        let Some(model) = target.container.map(|m| index.symbols[m].name) else {
            continue;
        };
        let Some(version) = analysis
            .compilation
            .catalog
            .model(model)
            .and_then(|m| m.version(target.name))
        else {
            continue;
        };
        let label = if version.is_retired(analysis.today) {
            match version.retirement {
                Some(date) => format!("retired {date}"),
                None => "retired".to_string(),
            }
        } else if let Some(date) = version.retirement {
            format!("retires {date}")
        } else if let Some(date) = version.retirement_not_before {
            format!("retires ≥ {date}")
        } else {
            continue;
        };
        hints.push(Hint {
            offset,
            label: format!(" {label}"),
            tooltip: Some(version_summary(version, analysis.today)),
        });
    }
    hints.sort_by_key(|hint| hint.offset);
    hints
}
