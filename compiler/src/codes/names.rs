//! Names (E01xx): what a reference names, and names declared twice or in a cycle.

use super::FIXED_ENDPOINT;
use charter_syntax::diagnostic::sanitize;
use charter_syntax::{Code, CodeInfo, Diagnostic, Severity, Span};

use super::{with_article, with_suggestion};

/// E0101: unknown name.
pub const UNKNOWN_NAME: Code = "E0101";
/// E0102: duplicate name.
pub const DUPLICATE_NAME: Code = "E0102";
/// E0103: cycle in `extends`.
pub const EXTENDS_CYCLE: Code = "E0103";
/// E0104: wrong kind of name.
pub const WRONG_KIND_OF_NAME: Code = "E0104";
/// E0105: undeclared blocklist.
pub const UNDECLARED_BLOCKLIST: Code = "E0105";

/// The codes of this group, in code order, for `charter explain` and `docs/errors.md`.
pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: UNKNOWN_NAME,
        severity: Severity::Error,
        title: "unknown name",
        explanation: r#"A reference names a filter, policy or app that is not declared anywhere in the project or the standard library. Check the spelling; the help suggests the closest declared name. Standard-library names are written with their module: `std.filters.default`."#,
        failing_example: include_str!("../../tests/fixtures/E0101.charter"),
        fixed_example: FIXED_ENDPOINT,
    },
    CodeInfo {
        code: DUPLICATE_NAME,
        severity: Severity::Error,
        title: "duplicate name",
        explanation: r#"Two declarations share a name. Every top-level name (filter, policy, workload) is visible in every file of the project, so it must be unique across files; endpoint and app names must be unique within their workload, and catalog models and regions within the catalog. A project's own `region` may not take a name the standard library's catalog already has (a project `model` of a catalog name extends the catalog's entry instead: see E0311), and one model may not be declared twice in the project. The diagnostic points at both declarations."#,
        failing_example: include_str!("../../tests/fixtures/E0102.charter"),
        fixed_example: r#"filter lenient extends std.filters.default {
  mode: default
}

filter careful extends std.filters.strict {
  mode: default
}

policy guardrails {
  scope: subscription("prod")
}

workload support {
  governed_by: guardrails
  environment: prod
  resource_group: "rg-support"

  endpoint chat {
    model "gpt-5.6-sol" version "2026-07-09"
    deployment: global_standard capacity 10
    filter: std.filters.default
    regions: ["swedencentral"]
  }
}
"#,
    },
    CodeInfo {
        code: EXTENDS_CYCLE,
        severity: Severity::Error,
        title: "cycle in `extends`",
        explanation: r#"Filters extend each other in a circle, so none of them has a complete set of settings to start from. Break the cycle: the chain of `extends` must end in a filter that sets every category (such as `std.filters.default`)."#,
        failing_example: include_str!("../../tests/fixtures/E0103.charter"),
        fixed_example: r#"filter a extends b {
  mode: default
}

filter b extends std.filters.default {
  mode: default
}
"#,
    },
    CodeInfo {
        code: WRONG_KIND_OF_NAME,
        severity: Severity::Error,
        title: "wrong kind of name",
        explanation: r#"A reference names a declaration of the wrong kind, for example a filter where a policy is expected (`governed_by: baseline`). Name a declaration of the kind the field takes."#,
        failing_example: include_str!("../../tests/fixtures/E0104_policy_expected.charter"),
        fixed_example: FIXED_ENDPOINT,
    },
    CodeInfo {
        code: UNDECLARED_BLOCKLIST,
        severity: Severity::Error,
        title: "undeclared blocklist",
        explanation: r#"A filter lists a custom blocklist that no `blocklist` block declares. Charter must either create the blocklist, with its terms, in every AI account whose filter uses it (`blocklist "NAME" { terms: [...] patterns: [...] }`), or know that another team creates it (`blocklist "NAME" { managed: external }`, which the build lists as a prerequisite): a content filter that names a blocklist the account does not have is refused by Azure."#,
        failing_example: include_str!("../../tests/fixtures/E0105.charter"),
        fixed_example: r#"blocklist "banned-terms" {
  terms: ["Project Nightjar"]
}

