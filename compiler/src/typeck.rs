//! Checks every block, field, clause and phrase against the schema and turns what is valid
//! into typed values. Invalid values are reported here once and left out, so later passes
//! read only well-typed data and never report the same mistake twice.
#![expect(
    clippy::result_large_err,
    reason = "the errors are diagnostics, built once per mistake; boxing them buys nothing"
)]

use charter_ir::{Date, Scope};
use charter_syntax::ast::{self, Value};
use charter_syntax::{Diagnostic, Span};

use crate::codes::fields::{self, AzureName, AzureNameProblem, RangeProblem, Remedy};
use crate::schema::{
    self, BlockSchema, EntrySchema, EntryShape, LabelKind, Occurs, PhraseSchema, StrRole, ValueKind,
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
    /// Boxed: a scope is the largest value by far, and one of the rarest.
    Scope {
        scope: Box<Scope>,
        span: Span,
    },
    /// `endpoint(WORKLOAD.ENDPOINT)`: the account of an endpoint Charter creates, resolved
    /// once the workloads are.
    Endpoint {
        path: &'a ast::Path,
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
            | Typed::Endpoint { span, .. }
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
            let known = schema::TOP_LEVEL
                .iter()
                .map(|&kind| schema::block(kind).keyword);
            diagnostics.push(fields::unknown_block(keyword, block.keyword.span, known));
            None
        }
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
        diagnostics.push(fields::cannot_extend(schema.keyword, extends.span));
    }

    let mut typed = TypedBlock {
        schema,
        ast: block,
        // At most one typed entry per entry: no slack (typed blocks live until resolution).
        entries: Vec::with_capacity(block.entries.len()),
    };
    // Spans of the first occurrence of each non-repeatable entry, to point at both copies.
    // (Sized once: most entries are not repeatable, and every block has a few.)
    let mut seen: Vec<(&'static str, Span)> = Vec::with_capacity(block.entries.len());
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
            diagnostics.push(fields::unknown_entry(
                schema,
                name,
                entry_noun(entry),
                name_span,
            ));
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
                diagnostics.push(fields::entry_given_twice(
                    entry_schema.name,
                    name_span,
                    *first,
                ));
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
                diagnostics.push(fields::wrong_shape(
                    entry_schema,
                    entry_noun(entry),
                    name_span,
                ));
                continue;
            }
        };
        typed.entries.push(TypedEntry {
            schema: entry_schema,
            kind,
        });
    }

    // A block with a syntax error inside may have lost the entry to recovery: stay quiet.
    let has_errors = block
        .entries
        .iter()
        .any(|entry| matches!(entry, ast::Entry::Error(_)));
    for entry_schema in schema.entries {
        let required = match entry_schema.occurs {
            Occurs::Required => true,
            Occurs::RequiredUnlessExtends => !filter_extends,
            Occurs::Optional | Occurs::Repeatable => false,
        };
        // Most entries are optional: look for one in the block only when it is required.
        if !required || has_errors {
            continue;
        }
        let given = block.entries.iter().any(|entry| match entry {
            ast::Entry::Field(field) => field.key.name == entry_schema.name,
            ast::Entry::Clause(clause) => clause.keyword.name == entry_schema.name,
            ast::Entry::Block(nested) => nested.keyword.name == entry_schema.name,
            ast::Entry::Error(_) => false,
        });
        let misspelt = suggested.contains(&entry_schema.name);
        if !given && !misspelt {
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
        (LabelKind::None, Some(label)) => {
            diagnostics.push(fields::name_not_taken(schema.keyword, label.span()))
        }
        (LabelKind::Name, Some(ast::Label::Str(string))) => {
            diagnostics.push(fields::name_is_a_string(
                schema.keyword,
                (&string.value, string.span),
                is_identifier(&string.value),
            ))
        }
        (LabelKind::Str, Some(ast::Label::Name(ident))) => diagnostics.push(
            fields::name_is_not_a_string(schema.keyword, (&ident.name, ident.span)),
        ),
        (_, None) => diagnostics.push(fields::missing_name(
            schema.keyword,
            block.keyword.span,
            schema.label == LabelKind::Str,
        )),
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
    let label_span = block
        .label
        .as_ref()
        .map(|label| label.span())
        .unwrap_or(block.keyword.span);
    fields::missing_entry(
        (
            schema.keyword,
            block.label.as_ref().map(|label| label.text()),
        ),
        label_span,
        entry,
        insertion(block, entry, text),
    )
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
    let line = fields::entry_example(entry);
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
        positional: Vec::with_capacity(schema.positional.len()),
        modifiers: Vec::new(),
    };
    let values = &phrase.values;
    let Some(first) = values.first() else {
        diagnostics.push(fields::no_value(entry, schema, phrase.span));
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
                    diagnostics.push(fields::missing_slot(entry, slot, end));
                }
                typed.positional.push(None);
            }
        }
    }
    // At most one modifier for each value left, and (but for a modifier given twice, which is
    // reported) one for each modifier the phrase takes: sized once rather than grown.
    if index < values.len() {
        typed.modifiers = Vec::with_capacity(schema.modifiers.len().min(values.len() - index));
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
                diagnostics.push(fields::unexpected_value(schema, entry, value));
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
            diagnostics.push(fields::modifier_given_twice(
                modifier.word,
                entry.name,
                word.span,
            ));
        }
        let mut args = Vec::with_capacity(modifier.args.len());
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
                        diagnostics.push(fields::missing_modifier_argument(modifier, slot, end));
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
            diagnostics.push(fields::missing_modifier(entry, modifier.word, at));
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

