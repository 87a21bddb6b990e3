//! Checks every block, field, clause and phrase against the schema and turns what is valid
//! into typed values. Invalid values are reported here once and left out, so later passes
//! read only well-typed data and never report the same mistake twice.
#![expect(
    clippy::result_large_err,
    reason = "the errors are diagnostics, built once per mistake; boxing them buys nothing"
)]

use charter_ir::{Date, Scope};
use charter_syntax::ast::{self, Value};
use charter_syntax::diagnostic::sanitize;
use charter_syntax::{Diagnostic, Span};

use crate::codes;
use crate::schema::{
    self, BlockSchema, EntrySchema, EntryShape, LabelKind, Occurs, PhraseSchema, Slot, StrRole,
    ValueKind,
};
use crate::suggest;

/// A value that matched its schema kind.
#[derive(Clone, Debug)]
pub(crate) enum Typed<'a> {
    Str {
        value: &'a str,
        span: Span,
    },
    /// `Integer` and `Capacity` values.
    Int {
        value: u32,
        span: Span,
    },
    Percent {
        value: u32,
        span: Span,
    },
    Money {
        amount: &'a str,
        currency: &'a str,
        span: Span,
    },
    Duration {
        days: u32,
        span: Span,
    },
    Date {
        date: Date,
        span: Span,
    },
    Bool {
        value: bool,
        span: Span,
    },
    Keyword {
        word: &'static str,
        span: Span,
    },
    Ref {
        path: &'a ast::Path,
    },
    Scope {
        scope: Scope,
        span: Span,
    },
    List {
        items: Vec<Typed<'a>>,
        span: Span,
    },
}

impl<'a> Typed<'a> {
    pub(crate) fn span(&self) -> Span {
        match self {
            Typed::Str { span, .. }
            | Typed::Int { span, .. }
            | Typed::Percent { span, .. }
            | Typed::Money { span, .. }
            | Typed::Duration { span, .. }
            | Typed::Date { span, .. }
            | Typed::Bool { span, .. }
            | Typed::Keyword { span, .. }
            | Typed::Scope { span, .. }
            | Typed::List { span, .. } => *span,
            Typed::Ref { path } => path.span,
        }
    }

    pub(crate) fn as_str(&self) -> Option<(&'a str, Span)> {
        match self {
            Typed::Str { value, span } => Some((value, *span)),
            _ => None,
        }
    }

    pub(crate) fn as_keyword(&self) -> Option<&'static str> {
        match self {
            Typed::Keyword { word, .. } => Some(word),
            _ => None,
        }
    }

    pub(crate) fn as_int(&self) -> Option<u32> {
        match self {
            Typed::Int { value, .. } => Some(*value),
            _ => None,
        }
    }

    pub(crate) fn as_date(&self) -> Option<Date> {
        match self {
            Typed::Date { date, .. } => Some(*date),
            _ => None,
        }
    }

    pub(crate) fn as_ref(&self) -> Option<&'a ast::Path> {
        match self {
            Typed::Ref { path } => Some(path),
            _ => None,
        }
    }

    /// The elements of a list (a single value counts as a list of one).
    pub(crate) fn items(&self) -> &[Typed<'a>] {
        match self {
            Typed::List { items, .. } => items,
            single => std::slice::from_ref(single),
        }
    }
}

/// A phrase whose values matched the schema; a missing or invalid value is `None`.
#[derive(Clone, Debug)]
pub(crate) struct TypedPhrase<'a> {
    pub head: Option<Typed<'a>>,
    pub positional: Vec<Option<Typed<'a>>>,
    pub modifiers: Vec<TypedModifier<'a>>,
}

impl<'a> TypedPhrase<'a> {
    /// The arguments of modifier `word`, when it was written.
    pub(crate) fn modifier(&self, word: &str) -> Option<&TypedModifier<'a>> {
        self.modifiers.iter().find(|modifier| modifier.word == word)
    }

    /// The first argument of modifier `word`, when it was written and valid.
    pub(crate) fn modifier_arg(&self, word: &str) -> Option<&Typed<'a>> {
        self.modifier(word)
            .and_then(|m| m.args.first())
            .and_then(Option::as_ref)
    }

    pub(crate) fn positional(&self, index: usize) -> Option<&Typed<'a>> {
        self.positional.get(index).and_then(Option::as_ref)
    }
}

#[derive(Clone, Debug)]
pub(crate) struct TypedModifier<'a> {
    pub word: &'static str,
    pub word_span: Span,
    pub args: Vec<Option<Typed<'a>>>,
}

/// A block whose entries were checked against its schema.
#[derive(Clone, Debug)]
pub(crate) struct TypedBlock<'a> {
    pub schema: &'static BlockSchema,
    pub ast: &'a ast::Block,
    pub entries: Vec<TypedEntry<'a>>,
}

#[derive(Clone, Debug)]
pub(crate) struct TypedEntry<'a> {
    pub schema: &'static EntrySchema,
    pub kind: TypedEntryKind<'a>,
}

#[derive(Clone, Debug)]
pub(crate) enum TypedEntryKind<'a> {
    Field(&'a ast::Field, TypedPhrase<'a>),
    Clause(&'a ast::Clause, TypedPhrase<'a>),
    Block(TypedBlock<'a>),
}

impl<'a> TypedBlock<'a> {
    /// A misspelt name in the resolver would read nothing, silently: the tests catch it here.
    fn expect_entry(&self, name: &str) {
        debug_assert!(
            self.schema.entry(name).is_some(),
            "`{}` blocks have no entry `{name}`",
            self.schema.keyword
        );
    }

    /// The label's text and span, when the block has the right kind of label.
    pub(crate) fn label(&self) -> Option<(&'a str, Span)> {
        let label = self.ast.label.as_ref()?;
        Some((label.text(), label.span()))
    }

