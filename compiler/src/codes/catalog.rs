//! The model and region catalog (E03xx): unknown, retired, deprecated, preview or unavailable models, versions and regions.

use super::FIXED_ENDPOINT;
use charter_ir::{Date, DeploymentType};
use charter_syntax::diagnostic::sanitize;
use charter_syntax::{Code, CodeInfo, Diagnostic, Severity, Span};

use crate::catalog::{ModelVersion, Successor};

/// E0301: unknown model.
pub const UNKNOWN_MODEL: Code = "E0301";
/// E0302: unknown model version.
pub const UNKNOWN_VERSION: Code = "E0302";
/// E0303: unknown region.
pub const UNKNOWN_REGION: Code = "E0303";
/// E0304: retired model version.
pub const RETIRED_VERSION: Code = "E0304";
/// E0305: model version retires soon.
pub const RETIRES_SOON: Code = "E0305";
/// E0306: model version not available in a region.
pub const VERSION_NOT_IN_REGION: Code = "E0306";
/// E0307: deployment type not available in a region.
pub const DEPLOYMENT_TYPE_NOT_IN_REGION: Code = "E0307";
/// E0308: preview model version in production.
pub const PREVIEW_IN_PRODUCTION: Code = "E0308";
/// E0309: deprecated model version.
pub const DEPRECATED_VERSION: Code = "E0309";
/// E0310: invalid fine-tuned model.
pub const INVALID_FINE_TUNED: Code = "E0310";
/// E0311: a local catalog entry contradicts the catalog.
pub const CONTRADICTS_CATALOG: Code = "E0311";

