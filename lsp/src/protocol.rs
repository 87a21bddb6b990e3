//! Converts requests' LSP params into domain questions (a document and a byte offset), asks
//! the feature modules, and converts their domain answers back into LSP types.

use std::collections::HashMap;

use lsp_types as lsp;

use crate::convert;
use crate::features::completion::{self, CandidateKind};
use crate::features::folding::{self, FoldKind};
use crate::features::formatting::{self, Formatted};
use crate::features::index::{Index, SymbolKind};
use crate::features::outline::{self, OutlineItem, OutlineKind};
use crate::features::{code_actions, hover, inlay_hints, navigation, rename, semantic_tokens};
use crate::workspace::{key_of_uri, Analysis};

/// The document a request is about, when it is part of the analysis.
fn document(analysis: &Analysis, uri: &lsp::Uri) -> Option<usize> {
    analysis.index_of_key(&key_of_uri(uri))
}

/// The document and byte offset of a position.
fn locate(
    analysis: &Analysis,
    position: &lsp::TextDocumentPositionParams,
) -> Option<(usize, usize)> {
    let index = document(analysis, &position.text_document.uri)?;
    Some((index, convert::offset(analysis, index, position.position)))
}

fn symbol_kind(kind: SymbolKind) -> lsp::SymbolKind {
    match kind {
        SymbolKind::Filter => lsp::SymbolKind::STRUCT,
        SymbolKind::Policy => lsp::SymbolKind::MODULE,
        SymbolKind::Workload => lsp::SymbolKind::NAMESPACE,
        SymbolKind::Endpoint => lsp::SymbolKind::OBJECT,
        SymbolKind::App => lsp::SymbolKind::CLASS,
        SymbolKind::Model => lsp::SymbolKind::CLASS,
        SymbolKind::ModelVersion => lsp::SymbolKind::ENUM_MEMBER,
        SymbolKind::Region => lsp::SymbolKind::CONSTANT,
        SymbolKind::Blocklist => lsp::SymbolKind::ARRAY,
        SymbolKind::BusinessUnit => lsp::SymbolKind::PACKAGE,
    }
}

/// `textDocument/formatting`: the formatter `charter fmt` uses; nothing when the document
/// does not parse (its diagnostics say why), an error when the formatter refuses.
pub fn formatting(
    analysis: &Analysis,
    params: lsp::DocumentFormattingParams,
) -> Result<Option<Vec<lsp::TextEdit>>, String> {
    let Some(index) = document(analysis, &params.text_document.uri) else {
        return Ok(None);
    };
    let id = analysis.compilation.documents[index].id;
    match formatting::format(id, analysis.text(index))? {
        Formatted::Unchanged => Ok(Some(Vec::new())),
        Formatted::NotParsed => Ok(None),
        Formatted::Changed(replacement) => {
            let range = lsp::Range::new(
                convert::position(analysis, index, replacement.start),
                convert::position(analysis, index, replacement.end),
            );
            Ok(Some(vec![lsp::TextEdit::new(range, replacement.new_text)]))
        }
    }
}

/// `textDocument/documentSymbol`: the outline.
pub fn document_symbols(
    analysis: &Analysis,
    params: lsp::DocumentSymbolParams,
) -> Option<lsp::DocumentSymbolResponse> {
    let index = document(analysis, &params.text_document.uri)?;
    let tree = analysis.compilation.trees.get(index)?;
    #[allow(deprecated, reason = "`DocumentSymbol::deprecated` must still be set")]
    fn convert_item(analysis: &Analysis, index: usize, item: OutlineItem) -> lsp::DocumentSymbol {
        lsp::DocumentSymbol {
            name: item.name,
            detail: item.detail,
            kind: match item.kind {
                OutlineKind::Symbol(kind) => symbol_kind(kind),
                OutlineKind::Section => lsp::SymbolKind::FIELD,
            },
            tags: None,
            deprecated: None,
            range: convert::range_in(analysis, index, item.span),
            selection_range: convert::range_in(analysis, index, item.selection),
            children: Some(
                item.children
                    .into_iter()
                    .map(|c| convert_item(analysis, index, c))
                    .collect(),
            ),
        }
    }
    let items = outline::outline(tree)
        .into_iter()
        .map(|item| convert_item(analysis, index, item))
        .collect();
    Some(lsp::DocumentSymbolResponse::Nested(items))
}