    pub(crate) fn doc(&self) -> Option<&'a str> {
        self.ast.trivia.doc.as_ref().map(|doc| doc.text.as_str())
    }

    /// The phrase of field `name`, with the field.
    pub(crate) fn field(&self, name: &str) -> Option<(&'a ast::Field, &TypedPhrase<'a>)> {
        self.expect_entry(name);
        self.entries.iter().find_map(|entry| match &entry.kind {
            TypedEntryKind::Field(field, phrase) if entry.schema.name == name => {
                Some((*field, phrase))
            }
            _ => None,
        })
    }

    /// The head value of field `name`.
    pub(crate) fn head(&self, name: &str) -> Option<&Typed<'a>> {
        self.field(name)
            .and_then(|(_, phrase)| phrase.head.as_ref())
    }

    /// Every clause `name`, in source order.
    pub(crate) fn clauses<'s>(
        &'s self,
        name: &'s str,
    ) -> impl Iterator<Item = (&'a ast::Clause, &'s TypedPhrase<'a>)> + 's {
        self.expect_entry(name);
        self.entries
            .iter()
            .filter_map(move |entry| match &entry.kind {
                TypedEntryKind::Clause(clause, phrase) if entry.schema.name == name => {
                    Some((*clause, phrase))
                }
                _ => None,
            })
    }

    /// Every nested block `name`, in source order.
    pub(crate) fn blocks<'s>(
        &'s self,
        name: &'s str,
    ) -> impl Iterator<Item = &'s TypedBlock<'a>> + 's {
        self.expect_entry(name);
        self.entries
            .iter()
            .filter_map(move |entry| match &entry.kind {
                TypedEntryKind::Block(block) if entry.schema.name == name => Some(block),
                _ => None,
            })
    }
}

/// Checks a top-level item; `None` when its keyword starts no known block (reported).
pub(crate) fn check_top_level<'a>(
    block: &'a ast::Block,
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<TypedBlock<'a>> {
    let keyword = block.keyword.name.as_str();
    match schema::top_level_block(keyword) {
        Some(schema) => Some(check_block(
            schema,
            block,
            block.extends.is_some(),
            text,
            diagnostics,
        )),
        None => {
            let words = schema::TOP_LEVEL
                .iter()
                .map(|&kind| schema::block(kind).keyword);
            let mut diagnostic = Diagnostic::error(
                codes::fields::UNKNOWN_FIELD,
                format!("unknown block `{}`", sanitize(keyword)),
                block.keyword.span,
                "not a kind of declaration",
            );
            diagnostic = with_suggestion(diagnostic, keyword, words, block.keyword.span, "");
            if diagnostic.help.is_none() {
                diagnostic = diagnostic.with_help(
                    "a file declares `filter`, `policy`, `workload`, `model` and `region` blocks",
                );
            }
            diagnostics.push(diagnostic);
            None
        }
    }
}

/// `noun` with its indefinite article, for messages: "an `endpoint`", "a `filter`", "an app".
///
/// Chosen by the first letter after any backtick, which is right for every word Charter puts
/// after an article (keywords and domain nouns; none starts with a silent or a "you" vowel).
pub(crate) fn with_article(noun: &str) -> String {
    let first = noun.trim_start_matches('`').chars().next();
    let article = match first {
        Some(c) if "aeiouAEIOU".contains(c) => "an",
        _ => "a",
    };
    format!("{article} {noun}")
}

/// Adds "did you mean" help and a replacing fix when `unknown` is close to a candidate.
pub(crate) fn with_suggestion<'c>(
    diagnostic: Diagnostic,
    unknown: &str,
    candidates: impl IntoIterator<Item = &'c str>,
    span: Span,
    quote: &str,
) -> Diagnostic {
    match suggest::closest(unknown, candidates) {
        // The suggestion is a declared name, user text like any other: sanitised where it is
        // shown, written as it is in the replacement.
        Some(suggestion) => diagnostic
            .with_help(format!("did you mean `{}`?", sanitize(suggestion)))
            .with_fix(
                format!("replace with `{}`", sanitize(suggestion)),
                span,
                format!("{quote}{suggestion}{quote}"),
            ),
        None => diagnostic,
    }
}

fn check_block<'a>(
    schema: &'static BlockSchema,
    block: &'a ast::Block,
    filter_extends: bool,
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> TypedBlock<'a> {
    check_label(schema, block, diagnostics);
    if let (Some(extends), false) = (&block.extends, schema.extends) {
        diagnostics.push(
            Diagnostic::error(
                codes::fields::MISPLACED_LABEL,
                format!(
                    "{} cannot extend another",
                    with_article(&format!("`{}`", schema.keyword))
                ),
                extends.span,
                "`extends` is not allowed here",
            )
            .with_help("only filters extend other filters; remove `extends ...`"),
        );
    }

    let mut typed = TypedBlock {
        schema,
        ast: block,
        entries: Vec::new(),
    };
    // Spans of the first occurrence of each non-repeatable entry, to point at both copies.
    let mut seen: Vec<(&'static str, Span)> = Vec::new();
    // The entries that unknown ones were taken for ("did you mean `regions`?"): when such an
    // entry is missing, the misspelling is the one mistake, reported once, with its fix.
    let mut suggested: Vec<&'static str> = Vec::new();
    for entry in &block.entries {
        let (name, name_span) = match entry {
            ast::Entry::Field(field) => (field.key.name.as_str(), field.key.span),
            ast::Entry::Clause(clause) => (clause.keyword.name.as_str(), clause.keyword.span),
            ast::Entry::Block(nested) => (nested.keyword.name.as_str(), nested.keyword.span),
            ast::Entry::Error(_) => continue,
        };
        let Some(entry_schema) = schema.entry(name) else {
            diagnostics.push(unknown_entry(schema, name, entry_noun(entry), name_span));
            suggested.extend(suggest::closest(
                name,
                schema.entries.iter().map(|entry| entry.name),
            ));
            continue;
        };
        if !matches!(entry_schema.occurs, Occurs::Repeatable) {
            if let Some((_, first)) = seen
                .iter()
                .find(|(seen_name, _)| *seen_name == entry_schema.name)
            {
                diagnostics.push(
                    Diagnostic::error(
                        codes::fields::DUPLICATE_ENTRY,
                        format!("`{}` is given twice", entry_schema.name),
                        name_span,
                        "given again here",
                    )
                    .with_secondary(*first, "first given here")
                    .with_help("keep one of them"),
                );
                continue;
            }
            seen.push((entry_schema.name, name_span));
        }
        let kind = match (entry, &entry_schema.shape) {
            (ast::Entry::Field(field), EntryShape::Field(phrase)) => TypedEntryKind::Field(
                field,
                check_phrase(phrase, &field.value, entry_schema, diagnostics),
            ),
            (ast::Entry::Clause(clause), EntryShape::Clause(phrase)) => TypedEntryKind::Clause(
                clause,
                check_phrase(phrase, &clause.phrase, entry_schema, diagnostics),
            ),
            (ast::Entry::Block(nested), EntryShape::Block(kind)) => {
                TypedEntryKind::Block(check_block(
                    schema::block(*kind),
                    nested,
                    filter_extends,
                    text,
                    diagnostics,
                ))
            }
            (entry, _) => {
                diagnostics.push(wrong_shape(entry_schema, entry, name_span));
                continue;
            }
        };
        typed.entries.push(TypedEntry {
            schema: entry_schema,
            kind,
        });
    }

    for entry_schema in schema.entries {
        let required = match entry_schema.occurs {
            Occurs::Required => true,
            Occurs::RequiredUnlessExtends => !filter_extends,
            Occurs::Optional | Occurs::Repeatable => false,
        };
        let given = block.entries.iter().any(|entry| match entry {
            ast::Entry::Field(field) => field.key.name == entry_schema.name,
            ast::Entry::Clause(clause) => clause.keyword.name == entry_schema.name,
            ast::Entry::Block(nested) => nested.keyword.name == entry_schema.name,
            ast::Entry::Error(_) => false,
        });
        // A block with a syntax error inside may have lost the entry to recovery: stay quiet.
        let has_errors = block
            .entries
            .iter()
            .any(|entry| matches!(entry, ast::Entry::Error(_)));
        let misspelt = suggested.contains(&entry_schema.name);
        if required && !given && !has_errors && !misspelt {
            diagnostics.push(missing_entry(schema, block, entry_schema, text));
        }
    }
    typed
}

