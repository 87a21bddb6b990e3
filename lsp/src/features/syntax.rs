//! Where a cursor is in the syntax tree: the blocks around it and the entry under it, and
//! what the compiler's schema says about them.

use charter_compiler::schema::{self, BlockSchema, EntryShape, Occurs, ValueKind};
use charter_syntax::ast::{Block, Entry, Item, SourceFile, Value};
use charter_syntax::Span;

use crate::workspace::Analysis;

/// The blocks whose braces enclose an offset, outermost first.
pub fn enclosing_blocks(tree: &SourceFile, offset: usize) -> Vec<&Block> {
    let mut chain = Vec::new();
    let mut entries: Option<&[Entry]> = None;
    for item in &tree.items {
        if let Item::Block(block) = item {
            if inside_braces(block, offset) {
                chain.push(block);
                entries = Some(&block.entries);
                break;
            }
        }
    }
    while let Some(current) = entries.take() {
        for entry in current {
            if let Entry::Block(block) = entry {
                if inside_braces(block, offset) {
                    chain.push(block);
                    entries = Some(&block.entries);
                    break;
                }
            }
        }
    }
    chain
}

/// Whether `offset` is after a block's `{` and not after its `}`.
fn inside_braces(block: &Block, offset: usize) -> bool {
    let body = block.body_span;
    let start = body.start as usize;
    let end = body.end as usize;
    // A block whose closing brace is missing ends where the parser gave up; its body span then
    // does not end with `}`, and the cursor at that end is still inside.
    start < offset && (offset < end || (offset == end && body.is_empty()))
}

/// The entry of a block body that contains `offset`.
pub fn entry_at(entries: &[Entry], offset: usize) -> Option<&Entry> {
    entries.iter().find(|entry| entry.span().contains(offset))
}

/// The schemas of a chain of enclosing blocks (`None` where a block is not in the schema).
pub fn block_schemas(chain: &[&Block]) -> Vec<Option<&'static BlockSchema>> {
    let mut out: Vec<Option<&'static BlockSchema>> = Vec::with_capacity(chain.len());
    for (depth, block) in chain.iter().enumerate() {
        let schema = if depth == 0 {
            schema::top_level_block(&block.keyword.name)
        } else {
            out[depth - 1].and_then(|parent| nested_schema(parent, &block.keyword.name))
        };
        out.push(schema);
    }
    out
}

fn nested_schema(parent: &'static BlockSchema, keyword: &str) -> Option<&'static BlockSchema> {
    parent.entry(keyword).and_then(|entry| match entry.shape {
        EntryShape::Block(kind) => Some(schema::block(kind)),
        _ => None,
    })
}

/// The schema documentation of the field, clause, block keyword or keyword value at
/// `offset`, with the span it applies to.
pub fn schema_doc_at(analysis: &Analysis, file: usize, offset: usize) -> Option<(Span, String)> {
    let tree = analysis.compilation.trees.get(file)?;
    // The blocks around the offset, including one whose keyword the offset is on.
    let mut chain = enclosing_blocks(tree, offset);
    let schemas = block_schemas(&chain);
    let parent_schema = schemas.last().copied().flatten();
    let entries: &[Entry] = match chain.last() {
        Some(block) => &block.entries,
        None => {
            let block = tree.items.iter().find_map(|item| match item {
                Item::Block(block) if block.keyword.span.contains(offset) => Some(block),
                _ => None,
            })?;
            let block_schema = schema::top_level_block(&block.keyword.name)?;
            return Some((
                block.keyword.span,
                format!("**{}**\n\n{}", block_schema.keyword, block_schema.doc),
            ));
        }
    };
    let entry = entry_at(entries, offset)?;
    let parent_schema = parent_schema?;
    let (key, phrase_values) = match entry {
        Entry::Field(field) => (&field.key, Some(&field.value.values)),
        Entry::Clause(clause) => (&clause.keyword, Some(&clause.phrase.values)),
        Entry::Block(block) => {
            chain.push(block);
            (&block.keyword, None)
        }
        Entry::Error(_) => return None,
    };
    let entry_schema = parent_schema.entry(&key.name)?;
    if key.span.contains(offset) {
        let occurs = match entry_schema.occurs {
            Occurs::Required => " (required)",
            Occurs::RequiredUnlessExtends => " (required unless the filter `extends` another)",
            Occurs::Optional => " (optional)",
            Occurs::Repeatable => " (repeatable)",
        };
        let shape = match &entry_schema.shape {
            EntryShape::Field(phrase) => format!("\n\nvalue: {}", phrase.head.describe()),
            EntryShape::Clause(phrase) => format!("\n\nphrase: {}", phrase.head.describe()),
            EntryShape::Block(_) => String::new(),
        };
        return Some((
            key.span,
            format!(
                "**{}**{occurs}\n\n{}{shape}",
                entry_schema.describe(),
                entry_schema.doc
            ),
        ));
    }
    let phrase = entry_schema.phrase()?;
    let values = phrase_values?;
    let word = values.iter().find_map(|value| match value {
        Value::Path(path) if path.span.contains(offset) => path.as_ident(),
        Value::List(list) => list.items.iter().find_map(|item| match &item.value {
            Value::Path(path) if path.span.contains(offset) => path.as_ident(),
            _ => None,
        }),
        _ => None,
    })?;
    if let Some(modifier) = phrase.modifier(&word.name) {
        return Some((
            word.span,
            format!("**{}**\n\n{}", modifier.word, modifier.doc),
        ));
    }
    let mut kinds: Vec<&'static ValueKind> = vec![&phrase.head];
    kinds.extend(phrase.positional.iter().map(|slot| &slot.kind));
    kinds.extend(
        phrase
            .modifiers
            .iter()
            .flat_map(|m| m.args.iter().map(|slot| &slot.kind)),
    );
    kinds.into_iter().find_map(|kind| {
        schema::keywords_of(kind)
            .iter()
            .find(|keyword| keyword.word == word.name)
            .map(|keyword| {
                (
                    word.span,
                    format!("**{}**\n\n{}", keyword.word, keyword.doc),
                )
            })
    })
}