/// The codes of this group, in code order, for `charter explain` and `docs/errors.md`.
pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: UNKNOWN_MODEL,
        severity: Severity::Error,
        title: "unknown model",
        explanation: r#"The model is not in the catalog: the standard library's list of Azure models, plus the models the project declares with `model "NAME" { ... }`. Check the spelling (model names compare exactly, as Azure compares them); declare your own fine-tuned or custom models."#,
        failing_example: include_str!("../../tests/fixtures/E0301.charter"),
        fixed_example: FIXED_ENDPOINT,
    },
    CodeInfo {
        code: UNKNOWN_VERSION,
        severity: Severity::Error,
        title: "unknown model version",
        explanation: r#"The model has no such version in the catalog. Versions compare case-insensitively (`1106-Preview` is `1106-preview`); the help lists the known versions or suggests the closest."#,
        failing_example: include_str!("../../tests/fixtures/E0302.charter"),
        fixed_example: FIXED_ENDPOINT,
    },
    CodeInfo {
        code: UNKNOWN_REGION,
        severity: Severity::Error,
        title: "unknown region",
        explanation: r#"The region is not in the catalog. Regions are written as Azure's programmatic names (`swedencentral`, not `Sweden Central`)."#,
        failing_example: include_str!("../../tests/fixtures/E0303.charter"),
        fixed_example: FIXED_ENDPOINT,
    },
    CodeInfo {
        code: RETIRED_VERSION,
        severity: Severity::Error,
        title: "retired model version",
        explanation: r#"The version was retired (its retirement date is today or earlier, or the catalog marks it retired): Azure no longer serves it, so a deployment of it fails or stops working. Move to the successor the help names; where the catalog names the successor's version the fix rewrites the model clause."#,
        failing_example: include_str!("../../tests/fixtures/E0304.charter"),
        fixed_example: FIXED_ENDPOINT,
    },
    CodeInfo {
        code: RETIRES_SOON,
        severity: Severity::Warning,
        title: "model version retires soon",
        explanation: r#"The version retires within the governing policy's `retirement_warning` horizon (90 days unless the policy says otherwise), counted from today (`--today` in CI). Plan the move to the successor now; the warning names the date."#,
        failing_example: include_str!("../../tests/fixtures/E0305.charter"),
        fixed_example: FIXED_ENDPOINT,
    },
    CodeInfo {
        code: VERSION_NOT_IN_REGION,
        severity: Severity::Error,
        title: "model version not available in a region",
        explanation: r#"The catalog does not offer the version in that region with any deployment type. The help lists regions that offer the endpoint's deployment type."#,
        failing_example: include_str!("../../tests/fixtures/E0306.charter"),
        fixed_example: FIXED_ENDPOINT,
    },
    CodeInfo {
        code: DEPLOYMENT_TYPE_NOT_IN_REGION,
        severity: Severity::Error,
        title: "deployment type not available in a region",
        explanation: r#"The catalog offers the version in that region, but not with the endpoint's deployment type. The help lists the deployment types available there."#,
        failing_example: include_str!("../../tests/fixtures/E0307.charter"),
        fixed_example: FIXED_ENDPOINT,
    },
    CodeInfo {
        code: PREVIEW_IN_PRODUCTION,
        severity: Severity::Warning,
        title: "preview model version in production",
        explanation: r#"A `prod` workload deploys a preview version. Previews may change or disappear without the notice generally available versions get."#,
        failing_example: include_str!("../../tests/fixtures/E0308.charter"),
        fixed_example: FIXED_ENDPOINT,
    },
    CodeInfo {
        code: DEPRECATED_VERSION,
        severity: Severity::Warning,
        title: "deprecated model version",
        explanation: r#"The endpoint deploys a model version that Azure has deprecated: closed to new customers, and retiring on the date the message gives. A deployment made from Charter's output is a new deployment. Move to the successor the help names."#,
        failing_example: include_str!("../../tests/fixtures/E0309.charter"),
        fixed_example: FIXED_ENDPOINT,
    },
    CodeInfo {
        code: INVALID_FINE_TUNED,
        severity: Severity::Error,
        title: "invalid fine-tuned model",
        explanation: r#"A `fine_tuned` block does not describe a fine-tuned model Azure can deploy: its name must be the one Azure gave it (`<base>.ft-<id>`), and `trained_in` must be the ARM id of the AI account that trained it (`/subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.CognitiveServices/accounts/<name>`), because the model exists only there and every other account deploys it from that source. As a warning: a name that does not start with its base model's usually means the wrong base was written."#,
        failing_example: include_str!("../../tests/fixtures/E0310.charter"),
        fixed_example: r#"fine_tuned "gpt-5.4-mini-2026-03-17.ft-7c1d5e9a2b4f4e0d8a6b3c2d1e0f9a8b" {
  base: "gpt-5.4-mini" version "2026-03-17"
  trained_in: "/subscriptions/3f2b8c4e-6a1d-4e9b-8c7a-2d5f1e0b9a6c/resourceGroups/rg-train/providers/Microsoft.CognitiveServices/accounts/ft-lab"
}
"#,
    },
    CodeInfo {
        code: CONTRADICTS_CATALOG,
        severity: Severity::Error,
        title: "local catalog entry contradicts the catalog",
        explanation: r#"A project's `model` block whose name the catalog already has is a local extension: it may add versions (a version Azure released after the catalog was made) and regions to the catalog's entry, without repeating what the catalog says. A field it does state (`format`, `publisher`, `kind`, or a known version's `lifecycle`, `deprecation`, `retirement`, `retirement_not_before`, `successor`) must agree with the catalog; where it does not, the catalog's value is kept and this error names both. Remove the field to use the catalog's value; if Azure itself changed it (a retirement date moved), run `charter catalog pull` so the catalog says so (docs/catalog.md)."#,
        failing_example: include_str!("../../tests/fixtures/E0311.charter"),
        fixed_example: r#"model "gpt-5.5" {
  version "2026-12-01" {
    lifecycle: preview
    available global_standard ["swedencentral"]
  }
}
"#,
    },
];

/// E0311: a local entry's `field` (`ours`) contradicts the catalog's value (`theirs`), in
/// `model` (and `version`, for a version's field), at `span`; `origin` is the catalog's entry.
pub(crate) fn contradicts_catalog(
    (model, version): (&str, Option<&str>),
    (field, ours, theirs): (&str, &str, &str),
    span: Span,
    origin: Span,
) -> Diagnostic {
    let what = match version {
        Some(version) => format!("version `{}` of `{}`", sanitize(version), sanitize(model)),
        None => format!("model `{}`", sanitize(model)),
    };
    Diagnostic::error(
        CONTRADICTS_CATALOG,
        format!(
            "{what}: `{field}` is {} here, but {} in the catalog",
            sanitize(ours),
            sanitize(theirs)
        ),
        span,
        "contradicts the catalog",
    )
    .with_secondary(origin, "the catalog's entry")
    .with_help(format!(
        "a local entry only adds to the catalog: remove `{field}` to use the catalog's value; \
         if Azure has changed it, run `charter catalog pull` to bring the catalog up to date"
    ))
}