fn check_label(
    schema: &'static BlockSchema,
    block: &ast::Block,
    diagnostics: &mut Vec<Diagnostic>,
) {
    match (schema.label, &block.label) {
        (LabelKind::None, None)
        | (LabelKind::Name, Some(ast::Label::Name(_)))
        | (LabelKind::Str, Some(ast::Label::Str(_))) => {}
        (LabelKind::None, Some(label)) => diagnostics.push(
            Diagnostic::error(
                codes::fields::MISPLACED_LABEL,
                format!(
                    "{} block takes no name",
                    with_article(&format!("`{}`", schema.keyword))
                ),
                label.span(),
                "unexpected name",
            )
            .with_help("remove the name")
            .with_fix("remove the name", label.span(), ""),
        ),
        (LabelKind::Name, Some(ast::Label::Str(string))) => {
            let mut diagnostic = Diagnostic::error(
                codes::fields::MISPLACED_LABEL,
                format!(
                    "the name of {} is an identifier, not a string",
                    with_article(&format!("`{}`", schema.keyword))
                ),
                string.span,
                "a string",
            );
            if is_identifier(&string.value) {
                diagnostic = diagnostic
                    .with_help(format!("write `{}` without quotes", string.value))
                    .with_fix("remove the quotes", string.span, string.value.clone());
            } else {
                diagnostic = diagnostic
                    .with_help("names are letters, digits and `_`, starting with a letter");
            }
            diagnostics.push(diagnostic);
        }
        (LabelKind::Str, Some(ast::Label::Name(ident))) => diagnostics.push(
            Diagnostic::error(
                codes::fields::MISPLACED_LABEL,
                format!(
                    "the name of {} is a string",
                    with_article(&format!("`{}`", schema.keyword))
                ),
                ident.span,
                "write it in quotes",
            )
            .with_fix("add quotes", ident.span, format!("\"{}\"", ident.name)),
        ),
        (_, None) => diagnostics.push(
            Diagnostic::error(
                codes::fields::MISPLACED_LABEL,
                format!(
                    "{} needs a name",
                    with_article(&format!("`{}`", schema.keyword))
                ),
                block.keyword.span,
                "no name after this",
            )
            .with_help(match schema.label {
                LabelKind::Str => format!("write `{} \"NAME\" {{ ... }}`", schema.keyword),
                _ => format!("write `{} NAME {{ ... }}`", schema.keyword),
            }),
        ),
    }
}

fn unknown_entry(schema: &'static BlockSchema, name: &str, noun: &str, span: Span) -> Diagnostic {
    let inside = match schema.label {
        LabelKind::None => format!("`{}`", schema.keyword),
        _ => with_article(&format!("`{}`", schema.keyword)),
    };
    let diagnostic = Diagnostic::error(
        codes::fields::UNKNOWN_FIELD,
        format!("unknown {noun} `{}` in {inside}", sanitize(name)),
        span,
        format!("not {} of {inside}", with_article(noun)),
    );
    let names = schema.entries.iter().map(|entry| entry.name);
    let diagnostic = with_suggestion(diagnostic, name, names, span, "");
    if diagnostic.help.is_some() {
        return diagnostic;
    }
    // A category written on the wrong side is a common slip: say where it belongs.
    let other_side = match schema.kind {
        schema::BlockKind::Prompt => {
            Some(("completion", schema::block(schema::BlockKind::Completion)))
        }
        schema::BlockKind::Completion => Some(("prompt", schema::block(schema::BlockKind::Prompt))),
        _ => None,
    };
    if let Some((side, other)) = other_side {
        if other.entry(name).is_some() {
            return diagnostic.with_help(format!(
                "`{name}` applies to the {side} side only; move it into `{side} {{ ... }}`"
            ));
        }
    }
    let listing: Vec<String> = schema
        .entries
        .iter()
        .map(|e| format!("`{}`", e.name))
        .collect();
    diagnostic.with_help(format!("{inside} takes {}", schema::join_or(&listing)))
}