/// `workspace/symbol`.
pub fn workspace_symbols(
    analysis: &Analysis,
    params: lsp::WorkspaceSymbolParams,
) -> Option<lsp::WorkspaceSymbolResponse> {
    let names = Index::build(analysis);
    let matches =
        outline::workspace_symbols(&names, &params.query, |file| analysis.files[file].is_stdlib);
    #[allow(
        deprecated,
        reason = "`SymbolInformation::deprecated` must still be set"
    )]
    let symbols = matches
        .into_iter()
        .map(|m| lsp::SymbolInformation {
            name: m.name,
            kind: symbol_kind(m.kind),
            tags: None,
            deprecated: None,
            location: lsp::Location::new(
                analysis.files[m.file].uri.clone(),
                convert::range_in(analysis, m.file, m.span),
            ),
            container_name: m.container,
        })
        .collect();
    Some(lsp::WorkspaceSymbolResponse::Flat(symbols))
}

/// `textDocument/hover`.
pub fn hover(analysis: &Analysis, params: lsp::HoverParams) -> Option<lsp::Hover> {
    let (file, offset) = locate(analysis, &params.text_document_position_params)?;
    let names = Index::build(analysis);
    let info = hover::hover(analysis, &names, file, offset)?;
    let (_, range) = convert::range(analysis, info.span)?;
    Some(lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: info.markdown,
        }),
        range: Some(range),
    })
}

/// `textDocument/definition`: the declaration of the name under the cursor, in the project or
/// in the stdlib (served as read-only files).
pub fn definition(
    analysis: &Analysis,
    params: lsp::GotoDefinitionParams,
) -> Option<lsp::GotoDefinitionResponse> {
    let (file, offset) = locate(analysis, &params.text_document_position_params)?;
    let span = navigation::definition(analysis, file, offset)?;
    let location = convert::location(analysis, span)?;
    Some(lsp::GotoDefinitionResponse::Scalar(location))
}

/// `textDocument/references`.
pub fn references(analysis: &Analysis, params: lsp::ReferenceParams) -> Option<Vec<lsp::Location>> {
    let (file, offset) = locate(analysis, &params.text_document_position)?;
    let spans = navigation::references(analysis, file, offset, params.context.include_declaration)?;
    Some(
        spans
            .into_iter()
            .filter_map(|span| convert::location(analysis, span))
            .collect(),
    )
}

/// `textDocument/prepareRename`.
pub fn prepare_rename(
    analysis: &Analysis,
    params: lsp::TextDocumentPositionParams,
) -> Option<lsp::PrepareRenameResponse> {
    let (file, offset) = locate(analysis, &params)?;
    let span = rename::prepare_rename(analysis, file, offset)?;
    let (_, range) = convert::range(analysis, span)?;
    Some(lsp::PrepareRenameResponse::Range(range))
}

/// `textDocument/rename`: the declaration and every reference, in every project file.
#[expect(
    clippy::mutable_key_type,
    reason = "lsp-types keys `WorkspaceEdit::changes` by `Uri`, whose hash reads only its text"
)]
pub fn rename(
    analysis: &Analysis,
    params: lsp::RenameParams,
) -> Result<Option<lsp::WorkspaceEdit>, String> {
    let Some((file, offset)) = locate(analysis, &params.text_document_position) else {
        return Ok(None);
    };
    let Some((new_name, spans)) = rename::rename(analysis, file, offset, &params.new_name)? else {
        return Ok(None);
    };
    let mut changes: HashMap<lsp::Uri, Vec<lsp::TextEdit>> = HashMap::new();
    for span in spans {
        if let Some((index, range)) = convert::range(analysis, span) {
            changes
                .entry(analysis.files[index].uri.clone())
                .or_default()
                .push(lsp::TextEdit::new(range, new_name.clone()));
        }
    }
    Ok(Some(lsp::WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    }))
}