/// Where an endpoint names a catalog version: the model, the version, the span of the version
/// and of the whole `model ... version ...` phrase (for a fix that changes both).
pub(crate) struct VersionUsed<'a> {
    pub model: &'a str,
    pub version: &'a ModelVersion,
    pub span: Span,
    pub phrase_span: Option<Span>,
}

/// What to move to from a version that retires: its successor, or for a fine-tuned model
/// (`fine_tuned`: its base model, base version and the base's successor) a fine-tuning of the
/// base's successor.
pub(crate) fn successor_help(
    used: &VersionUsed<'_>,
    fine_tuned: Option<(&str, &str, Option<&Successor>)>,
) -> String {
    match (&used.version.successor, fine_tuned) {
        (_, Some((base_model, base_version, successor))) => {
            let (model, base_model, base_version) = (
                sanitize(used.model),
                sanitize(base_model),
                sanitize(base_version),
            );
            match successor {
                Some(successor) => format!(
                    "`{model}` is fine-tuned from `{base_model}` version `{base_version}`, whose retirement it shares: fine-tune its successor, {}, and deploy that",
                    sanitize(&successor.to_string())
                ),
                None => format!(
                    "`{model}` is fine-tuned from `{base_model}` version `{base_version}`, whose retirement it shares: fine-tune a current version and deploy that"
                ),
            }
        }
        (Some(successor), None) => format!(
            "move to its successor, {}",
            sanitize(&successor.to_string())
        ),
        (None, None) => "move to a current version of the model".to_string(),
    }
}

/// The fix that moves to the version's successor, when the catalog names one with its version.
fn with_successor_fix(diagnostic: Diagnostic, used: &VersionUsed<'_>) -> Diagnostic {
    let (Some(successor), Some(phrase_span)) = (&used.version.successor, used.phrase_span) else {
        return diagnostic;
    };
    let Some(successor_version) = &successor.version else {
        return diagnostic;
    };
    // The replacement is source text, written as it is.
    if successor.model == used.model {
        diagnostic.with_fix(
            format!("use version `{}`", sanitize(successor_version)),
            used.span,
            format!("\"{successor_version}\""),
        )
    } else {
        diagnostic.with_fix(
            format!(
                "use `{}` version `{}`",
                sanitize(&successor.model),
                sanitize(successor_version)
            ),
            phrase_span,
            format!("\"{}\" version \"{successor_version}\"", successor.model),
        )
    }
}

/// `version `V` of `M``, sanitised.
fn version_of(used: &VersionUsed<'_>) -> String {
    format!(
        "version `{}` of `{}`",
        sanitize(&used.version.version),
        sanitize(used.model)
    )
}

/// E0304: the version is retired (on its retirement date, when the catalog has one).
pub(crate) fn retired(used: &VersionUsed<'_>, help: String) -> Diagnostic {
    let when = match used.version.retirement {
        Some(date) => format!(" on {date}"),
        None => String::new(),
    };
    let diagnostic = Diagnostic::error(
        RETIRED_VERSION,
        format!("{} was retired{when}", version_of(used)),
        used.span,
        "retired: deployments of it no longer work",
    )
    .with_help(help);
    with_successor_fix(diagnostic, used)
}

/// E0305 (a warning): the version retires (`qualifier` is `on ` or `no earlier than `) on
/// `date`, `days` from today, within the policy's `horizon`.
pub(crate) fn retires_soon(
    used: &VersionUsed<'_>,
    (qualifier, date, days): (&str, Date, i64),
    horizon: u32,
    help: String,
) -> Diagnostic {
    let diagnostic = Diagnostic::warning(
        RETIRES_SOON,
        format!(
            "{} retires {qualifier}{date}, in {days} days",
            version_of(used)
        ),
        used.span,
        format!("retires within the policy's {horizon}-day warning"),
    )
    .with_help(help);
    with_successor_fix(diagnostic, used)
}