fn wrong_shape(entry_schema: &'static EntrySchema, entry: &ast::Entry, span: Span) -> Diagnostic {
    let help = match &entry_schema.shape {
        EntryShape::Field(_) => format!("write `{}: ...`, with a colon", entry_schema.name),
        EntryShape::Clause(_) => format!("write `{} ...`, without a colon", entry_schema.name),
        EntryShape::Block(_) => format!("write `{} {{ ... }}`", entry_schema.name),
    };
    Diagnostic::error(
        codes::fields::FIELD_OR_CLAUSE,
        format!(
            "`{}` is a {}",
            entry_schema.name,
            shape_noun(&entry_schema.shape)
        ),
        span,
        format!("written as a {}", entry_noun(entry)),
    )
    .with_help(help)
}

fn shape_noun(shape: &EntryShape) -> &'static str {
    match shape {
        EntryShape::Field(_) => "field",
        EntryShape::Clause(_) => "clause",
        EntryShape::Block(_) => "block",
    }
}

fn entry_noun(entry: &ast::Entry) -> &'static str {
    match entry {
        ast::Entry::Field(_) => "field",
        ast::Entry::Clause(_) => "clause",
        ast::Entry::Block(_) => "block",
        ast::Entry::Error(_) => "statement",
    }
}

fn missing_entry(
    schema: &'static BlockSchema,
    block: &ast::Block,
    entry: &'static EntrySchema,
    text: &str,
) -> Diagnostic {
    let what = match entry.shape {
        EntryShape::Field(_) => format!("field `{}`", entry.name),
        EntryShape::Clause(_) => format!("clause `{}`", entry.name),
        EntryShape::Block(_) => format!("block `{} {{ ... }}`", entry.name),
    };
    let label_span = block
        .label
        .as_ref()
        .map(|label| label.span())
        .unwrap_or(block.keyword.span);
    let mut diagnostic = Diagnostic::error(
        codes::fields::MISSING_FIELD,
        format!(
            "missing required {what} in {}",
            block_description(schema, block)
        ),
        label_span,
        format!(
            "needs {}",
            what.split_once(" ").map_or(what.as_str(), |(_, name)| name)
        ),
    )
    .with_help(format!("add {}", describe_entry_example(entry)))
    .with_note(format!("`{}`: {}", entry.name, entry.doc));
    if let Some((span, new_text)) = insertion(block, entry, text) {
        diagnostic = diagnostic.with_fix(format!("add `{}`", entry_example(entry)), span, new_text);
    }
    diagnostic
}

fn block_description(schema: &'static BlockSchema, block: &ast::Block) -> String {
    match &block.label {
        Some(label) => format!("{} `{}`", schema.keyword, sanitize(label.text())),
        None => format!("`{}`", schema.keyword),
    }
}

fn entry_example(entry: &'static EntrySchema) -> String {
    match entry.shape {
        EntryShape::Field(_) => format!("{}: {}", entry.name, entry.placeholder),
        EntryShape::Clause(_) => format!("{} {}", entry.name, entry.placeholder),
        EntryShape::Block(_) => format!("{} {{ }}", entry.name),
    }
}

fn describe_entry_example(entry: &'static EntrySchema) -> String {
    format!("`{}`", entry_example(entry))
}

/// Where and what to insert to add a missing entry: on its own line before the closing brace,
/// indented one step more than the block.
fn insertion(
    block: &ast::Block,
    entry: &'static EntrySchema,
    text: &str,
) -> Option<(Span, String)> {
    if matches!(entry.shape, EntryShape::Block(_)) {
        return None;
    }
    let close = (block.body_span.end as usize).checked_sub(1)?;
    if text.as_bytes().get(close) != Some(&b'}') {
        return None;
    }
    let keyword_start = block.keyword.span.start as usize;
    let line_start = text.get(..keyword_start)?.rfind('\n').map_or(0, |i| i + 1);
    let indent: String = text
        .get(line_start..keyword_start)?
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let close_line_start = text.get(..close)?.rfind('\n').map_or(0, |i| i + 1);
    let before_close = text.get(close_line_start..close)?;
    let line = entry_example(entry);
    if before_close.trim().is_empty() && close_line_start > keyword_start {
        Some((
            Span::new(block.body_span.file, close_line_start, close_line_start),
            format!("{indent}  {line}\n"),
        ))
    } else {
        Some((
            Span::new(block.body_span.file, close, close),
            format!("\n{indent}  {line}\n{indent}"),
        ))
    }
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn check_phrase<'a>(
    schema: &'static PhraseSchema,
    phrase: &'a ast::Phrase,
    entry: &'static EntrySchema,
    diagnostics: &mut Vec<Diagnostic>,
) -> TypedPhrase<'a> {
    let mut typed = TypedPhrase {
        head: None,
        positional: Vec::new(),
        modifiers: Vec::new(),
    };
    let values = &phrase.values;
    let Some(first) = values.first() else {
        diagnostics.push(
            Diagnostic::error(
                codes::fields::INCOMPLETE_PHRASE,
                format!("`{}` has no value", entry.name),
                phrase.span,
                format!("expected {}", schema.head.describe()),
            )
            .with_help(format!("write {}", describe_entry_example(entry))),
        );
        return typed;
    };
    // A value the parser already reported (an invalid date, an unknown unit) still fills its
    // place, typed as nothing and reported nowhere else, so that the rest of the phrase is read
    // as written: `until 2027-02-30 as waiver "..."` still has its reason.
    typed.head = check_value(&schema.head, first, diagnostics);
    let mut index = 1;
    let mut end = first.span();
    for slot in schema.positional {
        match values.get(index) {
            Some(value) if !is_modifier_word(schema, value) => {
                typed
                    .positional
                    .push(check_unreported(&slot.kind, value, diagnostics));
                end = value.span();
                index += 1;
            }
            _ => {
                if !slot.optional {
                    diagnostics.push(missing_slot(entry, slot, end));
                }
                typed.positional.push(None);
            }
        }
    }
    while let Some(value) = values.get(index) {
        index += 1;
        let modifier = match value {
            Value::Path(path) => path
                .as_ident()
                .and_then(|ident| schema.modifier(&ident.name).map(|m| (m, ident))),
            _ => None,
        };
        let Some((modifier, word)) = modifier else {
            if !any_error(std::slice::from_ref(value)) {
                diagnostics.push(unexpected_value(schema, entry, value));
            }
            // One mistake, one diagnostic: skip what follows up to the next modifier word.
            while values
                .get(index)
                .is_some_and(|next| !is_modifier_word(schema, next))
            {
                index += 1;
            }
            continue;
        };
        if typed.modifiers.iter().any(|m| m.word == modifier.word) {
            diagnostics.push(
                Diagnostic::error(
                    codes::fields::UNEXPECTED_VALUE,
                    format!("`{}` is given twice in `{}`", modifier.word, entry.name),
                    word.span,
                    "given again here",
                )
                .with_help("keep one of them"),
            );
        }
        let mut args = Vec::new();
        let mut end = word.span;
        for slot in modifier.args {
            match values.get(index) {
                Some(arg) if !is_modifier_word(schema, arg) => {
                    args.push(check_unreported(&slot.kind, arg, diagnostics));
                    end = arg.span();
                    index += 1;
                }
                _ => {
                    if !slot.optional {
                        diagnostics.push(
                            Diagnostic::error(
                                codes::fields::INCOMPLETE_PHRASE,
                                format!("missing {} after `{}`", slot.what, modifier.word),
                                Span::new(end.file, end.end as usize, end.end as usize),
                                format!("expected {}", slot.kind.describe()),
                            )
                            .with_help(modifier.doc),
                        );
                    }
                    args.push(None);
                }
            }
        }
        typed.modifiers.push(TypedModifier {
            word: modifier.word,
            word_span: word.span,
            args,
        });
    }
    for modifier in schema.modifiers.iter().filter(|m| m.required) {
        if typed.modifier(modifier.word).is_none() {
            let at = Span::new(
                phrase.span.file,
                phrase.span.end as usize,
                phrase.span.end as usize,
            );
            diagnostics.push(
                Diagnostic::error(
                    codes::fields::INCOMPLETE_PHRASE,
                    format!("missing `{}` in `{}`", modifier.word, entry.name),
                    at,
                    format!("expected `{}` here", modifier.word),
                )
                .with_help(format!("write {}", describe_entry_example(entry))),
            );
        }
    }
    typed
}