/// `textDocument/completion`.
pub fn completion(
    analysis: &Analysis,
    params: lsp::CompletionParams,
) -> Option<lsp::CompletionResponse> {
    let (file, offset) = locate(analysis, &params.text_document_position)?;
    let names = Index::build(analysis);
    let answer = completion::complete(analysis, &names, file, offset)?;
    let range = convert::range_in(analysis, file, answer.replace);
    let items = answer
        .items
        .into_iter()
        .enumerate()
        .map(|(rank, candidate)| lsp::CompletionItem {
            label: candidate.label.clone(),
            kind: Some(match candidate.kind {
                CandidateKind::Field => lsp::CompletionItemKind::FIELD,
                CandidateKind::Block => lsp::CompletionItemKind::MODULE,
                CandidateKind::Keyword => lsp::CompletionItemKind::ENUM_MEMBER,
                CandidateKind::Model => lsp::CompletionItemKind::CLASS,
                CandidateKind::Version => lsp::CompletionItemKind::VALUE,
                CandidateKind::Region => lsp::CompletionItemKind::CONSTANT,
                CandidateKind::Name(kind) => match kind {
                    SymbolKind::Filter => lsp::CompletionItemKind::STRUCT,
                    SymbolKind::Policy => lsp::CompletionItemKind::MODULE,
                    _ => lsp::CompletionItemKind::REFERENCE,
                },
            }),
            detail: candidate.detail,
            documentation: candidate.doc.map(|doc| {
                lsp::Documentation::MarkupContent(lsp::MarkupContent {
                    kind: lsp::MarkupKind::Markdown,
                    value: doc,
                })
            }),
            // Keep the order the feature chose (most relevant first).
            sort_text: Some(format!("{rank:05}")),
            filter_text: Some(candidate.label),
            text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit::new(
                range,
                candidate.insert,
            ))),
            ..Default::default()
        })
        .collect();
    Some(lsp::CompletionResponse::List(lsp::CompletionList {
        is_incomplete: false,
        items,
    }))
}

/// `textDocument/codeAction`: the compiler's fixes for the diagnostics in the range.
#[expect(
    clippy::mutable_key_type,
    reason = "lsp-types keys `WorkspaceEdit::changes` by `Uri`, whose hash reads only its text"
)]
pub fn code_actions(
    analysis: &Analysis,
    params: lsp::CodeActionParams,
) -> Option<lsp::CodeActionResponse> {
    let file = document(analysis, &params.text_document.uri)?;
    let start = convert::offset(analysis, file, params.range.start);
    let end = convert::offset(analysis, file, params.range.end);
    let actions = code_actions::fixes_in(analysis, file, start, end)
        .into_iter()
        .filter_map(|(diagnostic, fix)| {
            let mut changes: HashMap<lsp::Uri, Vec<lsp::TextEdit>> = HashMap::new();
            for edit in &fix.edits {
                let (index, range) = convert::range(analysis, edit.span)?;
                changes
                    .entry(analysis.files[index].uri.clone())
                    .or_default()
                    .push(lsp::TextEdit::new(range, edit.new_text.clone()));
            }
            Some(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: fix.title.clone(),
                kind: Some(lsp::CodeActionKind::QUICKFIX),
                diagnostics: convert::diagnostic(analysis, diagnostic, None).map(|d| vec![d]),
                edit: Some(lsp::WorkspaceEdit {
                    changes: Some(changes),
                    ..Default::default()
                }),
                is_preferred: Some(true),
                ..Default::default()
            }))
        })
        .collect();
    Some(actions)
}