/// The wrong type, with help saying what to write instead: the string's text without quotes
/// when that is a valid value (`"50"` for a capacity), the value in quotes when a string is
/// expected, else what the entry takes.
fn mismatch_explained(kind: &'static ValueKind, value: &Value) -> Diagnostic {
    let remedy = match value {
        Value::Str(string) => match unquoted(kind, &string.value) {
            Some(text) => {
                return fields::wrong_type(kind, value, Remedy::Unquote(&text, string.span))
            }
            None => Remedy::Describe,
        },
        Value::Number(number) if matches!(kind, ValueKind::Str(_)) && number.unit.is_none() => {
            Remedy::Quote(&number.digits, number.span)
        }
        Value::Number(_) if matches!(kind, ValueKind::Str(_)) => {
            Remedy::Advice("write it in quotes")
        }
        _ => Remedy::Describe,
    };
    fields::wrong_type(kind, value, remedy)
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

fn check_value<'a>(
    kind: &'static ValueKind,
    value: &'a Value,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Typed<'a>> {
    // The commonest values are well typed: answered here, before the general match, whose
    // result has room for a whole diagnostic and is copied out for every value.
    match (kind, value) {
        (_, Value::Error(_)) => return None,
        (ValueKind::Str(_), Value::Str(string)) => {
            return Some(Typed::Str {
                value: &string.value,
                span: string.span,
            })
        }
        (ValueKind::Ref(_), Value::Path(path)) => return Some(Typed::Ref { path }),
        (ValueKind::Keyword(set), Value::Path(path)) => {
            if let Some(keyword) = set.words.iter().find(|keyword| path.text_is(keyword.word)) {
                return Some(Typed::Keyword {
                    word: keyword.word,
                    span: path.span,
                });
            }
        }
        _ => {}
    }
    let result = match kind {
        ValueKind::Str(role) => match value {
            Value::Str(string) => Ok(Typed::Str {
                value: &string.value,
                span: string.span,
            }),
            Value::Path(path) if *role != StrRole::Email => Err(fields::wrong_type(
                kind,
                value,
                Remedy::Quote(&path.text(), path.span),
            )),
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
            Value::Number(number) if number.unit.is_none() => Err(fields::wrong_type(
                kind,
                value,
                Remedy::AddPercent(&number.digits, number.span),
            )),
            _ => Err(mismatch_explained(kind, value)),
        },
        ValueKind::Money => match value {
            Value::Number(number) => match number.unit.as_ref().map(|u| &u.kind) {
                Some(ast::UnitKind::Currency(currency)) => Ok(Typed::Money {
                    amount: &number.digits,
                    currency,
                    span: number.span,
                }),
                None => Err(fields::wrong_type(
                    kind,
                    value,
                    Remedy::AddCurrency(&number.digits),
                )),
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
                            .ok_or_else(|| {
                                fields::out_of_range(
                                    &number.digits,
                                    number.span,
                                    RangeProblem::DurationTooLong,
                                )
                            })
                    }),
                    None if number.unit.is_none() => Err(fields::wrong_type(
                        kind,
                        value,
                        Remedy::AddDays(&number.digits, number.span),
                    )),
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
            _ => Err(fields::wrong_type(
                kind,
                value,
                Remedy::Advice("write a date as `YYYY-MM-DD`"),
            )),
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
            Value::Str(string) if is_identifier(&string.value) => Err(fields::wrong_type(
                kind,
                value,
                Remedy::UnquoteName(ref_kind.noun(), &string.value, string.span),
            )),
            _ => Err(mismatch_explained(kind, value)),
        },
        ValueKind::Scope => scope(kind, value).inspect(|_| {
            // A scope whose name Azure would refuse is still the scope meant: keep it, so
            // that the checks that read it run, and report the name once.
            diagnostics.extend(scope_name_problem(value));
        }),
        ValueKind::ExemptScope => {
            crate::exempt_scope::typed(value, diagnostics).unwrap_or_else(|| {
                scope(kind, value).inspect(|_| {
                    diagnostics.extend(scope_name_problem(value));
                })
            })
        }
        ValueKind::List(element) => match value {
            Value::List(list) => Ok(check_list(element, list, diagnostics)),
            single => {
                let hint = source_hint(single);
                let fix = (check_value_quiet(element, single).is_ok() && !hint.is_empty())
                    .then(|| (single.span(), format!("[{hint}]")));
                Err(fields::wrong_type(kind, value, Remedy::List(fix)))
            }
        },
        ValueKind::OneOrList(element) => match value {
            Value::List(list) => Ok(check_list(element, list, diagnostics)),
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

/// A list whose elements are checked as `element`; an element that does not check is left out
/// (and reported).
fn check_list<'a>(
    element: &'static ValueKind,
    list: &'a ast::List,
    diagnostics: &mut Vec<Diagnostic>,
) -> Typed<'a> {
    // Sized for every element at once: typed lists live until resolution has read them, and
    // collecting a filtered iterator would grow (and copy) the vector element by element.
    let mut items = Vec::with_capacity(list.items.len());
    items.extend(
        list.items
            .iter()
            .filter_map(|item| check_value(element, &item.value, diagnostics)),
    );
    Typed::List {
        items,
        span: list.span,
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
    let problem = match number.digits.parse::<u32>() {
        Ok(0) if positive => RangeProblem::ZeroCapacity,
        Ok(value) => return Ok(value),
        Err(_) if number.digits.contains('.') => RangeProblem::NotWhole,
        Err(_) => RangeProblem::TooLarge,
    };
    Err(fields::out_of_range(&number.digits, number.span, problem))
}

fn keyword<'a>(
    set: &'static schema::KeywordSet,
    kind: &'static ValueKind,
    value: &'a Value,
) -> Result<Typed<'a>, Diagnostic> {
    match value {
        Value::Path(path) => match set.words.iter().find(|keyword| path.text_is(keyword.word)) {
            Some(keyword) => Ok(Typed::Keyword {
                word: keyword.word,
                span: path.span,
            }),
            None => Err(fields::unknown_keyword(kind, set, &path.text(), path.span)),
        },
        Value::Str(string) if set.contains(&string.value) => Err(fields::wrong_type(
            kind,
            value,
            Remedy::UnquoteKeyword(&string.value, string.span),
        )),
        _ => Err(mismatch_explained(kind, value)),
    }
}

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
        AzureNameProblem::Empty
    } else if length > max {
        AzureNameProblem::TooLong(length)
    } else if what == AzureName::Subscription && name.starts_with('.') {
        AzureNameProblem::StartsWithPeriod
    } else if let Some(bad) = name.chars().find(|c| !allowed(*c)) {
        AzureNameProblem::Contains(bad)
    } else if name.ends_with('.') {
        AzureNameProblem::EndsWithPeriod
    } else {
        return None;
    };
    // Offer the nearest valid name: each refused character becomes `-`.
    let repaired: String = name
        .chars()
        .map(|c| if allowed(c) { c } else { '-' })
        .take(max)
        .collect();
    let repaired = repaired.trim_end_matches('.').trim_start_matches('.');
    let repaired =
        (!repaired.is_empty() && !repaired.chars().all(|c| c == '-')).then_some(repaired);
    Some(fields::invalid_azure_name(
        what,
        (name, span),
        problem,
        repaired,
    ))
}