/// Checks a value of a phrase, unless the parser already reported something in it (an invalid
/// date, an unknown unit, also inside a list or call): then it is typed as nothing, and
/// reported nowhere else.
fn check_unreported<'a>(
    kind: &'static ValueKind,
    value: &'a Value,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Typed<'a>> {
    if any_error(std::slice::from_ref(value)) {
        return None;
    }
    check_value(kind, value, diagnostics)
}

fn any_error(values: &[Value]) -> bool {
    values.iter().any(|value| match value {
        Value::Error(_) => true,
        Value::List(list) => any_error_items(&list.items),
        Value::Call(call) => any_error(&call.args),
        _ => false,
    })
}

fn any_error_items(items: &[ast::ListItem]) -> bool {
    items
        .iter()
        .any(|item| matches!(item.value, Value::Error(_)))
}

fn is_modifier_word(schema: &'static PhraseSchema, value: &Value) -> bool {
    match value {
        Value::Path(path) => path
            .as_ident()
            .is_some_and(|ident| schema.modifier(&ident.name).is_some()),
        _ => false,
    }
}

fn missing_slot(entry: &'static EntrySchema, slot: &'static Slot, after: Span) -> Diagnostic {
    Diagnostic::error(
        codes::fields::INCOMPLETE_PHRASE,
        format!("missing {} in `{}`", slot.what, entry.name),
        Span::new(after.file, after.end as usize, after.end as usize),
        format!("expected {}", slot.kind.describe()),
    )
    .with_help(format!("write {}", describe_entry_example(entry)))
}

fn unexpected_value(
    schema: &'static PhraseSchema,
    entry: &'static EntrySchema,
    value: &Value,
) -> Diagnostic {
    let found = describe_found(value);
    let diagnostic = Diagnostic::error(
        codes::fields::UNEXPECTED_VALUE,
        format!("unexpected {found} in `{}`", entry.name),
        value.span(),
        "not expected here",
    );
    if schema.modifiers.is_empty() {
        return diagnostic.with_help(format!(
            "`{}` takes {}; remove the rest",
            entry.name,
            schema.head.describe()
        ));
    }
    let words = schema.modifiers.iter().map(|m| m.word);
    let word = match value {
        Value::Path(path) => Some(path.text()),
        _ => None,
    };
    let diagnostic = match &word {
        Some(word) => with_suggestion(diagnostic, word, words, value.span(), ""),
        None => diagnostic,
    };
    if diagnostic.help.is_some() {
        return diagnostic;
    }
    let listing: Vec<String> = schema
        .modifiers
        .iter()
        .map(|m| format!("`{}`", m.word))
        .collect();
    diagnostic.with_help(format!(
        "after the value, `{}` takes {}",
        entry.name,
        schema::join_or(&listing)
    ))
}

/// What a written value is, for "expected X, found Y".
fn describe_found(value: &Value) -> String {
    match value {
        Value::Str(string) => format!("string `\"{}\"`", sanitize(&string.value)),
        Value::Number(number) => match number.unit.as_ref().map(|unit| &unit.kind) {
            None => format!("number `{}`", number.digits),
            Some(ast::UnitKind::Percent) => format!("percentage `{}%`", number.digits),
            Some(ast::UnitKind::Currency(currency)) => {
                format!("amount `{} {currency}`", number.digits)
            }
            Some(ast::UnitKind::CapacityUnits) => format!("capacity `{} units`", number.digits),
            Some(ast::UnitKind::Days) => format!("duration `{} days`", number.digits),
            Some(ast::UnitKind::Weeks) => format!("duration `{} weeks`", number.digits),
            Some(ast::UnitKind::Months) => format!("duration `{} months`", number.digits),
            Some(ast::UnitKind::Years) => format!("duration `{} years`", number.digits),
        },
        Value::Date(date) => format!("date `{:04}-{:02}-{:02}`", date.year, date.month, date.day),
        Value::Path(path) => format!("`{}`", sanitize(&path.text())),
        Value::Call(call) => format!("`{}(...)`", sanitize(&call.callee.name)),
        Value::List(_) => "list".to_string(),
        Value::Error(_) => "value".to_string(),
    }
}

