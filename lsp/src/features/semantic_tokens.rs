//! Semantic tokens: colours that depend on meaning, which a TextMate grammar cannot know
//! (a declared name versus a keyword value, a reference into the stdlib, a retired version).

use charter_syntax::ast::{Block, Comment, Entry, Item, Phrase, SourceFile, Trivia, Value};
use charter_syntax::Span;
use lsp_types::{SemanticTokenModifier, SemanticTokenType};

use super::index::Index;

/// The token types, in legend order (a token's type is an index into this list).
pub const LEGEND_TYPES: &[SemanticTokenType] = &[
    SemanticTokenType::KEYWORD,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::ENUM_MEMBER,
    SemanticTokenType::STRING,
    SemanticTokenType::NUMBER,
    SemanticTokenType::COMMENT,
    SemanticTokenType::FUNCTION,
    SemanticTokenType::TYPE,
];

/// The token modifiers, in legend order (bit `i` is modifier `i`).
pub const LEGEND_MODIFIERS: &[SemanticTokenModifier] = &[
    SemanticTokenModifier::DECLARATION,
    SemanticTokenModifier::DOCUMENTATION,
    SemanticTokenModifier::DEFAULT_LIBRARY,
];

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Keyword = 0,
    Property = 1,
    EnumMember = 2,
    String = 3,
    Number = 4,
    Comment = 5,
    Function = 6,
    /// A declared name or a reference to one.
    Name = 7,
}

/// Modifier bits.
pub const DECLARATION: u32 = 1;
pub const DOCUMENTATION: u32 = 2;
pub const DEFAULT_LIBRARY: u32 = 4;

/// One token: a span (possibly over several lines, which the protocol splits), its kind and
/// modifier bits.
#[derive(Clone, Copy, Debug)]
pub struct Token {
    pub span: Span,
    pub kind: TokenKind,
    pub modifiers: u32,
}

/// The tokens of document `file`, sorted by position and not overlapping.
pub fn tokens(
    tree: &SourceFile,
    index: &Index<'_>,
    file: usize,
    is_stdlib: impl Fn(usize) -> bool,
) -> Vec<Token> {
    let mut out = Vec::new();
    for item in &tree.items {
        if let Item::Block(block) = item {
            block_tokens(block, &mut out);
        }
    }
    comments(&tree.dangling_comments, &mut out);
    // Names: declarations and references found by the index override the plain colouring.
    let mut names: Vec<Token> = Vec::new();
    for symbol in index
        .symbols
        .iter()
        .filter(|s| s.file == file && s.kind.is_identifier())
    {
        names.push(Token {
            span: symbol.name_span,
            kind: TokenKind::Name,
            modifiers: DECLARATION,
        });
    }
    for reference in index.references.iter().filter(|r| r.file == file) {
        let target = &index.symbols[reference.target];
        if target.kind.is_identifier() {
            let modifiers = if is_stdlib(target.file) {
                DEFAULT_LIBRARY
            } else {
                0
            };
            names.push(Token {
                span: reference.span,
                kind: TokenKind::Name,
                modifiers,
            });
        }
    }
    // Names do not overlap one another, so sorted by start, the only name that can overlap a
    // token is the last one starting before the token ends.
    names.sort_by_key(|name| name.span.start);
    out.retain(|token| {
        let before_end = names.partition_point(|name| name.span.start < token.span.end);
        before_end == 0 || !overlaps(names[before_end - 1].span, token.span)
    });
    out.extend(names);
    out.sort_by_key(|token| (token.span.start, token.span.end));
    out.dedup_by(|later, earlier| overlaps(later.span, earlier.span));
    out
}

fn overlaps(a: Span, b: Span) -> bool {
    a.start < b.end && b.start < a.end
}

fn push(out: &mut Vec<Token>, span: Span, kind: TokenKind, modifiers: u32) {
    if !span.is_empty() {
        out.push(Token {
            span,
            kind,
            modifiers,
        });
    }
}

fn comments(comments: &[Comment], out: &mut Vec<Token>) {
    for comment in comments {
        push(out, comment.span, TokenKind::Comment, 0);
    }
}

fn trivia(trivia: &Trivia, out: &mut Vec<Token>) {
    if let Some(doc) = &trivia.doc {
        push(out, doc.span, TokenKind::Comment, DOCUMENTATION);
    }
    comments(&trivia.leading, out);
    if let Some(comment) = &trivia.trailing {
        push(out, comment.span, TokenKind::Comment, 0);
    }
}

fn block_tokens(block: &Block, out: &mut Vec<Token>) {
    trivia(&block.trivia, out);
    push(out, block.keyword.span, TokenKind::Keyword, 0);
    if let Some(charter_syntax::ast::Label::Str(string)) = &block.label {
        push(out, string.span, TokenKind::String, DECLARATION);
    }
    for entry in &block.entries {
        match entry {
            Entry::Field(field) => {
                trivia(&field.trivia, out);
                push(out, field.key.span, TokenKind::Property, 0);
                phrase_tokens(&field.value, out);
            }
            Entry::Clause(clause) => {
                trivia(&clause.trivia, out);
                push(out, clause.keyword.span, TokenKind::Keyword, 0);
                phrase_tokens(&clause.phrase, out);
            }
            Entry::Block(child) => block_tokens(child, out),
            Entry::Error(_) => {}
        }
    }
    comments(&block.dangling_comments, out);
}

fn phrase_tokens(phrase: &Phrase, out: &mut Vec<Token>) {
    for value in &phrase.values {
        value_tokens(value, out);
    }
}

fn value_tokens(value: &Value, out: &mut Vec<Token>) {
    match value {
        Value::Str(string) => push(out, string.span, TokenKind::String, 0),
        Value::Number(number) => push(out, number.span, TokenKind::Number, 0),
        Value::Date(date) => push(out, date.span, TokenKind::Number, 0),
        // Keywords and modifier words; references are recoloured from the index.
        Value::Path(path) => push(out, path.span, TokenKind::EnumMember, 0),
        Value::Call(call) => {
            push(out, call.callee.span, TokenKind::Function, 0);
            for arg in &call.args {
                value_tokens(arg, out);
            }
        }
        Value::List(list) => {
            for item in &list.items {
                trivia(&item.trivia, out);
                value_tokens(&item.value, out);
            }
            comments(&list.dangling_comments, out);
        }
        Value::Error(_) => {}
    }
}