/// E0309 (a warning): the version is deprecated.
pub(crate) fn deprecated(used: &VersionUsed<'_>, help: String) -> Diagnostic {
    let retires = match (used.version.retirement, used.version.retirement_not_before) {
        (Some(date), _) => format!("; it retires on {date}"),
        (None, Some(date)) => format!("; it retires no earlier than {date}"),
        (None, None) => String::new(),
    };
    let diagnostic = Diagnostic::warning(
        DEPRECATED_VERSION,
        format!("{} is deprecated{retires}", version_of(used)),
        used.span,
        "deprecated: closed to new deployments",
    )
    .with_note("Azure no longer lets new customers deploy a deprecated version, and existing deployments stop working when it retires")
    .with_help(help);
    with_successor_fix(diagnostic, used)
}

/// E0308 (a warning): the version is a preview, deployed in production.
pub(crate) fn preview_in_production(used: &VersionUsed<'_>) -> Diagnostic {
    Diagnostic::warning(
        PREVIEW_IN_PRODUCTION,
        format!("{} is a preview, deployed in production", version_of(used)),
        used.span,
        "a preview version",
    )
    .with_help("previews may change or go away without the usual notice; use a generally available version in `prod`")
}

/// E0306 or E0307: the version is not available as `kind` (written at `deployment_span`) in
/// `region` (at `span`): E0307 when it is available there as another type, else E0306.
pub(crate) fn unavailable(
    model: &str,
    version: &ModelVersion,
    kind: DeploymentType,
    (region, span): (&str, Span),
    deployment_span: Option<Span>,
) -> Diagnostic {
    let (model, region_shown) = (sanitize(model), sanitize(region));
    let version_shown = sanitize(&version.version);
    let other_kinds = version.deployment_types_in(region);
    let mut diagnostic = if other_kinds.is_empty() {
        let elsewhere = version.regions_for(kind);
        let help = if elsewhere.is_empty() {
            format!(
                "the catalog offers no `{}` deployments of this version anywhere",
                kind.charter_name()
            )
        } else {
            let listing: Vec<String> = elsewhere
                .iter()
                .take(8)
                .map(|r| format!("`{}`", sanitize(r)))
                .collect();
            let more = if elsewhere.len() > 8 { ", ..." } else { "" };
            format!(
                "`{}` deployments of it are available in {}{more}",
                kind.charter_name(),
                listing.join(", ")
            )
        };
        Diagnostic::error(
            VERSION_NOT_IN_REGION,
            format!("`{model}` version `{version_shown}` is not available in `{region_shown}`"),
            span,
            "not available here",
        )
        .with_help(help)
    } else {
        let listing: Vec<String> = other_kinds
            .iter()
            .map(|k| format!("`{}`", k.charter_name()))
            .collect();
        Diagnostic::error(
            DEPLOYMENT_TYPE_NOT_IN_REGION,
            format!(
                "`{model}` version `{version_shown}` is not available as `{}` in `{region_shown}`",
                kind.charter_name()
            ),
            span,
            format!("no `{}` here", kind.charter_name()),
        )
        .with_help(format!(
            "in `{region_shown}` it is available as {}",
            crate::schema::join_or(&listing)
        ))
    };
    if let Some(s) = deployment_span {
        diagnostic = diagnostic.with_secondary(s, "the deployment type");
    }
    diagnostic
}

/// E0310: `name`, at `span`, is not shaped like the name Azure gives a fine-tuned model.
pub(crate) fn not_a_fine_tuned_name(name: &str, span: Span) -> Diagnostic {
    Diagnostic::error(
        INVALID_FINE_TUNED,
        format!("`{}` is not the name of a fine-tuned model", sanitize(name)),
        span,
        "Azure names fine-tuned models `<base>.ft-<id>`",
    )
    .with_note("Azure gives a fine-tuned model a name of its own, which deployments must use: the base model and version, `.ft-`, and the id of the fine-tuning job")
    .with_help("copy the model's name from the fine-tuning job (Azure AI Foundry, or `az cognitiveservices account deployment list` in the training account)")
}