filter careful extends std.filters.default {
  blocklists: ["banned-terms"]
}
"#,
    },
];

/// E0101: `name`, at `span`, names no declared `noun` (`filter`, `policy`, `app`); `within`
/// says where none has it (``no filter``, ``no app of workload `support` ``), `candidates`
/// are the names of that kind for a suggestion, and `declare` says how to declare it, given
/// the name.
pub(crate) fn unknown_name<'c>(
    (noun, within): (&str, &str),
    (name, span): (&str, Span),
    candidates: impl IntoIterator<Item = &'c str>,
    declare: impl FnOnce(&str) -> String,
) -> Diagnostic {
    let diagnostic = Diagnostic::error(
        UNKNOWN_NAME,
        format!("unknown {noun} `{}`", sanitize(name)),
        span,
        format!("{within} has this name"),
    );
    let diagnostic = with_suggestion(diagnostic, name, candidates, span, "");
    if diagnostic.help.is_none() {
        diagnostic.with_help(declare(&sanitize(name)))
    } else {
        diagnostic
    }
}

/// E0102 for a top-level name: `name` (a `kind`), at `span`, was first declared (as
/// `first_kind`) at `first`.
pub(crate) fn duplicate_top_level(
    (name, kind, span): (&str, &str, Span),
    first: Option<(Span, &str)>,
) -> Diagnostic {
    let diagnostic = Diagnostic::error(
        DUPLICATE_NAME,
        format!("`{}` is declared twice", sanitize(name)),
        span,
        format!("{kind} declared again here"),
    )
    .with_help(
        "every top-level name must be unique across the project's files; rename one of them",
    );
    match first {
        Some((first, first_kind)) => diagnostic.with_secondary(
            first,
            format!("first declared here, as {}", with_article(first_kind)),
        ),
        None => diagnostic,
    }
}

/// E0102 within a block or a list: `what` `name` (``app `web` ``, at `span`) is declared
/// (or, with `listed`, listed) again; `also` follows the message (`` in workload `w` ``), and
/// `help` says what to do. A listed duplicate comes with the fix that removes it.
pub(crate) fn duplicate_in(
    (what, name, span): (&str, &str, Span),
    first: Span,
    (listed, also): (bool, &str),
    help: &str,
) -> Diagnostic {
    let (verb, label, first_label) = if listed {
        ("listed", "listed again here", "first listed here")
    } else {
        ("declared", "declared again here", "first declared here")
    };
    let diagnostic = Diagnostic::error(
        DUPLICATE_NAME,
        format!("{what} `{}` is {verb} twice{also}", sanitize(name)),
        span,
        label,
    )
    .with_secondary(first, first_label)
    .with_help(help);
    if listed {
        diagnostic.with_fix("remove the duplicate", span, "")
    } else {
        diagnostic
    }
}

/// E0102 for a catalog entry (`model`, `region`, `version`) declared again at `span`, first at
/// `first` (in the standard library, with `first_in_stdlib`).
pub(crate) fn duplicate_in_catalog(
    what: &str,
    name: &str,
    span: Span,
    first: Span,
    first_in_stdlib: bool,
) -> Diagnostic {
    let diagnostic = Diagnostic::error(
        DUPLICATE_NAME,
        format!("{what} `{}` is declared twice", sanitize(name)),
        span,
        "declared again here",
    )
    .with_secondary(
        first,
        if first_in_stdlib {
            "first declared in the standard library"
        } else {
            "first declared here"
        },
    );
    if what == "model" {
        // Never suggest another name: a model's name is Azure's, and renaming it would deploy
        // a model Azure does not know.
        diagnostic.with_help("declare each model once: put all its versions in one `model` block")
    } else if first_in_stdlib {
        diagnostic.with_help(format!(
            "the standard library already declares this {what}; rename yours or remove it"
        ))
    } else {
        diagnostic.with_help("rename one of them or remove it")
    }
}