fn mismatch(kind: &'static ValueKind, value: &Value) -> Diagnostic {
    let found = describe_found(value);
    Diagnostic::error(
        codes::fields::WRONG_TYPE,
        format!("expected {}, found {found}", kind.describe()),
        value.span(),
        format!("this is {}", found_noun(value)),
    )
}

/// A mismatch with help saying what to write instead: the string's text without quotes when
/// that is a valid value (`"50"` for a capacity), the value in quotes when a string is
/// expected, else what the entry takes.
fn mismatch_explained(kind: &'static ValueKind, value: &Value) -> Diagnostic {
    let diagnostic = mismatch(kind, value);
    match value {
        Value::Str(string) => match unquoted(kind, &string.value) {
            Some(text) => diagnostic
                .with_help(format!("write `{}` without quotes", sanitize(&text)))
                .with_fix("remove the quotes", string.span, text),
            None => diagnostic.with_help(format!("write {}", kind.describe())),
        },
        Value::Number(number) if matches!(kind, ValueKind::Str(_)) && number.unit.is_none() => {
            diagnostic
                .with_help(format!("write it in quotes: `\"{}\"`", number.digits))
                .with_fix("add quotes", number.span, format!("\"{}\"", number.digits))
        }
        Value::Number(_) if matches!(kind, ValueKind::Str(_)) => {
            diagnostic.with_help("write it in quotes")
        }
        _ => diagnostic.with_help(format!("write {}", kind.describe())),
    }
}

/// The text of a string written where a bare value belongs, when that text is a valid value of
/// `kind` on its own (`"50"` for a capacity, `"80%"` for a percentage).
fn unquoted(kind: &'static ValueKind, text: &str) -> Option<String> {
    let text = text.trim();
    // Only simple words and numbers: anything that could change the shape of the probe below
    // (braces, quotes, comments, line breaks) is never a bare value anyway.
    let simple = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '%' | '.' | '_' | '-' | ' '));
    if !simple {
        return None;
    }
    // Parse the text where a value would stand, and check it as the expected kind.
    let probe = format!("probe {{\n  value: {text}\n}}\n");
    let parsed = charter_syntax::parse(charter_syntax::FileId(0), &probe);
    if !parsed.diagnostics.is_empty() {
        return None;
    }
    let Some(ast::Item::Block(block)) = parsed.file.items.first() else {
        return None;
    };
    let Some(ast::Entry::Field(field)) = block.entries.first() else {
        return None;
    };
    match field.value.values.as_slice() {
        [value] => check_value_quiet(kind, value)
            .is_ok()
            .then(|| text.to_string()),
        _ => None,
    }
}

fn found_noun(value: &Value) -> &'static str {
    match value {
        Value::Str(_) => "a string",
        Value::Number(number) => match number.unit.as_ref().map(|unit| &unit.kind) {
            None => "a number",
            Some(ast::UnitKind::Percent) => "a percentage",
            Some(ast::UnitKind::Currency(_)) => "an amount of money",
            Some(ast::UnitKind::CapacityUnits) => "a capacity",
            Some(_) => "a duration",
        },
        Value::Date(_) => "a date",
        Value::Path(_) => "a name",
        Value::Call(_) => "a call",
        Value::List(_) => "a list",
        Value::Error(_) => "a value",
    }
}