/// `textDocument/semanticTokens/full`.
pub fn semantic_tokens(
    analysis: &Analysis,
    params: lsp::SemanticTokensParams,
) -> Option<lsp::SemanticTokensResult> {
    let file = document(analysis, &params.text_document.uri)?;
    let tree = analysis.compilation.trees.get(file)?;
    let names = Index::build(analysis);
    let tokens = semantic_tokens::tokens(tree, &names, file, |f| analysis.files[f].is_stdlib);
    let text = analysis.text(file);
    let mut data = Vec::with_capacity(tokens.len());
    let (mut previous_line, mut previous_start) = (0u32, 0u32);
    for token in tokens {
        // LSP tokens may not span lines: split multi-line comments at line ends.
        let mut start = token.span.start as usize;
        let end = (token.span.end as usize).min(text.len());
        while start < end {
            let line_end = text[start..end].find('\n').map_or(end, |i| start + i);
            if line_end > start {
                let position = convert::position(analysis, file, start);
                let length = text
                    .get(start..line_end)
                    .map_or(0, |s| s.encode_utf16().count()) as u32;
                let delta_line = position.line - previous_line;
                let delta_start = if delta_line == 0 {
                    position.character - previous_start
                } else {
                    position.character
                };
                data.push(lsp::SemanticToken {
                    delta_line,
                    delta_start,
                    length,
                    token_type: token.kind as u32,
                    token_modifiers_bitset: token.modifiers,
                });
                previous_line = position.line;
                previous_start = position.character;
            }
            start = line_end + 1;
        }
    }
    Some(lsp::SemanticTokensResult::Tokens(lsp::SemanticTokens {
        result_id: None,
        data,
    }))
}

/// `textDocument/inlayHint`.
pub fn inlay_hints(
    analysis: &Analysis,
    params: lsp::InlayHintParams,
) -> Option<Vec<lsp::InlayHint>> {
    let file = document(analysis, &params.text_document.uri)?;
    let start = convert::offset(analysis, file, params.range.start);
    let end = convert::offset(analysis, file, params.range.end);
    let names = Index::build(analysis);
    let hints = inlay_hints::inlay_hints(analysis, &names, file, start, end)
        .into_iter()
        .map(|hint| lsp::InlayHint {
            position: convert::position(analysis, file, hint.offset),
            label: lsp::InlayHintLabel::String(hint.label),
            kind: None,
            text_edits: None,
            tooltip: hint.tooltip.map(lsp::InlayHintTooltip::String),
            padding_left: Some(false),
            padding_right: Some(true),
            data: None,
        })
        .collect();
    Some(hints)
}

/// `textDocument/documentHighlight`: every occurrence, in this document, of the name under
/// the cursor (the declaration as a write, uses as reads).
pub fn document_highlights(
    analysis: &Analysis,
    params: lsp::DocumentHighlightParams,
) -> Option<Vec<lsp::DocumentHighlight>> {
    let (file, offset) = locate(analysis, &params.text_document_position_params)?;
    let names = Index::build(analysis);
    let symbol = names.occurrence_at(file, offset)?.symbol();
    let mut highlights = Vec::new();
    let declared = &names.symbols[symbol];
    if declared.file == file {
        highlights.push(lsp::DocumentHighlight {
            range: convert::range_in(analysis, file, declared.name_span),
            kind: Some(lsp::DocumentHighlightKind::WRITE),
        });
    }
    highlights.extend(
        names
            .references_to(symbol)
            .filter(|r| r.file == file)
            .map(|r| lsp::DocumentHighlight {
                range: convert::range_in(analysis, file, r.span),
                kind: Some(lsp::DocumentHighlightKind::READ),
            }),
    );
    Some(highlights)
}

/// `textDocument/foldingRange`: blocks, lists and comments over several lines.
pub fn folding_ranges(
    analysis: &Analysis,
    params: lsp::FoldingRangeParams,
) -> Option<Vec<lsp::FoldingRange>> {
    let file = document(analysis, &params.text_document.uri)?;
    let tree = analysis.compilation.trees.get(file)?;
    let ranges = folding::folds(tree)
        .into_iter()
        .filter_map(|(span, kind)| {
            let range = convert::range_in(analysis, file, span);
            (range.end.line > range.start.line).then(|| lsp::FoldingRange {
                start_line: range.start.line,
                start_character: None,
                // Keep the closing brace or bracket visible.
                end_line: if kind == FoldKind::Region {
                    range.end.line - 1
                } else {
                    range.end.line
                },
                end_character: None,
                kind: Some(match kind {
                    FoldKind::Region => lsp::FoldingRangeKind::Region,
                    FoldKind::Comment => lsp::FoldingRangeKind::Comment,
                }),
                collapsed_text: None,
            })
        })
        .collect();
    Some(ranges)
}