/// E0102 for a project's `model` or `region` whose name the standard library's catalog
/// already has (at `stdlib_entry`).
pub(crate) fn already_in_stdlib(
    what: &str,
    name: &str,
    span: Span,
    stdlib_entry: Span,
) -> Diagnostic {
    Diagnostic::error(
        DUPLICATE_NAME,
        format!(
            "{what} `{}` is already in the standard library's catalog",
            sanitize(name)
        ),
        span,
        "already in the catalog",
    )
    .with_secondary(stdlib_entry, "the standard library's entry")
}

/// E0102 for a fine-tuned model whose name a catalog model already has: at `first` in the
/// project, or (`None`) in the standard library.
pub(crate) fn duplicate_fine_tuned(name: &str, span: Span, first: Option<Span>) -> Diagnostic {
    let diagnostic = Diagnostic::error(
        DUPLICATE_NAME,
        format!("model `{}` is declared twice", sanitize(name)),
        span,
        "declared again here",
    );
    match first {
        None => diagnostic.with_help(
            "a fine-tuned model has a name of its own, the one Azure gave it (`<base>.ft-<id>`)",
        ),
        Some(first) => diagnostic
            .with_secondary(first, "first declared here")
            .with_help("keep one declaration per model"),
    }
}

/// E0103: the filters of `cycle`, in order from the one whose `extends` (at `span`) closes
/// it, each but the first with the span of its own `extends`.
pub(crate) fn extends_cycle(cycle: &[&str], span: Span, others: &[(&str, Span)]) -> Diagnostic {
    let mut names: Vec<String> = cycle
        .iter()
        .map(|name| format!("`{}`", sanitize(name)))
        .collect();
    if let Some(first) = names.first().cloned() {
        names.push(first);
    }
    let mut diagnostic = Diagnostic::error(
        EXTENDS_CYCLE,
        format!("cycle in `extends`: {}", names.join(" → ")),
        span,
        "this `extends` closes a cycle",
    );
    for (name, span) in others {
        diagnostic = diagnostic.with_secondary(*span, format!("`{}` extends this", sanitize(name)));
    }
    diagnostic.with_help(
        "remove one `extends` so that the chain ends in a filter that sets every category",
    )
}

/// E0104: `name`, at `span`, names a `found` (declared at `declared`) where a `expected` is
/// needed.
pub(crate) fn wrong_kind_of_name(
    (name, span): (&str, Span),
    expected: &str,
    found: Option<(&str, Span)>,
) -> Diagnostic {
    let mut diagnostic = Diagnostic::error(
        WRONG_KIND_OF_NAME,
        format!(
            "expected {}, found {} `{}`",
            with_article(expected),
            found.map_or("name", |f| f.0),
            sanitize(name)
        ),
        span,
        format!("not {}", with_article(expected)),
    );
    if let Some((noun, declared)) = found {
        diagnostic =
            diagnostic.with_secondary(declared, format!("declared here as {}", with_article(noun)));
    }
    diagnostic.with_help(format!("name {} here", with_article(expected)))
}

/// E0105: blocklist `name`, at `span`, is not declared; `closest` is the declared blocklist
/// nearest to it, if any.
pub(crate) fn undeclared_blocklist(name: &str, span: Span, closest: Option<&str>) -> Diagnostic {
    let diagnostic = Diagnostic::error(
        UNDECLARED_BLOCKLIST,
        format!("blocklist `{}` is not declared", sanitize(name)),
        span,
        "no `blocklist` declares it",
    );
    match closest {
        Some(close) => diagnostic
            .with_help(format!("did you mean `{}`?", sanitize(close)))
            // The replacement is source text, written as it is.
            .with_fix(format!("use `{}`", sanitize(close)), span, format!("\"{close}\"")),
        None => diagnostic.with_help(format!(
            "declare it with its terms: `blocklist \"{}\" {{ terms: [\"...\"] }}`, or with `managed: external` when another team creates it",
            sanitize(name)
        )),
    }
}