fn check_value<'a>(
    kind: &'static ValueKind,
    value: &'a Value,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Typed<'a>> {
    if let Value::Error(_) = value {
        return None;
    }
    let result = match kind {
        ValueKind::Str(role) => match value {
            Value::Str(string) => Ok(Typed::Str {
                value: &string.value,
                span: string.span,
            }),
            Value::Path(path) if *role != StrRole::Email => {
                let text = path.text();
                Err(mismatch(kind, value)
                    .with_help(format!("write it in quotes: `\"{}\"`", sanitize(&text)))
                    .with_fix("add quotes", path.span, format!("\"{text}\"")))
            }
            _ => Err(mismatch_explained(kind, value)),
        },
        ValueKind::Integer | ValueKind::Capacity => match value {
            Value::Number(number)
                if number.unit.is_none()
                    || (matches!(kind, ValueKind::Capacity)
                        && matches!(
                            number.unit.as_ref().map(|u| &u.kind),
                            Some(ast::UnitKind::CapacityUnits)
                        )) =>
            {
                whole(number, matches!(kind, ValueKind::Capacity)).map(|value| Typed::Int {
                    value,
                    span: number.span,
                })
            }
            _ => Err(mismatch_explained(kind, value)),
        },
        ValueKind::Percent => match value {
            Value::Number(number)
                if matches!(
                    number.unit.as_ref().map(|u| &u.kind),
                    Some(ast::UnitKind::Percent)
                ) =>
            {
                whole(number, false).map(|value| Typed::Percent {
                    value,
                    span: number.span,
                })
            }
            Value::Number(number) if number.unit.is_none() => Err(mismatch(kind, value)
                .with_help(format!("write `{}%`", number.digits))
                .with_fix("add `%`", number.span, format!("{}%", number.digits))),
            _ => Err(mismatch_explained(kind, value)),
        },
        ValueKind::Money => match value {
            Value::Number(number) => match number.unit.as_ref().map(|u| &u.kind) {
                Some(ast::UnitKind::Currency(currency)) => Ok(Typed::Money {
                    amount: &number.digits,
                    currency,
                    span: number.span,
                }),
                None => Err(mismatch(kind, value).with_help(format!(
                    "add a currency code: `{} USD`, `{} EUR`, ...",
                    number.digits, number.digits
                ))),
                _ => Err(mismatch_explained(kind, value)),
            },
            _ => Err(mismatch_explained(kind, value)),
        },
        ValueKind::Duration => match value {
            Value::Number(number) => {
                let factor = match number.unit.as_ref().map(|u| &u.kind) {
                    Some(ast::UnitKind::Days) => Some(1),
                    Some(ast::UnitKind::Weeks) => Some(7),
                    // Calendar months and years vary; a warning horizon needs no precision.
                    Some(ast::UnitKind::Months) => Some(30),
                    Some(ast::UnitKind::Years) => Some(365),
                    _ => None,
                };
                match factor {
                    Some(factor) => whole(number, false).and_then(|count| {
                        count
                            .checked_mul(factor)
                            .map(|days| Typed::Duration {
                                days,
                                span: number.span,
                            })
                            .ok_or_else(|| out_of_range(number, "the duration is too long"))
                    }),
                    None if number.unit.is_none() => Err(mismatch(kind, value)
                        .with_help(format!("add a unit: `{} days`", number.digits))
                        .with_fix("add `days`", number.span, format!("{} days", number.digits))),
                    None => Err(mismatch_explained(kind, value)),
                }
            }
            _ => Err(mismatch_explained(kind, value)),
        },
        ValueKind::Date => match value {
            Value::Date(date) => Ok(Typed::Date {
                date: Date {
                    year: date.year,
                    month: date.month,
                    day: date.day,
                },
                span: date.span,
            }),
            Value::Str(_) => Err(mismatch_explained(kind, value)),
            _ => Err(mismatch(kind, value).with_help("write a date as `YYYY-MM-DD`")),
        },
        ValueKind::Bool => keyword(&schema::BOOLEAN, kind, value).map(|typed| match typed {
            Typed::Keyword { word, span } => Typed::Bool {
                value: word == "true",
                span,
            },
            other => other,
        }),
        ValueKind::Keyword(set) => keyword(set, kind, value),
        ValueKind::Ref(ref_kind) => match value {
            Value::Path(path) => Ok(Typed::Ref { path }),
            Value::Str(string) if is_identifier(&string.value) => Err(mismatch(kind, value)
                .with_help(format!(
                    "{} is named without quotes: `{}`",
                    with_article(ref_kind.noun()),
                    string.value
                ))
                .with_fix("remove the quotes", string.span, string.value.clone())),
            _ => Err(mismatch_explained(kind, value)),
        },
        ValueKind::Scope => scope(kind, value).inspect(|_| {
            // A scope whose name Azure would refuse is still the scope meant: keep it, so
            // that the checks that read it run, and report the name once.
            diagnostics.extend(scope_name_problem(value));
        }),
        ValueKind::List(element) => match value {
            Value::List(list) => Ok(Typed::List {
                items: list
                    .items
                    .iter()
                    .filter_map(|item| check_value(element, &item.value, diagnostics))
                    .collect(),
                span: list.span,
            }),
            single => {
                let mut diagnostic =
                    mismatch(kind, value).with_help("write a list in brackets: `[a, b]`");
                if let Ok(_typed) = check_value_quiet(element, single) {
                    diagnostic = diagnostic.with_fix(
                        "put it in a list",
                        single.span(),
                        format!("[{}]", source_hint(single)),
                    );
                    if source_hint(single).is_empty() {
                        diagnostic.fix = None;
                    }
                }
                Err(diagnostic)
            }
        },
        ValueKind::OneOrList(element) => match value {
            Value::List(list) => Ok(Typed::List {
                items: list
                    .items
                    .iter()
                    .filter_map(|item| check_value(element, &item.value, diagnostics))
                    .collect(),
                span: list.span,
            }),
            single => return check_value(element, single, diagnostics),
        },
    };
    match result {
        Ok(typed) => Some(typed),
        Err(diagnostic) => {
            diagnostics.push(diagnostic);
            None
        }
    }
}

/// Whether a value would check as `kind`, without reporting anything.
fn check_value_quiet<'a>(kind: &'static ValueKind, value: &'a Value) -> Result<Typed<'a>, ()> {
    let mut scratch = Vec::new();
    match check_value(kind, value, &mut scratch) {
        Some(typed) if scratch.is_empty() => Ok(typed),
        _ => Err(()),
    }
}

/// The source text of simple values, for fixes that wrap them.
fn source_hint(value: &Value) -> String {
    match value {
        Value::Str(string) => format!("\"{}\"", escape(&string.value)),
        Value::Path(path) => path.text(),
        _ => String::new(),
    }
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
        .replace('\t', "\\t")
}

fn whole(number: &ast::Number, positive: bool) -> Result<u32, Diagnostic> {
    match number.digits.parse::<u32>() {
        Ok(0) if positive => Err(out_of_range(number, "must be at least 1")
            .with_help("a capacity is a whole number of units, at least 1")),
        Ok(value) => Ok(value),
        Err(_) if number.digits.contains('.') => {
            Err(out_of_range(number, "must be a whole number"))
        }
        Err(_) => Err(out_of_range(number, "is too large")),
    }
}

fn out_of_range(number: &ast::Number, why: &str) -> Diagnostic {
    Diagnostic::error(
        codes::fields::OUT_OF_RANGE,
        format!("`{}` is out of range: {why}", number.digits),
        number.span,
        "out of range",
    )
}

fn keyword<'a>(
    set: &'static schema::KeywordSet,
    kind: &'static ValueKind,
    value: &'a Value,
) -> Result<Typed<'a>, Diagnostic> {
    match value {
        Value::Path(path) => {
            let text = path.text();
            match set.words.iter().find(|keyword| keyword.word == text) {
                Some(keyword) => Ok(Typed::Keyword {
                    word: keyword.word,
                    span: path.span,
                }),
                None => {
                    let diagnostic = Diagnostic::error(
                        codes::fields::UNKNOWN_KEYWORD,
                        format!("expected {}", kind.describe()),
                        path.span,
                        format!("`{}` is not {}", sanitize(&text), set.what),
                    );
                    Err(with_suggestion(
                        diagnostic,
                        &text,
                        set.words.iter().map(|k| k.word),
                        path.span,
                        "",
                    ))
                }
            }
        }
        Value::Str(string) if set.contains(&string.value) => Err(mismatch(kind, value)
            .with_help(format!(
                "keywords are written without quotes: `{}`",
                string.value
            ))
            .with_fix("remove the quotes", string.span, string.value.clone())),
        _ => Err(mismatch_explained(kind, value)),
    }
}