/// E0213 for a `resource_group("...")` or `management_group("...")` scope Azure would refuse.
pub(crate) fn scope_name_problem(value: &Value) -> Option<Diagnostic> {
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

pub(crate) fn scope<'a>(
    kind: &'static ValueKind,
    value: &'a Value,
) -> Result<Typed<'a>, Diagnostic> {
    const SCOPES: [&str; 3] = ["management_group", "subscription", "resource_group"];
    let Value::Call(call) = value else {
        return Err(mismatch_explained(kind, value));
    };
    let callee = call.callee.name.as_str();
    if !SCOPES.contains(&callee) {
        if matches!(kind, ValueKind::ExemptScope) {
            return Err(fields::unknown_scope(
                callee,
                call.callee.span,
                &crate::exempt_scope::EXEMPT_SCOPES,
            ));
        }
        let diagnostic = fields::unknown_scope(callee, call.callee.span, &SCOPES);
        if crate::exempt_scope::EXEMPT_SCOPES.contains(&callee) {
            return Err(diagnostic.with_help(format!(
                "`{callee}(...)` names one resource, which only an `exempt` clause can exempt; a policy is assigned at a management group, subscription or resource group"
            )));
        }
        return Err(diagnostic);
    }
    let name = match call.args.as_slice() {
        [Value::Str(string)] => string.value.clone(),
        _ => return Err(fields::scope_takes_one_string(callee, call.span)),
    };
    let scope = match callee {
        "management_group" => Scope::ManagementGroup(name),
        "subscription" => Scope::Subscription(name),
        _ => Scope::ResourceGroup(name),
    };
    Ok(Typed::Scope {
        scope: Box::new(scope),
        span: call.span,
    })
}