/// E0310 (a warning): fine-tuned model `name`, at `span`, does not start with the name of its
/// base `base`, written at `base_span`.
pub(crate) fn not_named_after_base(
    (name, span): (&str, Span),
    (base, base_span): (&str, Span),
) -> Diagnostic {
    Diagnostic::warning(
        INVALID_FINE_TUNED,
        format!(
            "fine-tuned model `{}` does not start with the name of its base `{}`",
            sanitize(name),
            sanitize(base)
        ),
        span,
        "not named after its base",
    )
    .with_secondary(base_span, "the base model")
    .with_note("Azure names a fine-tuned model after the model it was trained from; a different name usually means the wrong base was written")
    .with_help("check `base:` against the fine-tuning job")
}

/// E0310: the training account of `name`, at `span`, is not an AI account's ARM id: its shape
/// is wrong, or (`not_a_guid`) its subscription segment is not a GUID.
pub(crate) fn invalid_training_account(
    name: &str,
    span: Span,
    not_a_guid: Option<&str>,
) -> Diagnostic {
    let problem = match not_a_guid {
        None => "expected `/subscriptions/…/resourceGroups/…/providers/Microsoft.CognitiveServices/accounts/…`".to_string(),
        Some(segment) => format!("`{}` is not a subscription id (a GUID)", sanitize(segment)),
    };
    Diagnostic::error(
        INVALID_FINE_TUNED,
        format!("invalid training account for `{}`: {problem}", sanitize(name)),
        span,
        "not the ARM id of an AI account",
    )
    .with_note("a fine-tuned model exists only in the account that trained it; deployments elsewhere name that account's id as the model's source")
    .with_help("write the account's id: `/subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.CognitiveServices/accounts/<name>`")
}

/// E0301: model `model`, at `span`, is not in the catalog, whose model names are `known`.
pub(crate) fn unknown_model<'c>(
    model: &str,
    span: Span,
    known: impl IntoIterator<Item = &'c str>,
) -> Diagnostic {
    let diagnostic = Diagnostic::error(
        UNKNOWN_MODEL,
        format!("unknown model `{}`", sanitize(model)),
        span,
        "not in the model catalog",
    );
    let diagnostic = super::with_suggestion(diagnostic, model, known, span, "\"");
    if diagnostic.help.is_none() {
        diagnostic.with_help(
            "declare it with `model \"NAME\" { ... }` if it is your own (fine-tuned or custom) model",
        )
    } else {
        diagnostic
    }
}

/// E0302: `version`, at `span`, is not among `versions`, the catalog's versions of `model`.
pub(crate) fn unknown_version(
    (version, span): (&str, Span),
    model: &str,
    versions: &[&str],
) -> Diagnostic {
    let model = sanitize(model);
    let diagnostic = Diagnostic::error(
        UNKNOWN_VERSION,
        format!("unknown version `{}` of model `{model}`", sanitize(version)),
        span,
        "not a version of this model in the catalog",
    );
    let diagnostic =
        super::with_suggestion(diagnostic, version, versions.iter().copied(), span, "\"");
    if diagnostic.help.is_some() {
        return diagnostic;
    }
    if versions.is_empty() {
        diagnostic.with_help(format!("the catalog lists no versions of `{model}`"))
    } else {
        let listing: Vec<String> = versions
            .iter()
            .map(|v| format!("`{}`", sanitize(v)))
            .collect();
        diagnostic.with_help(format!("known versions: {}", listing.join(", ")))
    }
}

/// E0303: region `region`, at `span`, is not in the catalog, whose region names are `known`.
pub(crate) fn unknown_region<'c>(
    region: &str,
    span: Span,
    known: impl IntoIterator<Item = &'c str>,
) -> Diagnostic {
    let diagnostic = Diagnostic::error(
        UNKNOWN_REGION,
        format!("unknown region `{}`", sanitize(region)),
        span,
        "not in the region catalog",
    );
    let diagnostic = super::with_suggestion(diagnostic, region, known, span, "\"");
    if diagnostic.help.is_none() {
        diagnostic
            .with_help("regions are written as Azure's programmatic names, such as `swedencentral`")
    } else {
        diagnostic
    }
}