/// The longest resource group name or management group id Azure accepts.
const AZURE_NAME_MAX_CHARS: usize = 90;

/// The Azure names Charter checks before Azure would refuse them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AzureName {
    ResourceGroup,
    ManagementGroup,
    /// A subscription id (a GUID) or the name the project gives a subscription.
    Subscription,
}

impl AzureName {
    fn noun(self) -> &'static str {
        match self {
            AzureName::ResourceGroup => "resource group name",
            AzureName::ManagementGroup => "management group id",
            AzureName::Subscription => "subscription",
        }
    }

    fn max_chars(self) -> usize {
        match self {
            AzureName::Subscription => SUBSCRIPTION_NAME_MAX_CHARS,
            _ => AZURE_NAME_MAX_CHARS,
        }
    }
}

/// The longest subscription name Azure accepts.
const SUBSCRIPTION_NAME_MAX_CHARS: usize = 64;

/// E0213 when `name` breaks Azure's naming rules for `what`: 1 to 90 letters, digits, `_`,
/// `-`, `.`, `(` and `)`, not ending with a period. (Resource group names may use any Unicode
/// letter or digit; management group ids only ASCII ones.)
pub(crate) fn azure_name_problem(what: AzureName, name: &str, span: Span) -> Option<Diagnostic> {
    let allowed = |c: char| {
        let letter_or_digit = match what {
            AzureName::ResourceGroup | AzureName::Subscription => c.is_alphanumeric(),
            AzureName::ManagementGroup => c.is_ascii_alphanumeric(),
        };
        letter_or_digit || matches!(c, '_' | '-' | '.' | '(' | ')')
    };
    let max = what.max_chars();
    let length = name.chars().count();
    let problem = if name.is_empty() {
        "it is empty".to_string()
    } else if length > max {
        format!("it is {length} characters long, more than {max}")
    } else if what == AzureName::Subscription && name.starts_with('.') {
        "it starts with a period".to_string()
    } else if let Some(bad) = name.chars().find(|c| !allowed(*c)) {
        match bad {
            ' ' => "it contains a space".to_string(),
            bad if bad.is_control() => "it contains a control character".to_string(),
            bad => format!("it contains `{}`", sanitize(&bad.to_string())),
        }
    } else if name.ends_with('.') {
        "it ends with a period".to_string()
    } else {
        return None;
    };
    let diagnostic = Diagnostic::error(
        codes::fields::INVALID_AZURE_NAME,
        format!("invalid {} `{}`: {problem}", what.noun(), sanitize(name)),
        span,
        format!("Azure refuses this {}", what.noun()),
    )
    .with_help(match what {
        AzureName::Subscription => format!(
            "a subscription is its id (a GUID) or a name of 1 to {max} letters, digits, `_`, `-`, `.`, `(` or `)` that neither starts nor ends with `.`"
        ),
        _ => format!(
            "{} is 1 to {max} letters, digits, `_`, `-`, `.`, `(` or `)`, and does not end with `.`",
            with_article(what.noun())
        ),
    });
    // Offer the nearest valid name: each refused character becomes `-`.
    let repaired: String = name
        .chars()
        .map(|c| if allowed(c) { c } else { '-' })
        .take(max)
        .collect();
    let repaired = repaired.trim_end_matches('.').trim_start_matches('.');
    if repaired.is_empty() || repaired.chars().all(|c| c == '-') {
        return Some(diagnostic);
    }
    Some(diagnostic.with_fix(format!("use `{repaired}`"), span, format!("\"{repaired}\"")))
}

/// E0213 for a `resource_group("...")` or `management_group("...")` scope Azure would refuse.
fn scope_name_problem(value: &Value) -> Option<Diagnostic> {
    let Value::Call(call) = value else {
        return None;
    };
    let what = match call.callee.name.as_str() {
        "resource_group" => AzureName::ResourceGroup,
        "management_group" => AzureName::ManagementGroup,
        "subscription" => AzureName::Subscription,
        _ => return None,
    };
    match call.args.as_slice() {
        // An empty id is left to the checks of the field it is written in: E0211's fix writes
        // `definitions_at: management_group("")` for the user to fill in, and the
        // `definitions_at` check reports it unfilled.
        [Value::Str(string)] if string.value.is_empty() => None,
        [Value::Str(string)] => azure_name_problem(what, &string.value, string.span),
        _ => None,
    }
}

fn scope<'a>(kind: &'static ValueKind, value: &'a Value) -> Result<Typed<'a>, Diagnostic> {
    const SCOPES: [&str; 3] = ["management_group", "subscription", "resource_group"];
    let Value::Call(call) = value else {
        return Err(mismatch_explained(kind, value));
    };
    let callee = call.callee.name.as_str();
    if !SCOPES.contains(&callee) {
        let diagnostic = Diagnostic::error(
            codes::fields::UNKNOWN_KEYWORD,
            format!("unknown scope `{}`", sanitize(callee)),
            call.callee.span,
            "not a kind of scope",
        );
        let diagnostic = with_suggestion(diagnostic, callee, SCOPES, call.callee.span, "");
        if diagnostic.help.is_some() {
            return Err(diagnostic);
        }
        return Err(diagnostic.with_help("a scope is `management_group(\"id\")`, `subscription(\"id\")` or `resource_group(\"name\")`"));
    }
    let name = match call.args.as_slice() {
        [Value::Str(string)] => string.value.clone(),
        _ => {
            return Err(Diagnostic::error(
                codes::fields::WRONG_TYPE,
                format!("`{callee}` takes one string"),
                call.span,
                "expected one string argument",
            )
            .with_help(format!("write `{callee}(\"name\")`")))
        }
    };
    let scope = match callee {
        "management_group" => Scope::ManagementGroup(name),
        "subscription" => Scope::Subscription(name),
        _ => Scope::ResourceGroup(name),
    };
    Ok(Typed::Scope {
        scope,
        span: call.span,
    })
}
