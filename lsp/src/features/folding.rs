//! Folding ranges: blocks, lists and comment runs that span several lines.

use charter_syntax::ast::{Block, Entry, Item, SourceFile, Trivia, Value};
use charter_syntax::Span;

/// What a fold is, so editors can fold comments separately.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FoldKind {
    Region,
    Comment,
}

/// The foldable spans of a document (the caller drops those on a single line).
pub fn folds(tree: &SourceFile) -> Vec<(Span, FoldKind)> {
    let mut out = Vec::new();
    for item in &tree.items {
        if let Item::Block(block) = item {
            block_folds(block, &mut out);
        }
    }
    out
}

fn trivia_folds(trivia: &Trivia, out: &mut Vec<(Span, FoldKind)>) {
    if let Some(doc) = &trivia.doc {
        out.push((doc.span, FoldKind::Comment));
    }
    for comment in &trivia.leading {
        out.push((comment.span, FoldKind::Comment));
    }
}

fn block_folds(block: &Block, out: &mut Vec<(Span, FoldKind)>) {
    trivia_folds(&block.trivia, out);
    out.push((block.body_span, FoldKind::Region));
    for entry in &block.entries {
        match entry {
            Entry::Block(child) => block_folds(child, out),
            Entry::Field(field) => {
                trivia_folds(&field.trivia, out);
                value_folds(&field.value.values, out);
            }
            Entry::Clause(clause) => {
                trivia_folds(&clause.trivia, out);
                value_folds(&clause.phrase.values, out);
            }
            Entry::Error(_) => {}
        }
    }
}

fn value_folds(values: &[Value], out: &mut Vec<(Span, FoldKind)>) {
    for value in values {
        if let Value::List(list) = value {
            out.push((list.span, FoldKind::Region));
        }
    }
}
