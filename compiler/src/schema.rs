//! The schema: one table that says what every block kind contains and what every phrase means.
//!
//! The grammar only knows the uniform shapes (block, field, clause, phrase); this table gives
//! them meaning. The checker validates every document against it, and the language server
//! reads it for completion (field names, keywords) and hover (docs). See
//! `docs/notes/0001-uniform-syntax.md` for the same table in prose.

use charter_ir::{
    Authority, BudgetPeriod, Category, DataZone, DeploymentType, Effect, Environment, ExemptRule,
    ExemptionCategory, FilterMode, GatewaySku, Management, Redundancy, Requirement, Scope,
    ShieldMode, Side, Threshold, Toggle,
};

use std::sync::LazyLock;

use crate::catalog::{Lifecycle, ModelKind, RegionAccess, RegionDataZone};
use crate::model::BlocklistManager;

/// Every kind of block, top-level or nested.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BlockKind {
    /// `filter NAME [extends PATH] { ... }`
    Filter,
    /// A side block inside a filter (`prompt { ... }`, `tool_call { ... }`): one per side of
    /// the table `ir/data/controls.tsv`.
    Side(Side),
    /// `policy NAME { ... }`
    Policy,
    /// `models { allow ... }` inside a policy.
    PolicyModels,
    /// `workload NAME { ... }`
    Workload,
    /// `app NAME { ... }` inside a workload.
    App,
    /// `endpoint NAME { ... }` inside a workload.
    Endpoint,
    /// `model "NAME" { ... }`: a catalog entry.
    Model,
    /// `version "VERSION" { ... }` inside a catalog model.
    ModelVersion,
    /// `region "NAME" { ... }`: a catalog entry.
    Region,
    /// `blocklist "NAME" { ... }`: a custom blocklist and its terms.
    Blocklist,
    /// `fine_tuned "NAME" { ... }`: a fine-tuned model, its base and the account that trained it.
    FineTuned,
    /// `classification "LEVEL" { ... }` inside a policy: a data classification level and what it
    /// requires.
    Classification,
    /// `gateway NAME { ... }`: an API Management gateway in front of workloads' endpoints.
    Gateway,
    /// `monitoring NAME { ... }`: a Log Analytics workspace and the alerts of workloads.
    Monitoring,
    /// `management_group "ID" { ... }`: a management group of the hierarchy, with the groups and
    /// subscriptions below it.
    ManagementGroup,
    /// `subscription "NAME" { ... }` inside a management group: a subscription, its id and its
    /// resource groups.
    Subscription,
    /// `business_unit NAME { ... }`: a business unit that owns one AI Foundry resource, whose
    /// workloads are its projects.
    BusinessUnit,
}

/// What a block's label must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelKind {
    /// No label (`prompt { ... }`).
    None,
    /// An identifier (`filter strict`).
    Name,
    /// A string (`model "gpt-4.1"`).
    Str,
}

/// What a reference points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RefKind {
    Filter,
    Policy,
    /// An app of a workload (`serves: [chat_web]`).
    App,
    /// A workload (`routes: [customer_support]`).
    Workload,
    /// A business unit (`business_unit: customer_service`).
    BusinessUnit,
}

impl RefKind {
    /// The domain word for what the reference names (`filter`).
    pub fn noun(self) -> &'static str {
        match self {
            RefKind::Filter => "filter",
            RefKind::Policy => "policy",
            RefKind::App => "app",
            RefKind::Workload => "workload",
            RefKind::BusinessUnit => "business unit",
        }
    }

    /// The keyword that declares what the reference names (`business_unit`).
    pub fn keyword(self) -> &'static str {
        match self {
            RefKind::BusinessUnit => "business_unit",
            other => other.noun(),
        }
    }
}

/// What a string names, so completion and hover know where to look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StrRole {
    /// Free text (display names, descriptions, resource group names).
    Text,
    /// A model name from the catalog.
    Model,
    /// A model version from the catalog (of the model named in the same phrase).
    Version,
    /// A region name from the catalog.
    Region,
    /// An e-mail address.
    Email,
    /// A custom blocklist name.
    Blocklist,
}

/// A closed set of keywords a value may take.
#[derive(Debug)]
pub struct KeywordSet {
    /// What one of these is called in messages (`a severity`).
    pub what: &'static str,
    pub words: &'static [Keyword],
}

impl KeywordSet {
    /// Whether `word` is one of the set.
    pub fn contains(&self, word: &str) -> bool {
        self.words.iter().any(|keyword| keyword.word == word)
    }

    /// The words joined for a message: `low, medium, high or off`.
    pub fn listing(&self) -> String {
        let words: Vec<String> = self.words.iter().map(|k| k.word.to_string()).collect();
        join_or(&words)
    }

    /// The keyword entry for `word`.
    pub fn keyword(&self, word: &str) -> Option<&'static Keyword> {
        self.words.iter().find(|keyword| keyword.word == word)
    }
}

/// One keyword with the doc that hover and completion show.
#[derive(Clone, Copy, Debug)]
pub struct Keyword {
    pub word: &'static str,
    pub doc: &'static str,
}

/// The kind of one value in a phrase.
#[derive(Debug)]
pub enum ValueKind {
    Str(StrRole),
    /// A whole number without a unit.
    Integer,
    /// Deployment capacity: a whole number, optionally followed by `units`.
    Capacity,
    /// A percentage (`80%`).
    Percent,
    /// An amount with an ISO 4217 currency (`2000 USD`).
    Money,
    /// A number of days, weeks, months or years (`90 days`).
    Duration,
    /// A calendar date (`2027-01-31`).
    Date,
    /// `true` or `false`.
    Bool,
    Keyword(&'static KeywordSet),
    /// A reference to a declared name.
    Ref(RefKind),
    /// `management_group("id")`, `subscription("id")` or `resource_group("name")`.
    Scope,
    /// What an exemption exempts: a scope, one resource (`resource(resource_group("rg"),
    /// "TYPE", "NAME")`) or the account of an endpoint (`endpoint(WORKLOAD.ENDPOINT)`).
    ExemptScope,
    List(&'static ValueKind),
    /// One value of the kind, or a list of them.
    OneOrList(&'static ValueKind),
}

impl ValueKind {
    /// What a value of this kind is called in messages (`a severity: low, medium, high or off`).
    pub fn describe(&self) -> String {
        match self {
            ValueKind::Str(StrRole::Text) => "a string".to_string(),
            ValueKind::Str(StrRole::Model) => "a model name (a string)".to_string(),
            ValueKind::Str(StrRole::Version) => "a model version (a string)".to_string(),
            ValueKind::Str(StrRole::Region) => "a region name (a string)".to_string(),
            ValueKind::Str(StrRole::Email) => "an e-mail address (a string)".to_string(),
            ValueKind::Str(StrRole::Blocklist) => "a blocklist name (a string)".to_string(),
            ValueKind::Integer => "a whole number".to_string(),
            ValueKind::Capacity => "a capacity in units, such as `100`".to_string(),
            ValueKind::Percent => "a percentage, such as `80%`".to_string(),
            ValueKind::Money => "an amount of money, such as `2000 USD`".to_string(),
            ValueKind::Duration => "a duration, such as `90 days`".to_string(),
            ValueKind::Date => "a date (YYYY-MM-DD)".to_string(),
            ValueKind::Bool => "`true` or `false`".to_string(),
            ValueKind::Keyword(set) => format!("{}: {}", set.what, set.listing()),
            ValueKind::Ref(kind) => format!("{} name", crate::codes::with_article(kind.noun())),
            ValueKind::Scope => {
                "a scope: `management_group(\"id\")`, `subscription(\"id\")` or `resource_group(\"name\")`"
                    .to_string()
            }
            ValueKind::ExemptScope => {
                "a scope: `management_group(\"id\")`, `subscription(\"id\")`, `resource_group(\"name\")`, `resource(resource_group(\"name\"), \"TYPE\", \"NAME\")` or `endpoint(WORKLOAD.ENDPOINT)`"
                    .to_string()
            }
            ValueKind::List(element) => format!("a list of {}", element.describe_short()),
            ValueKind::OneOrList(element) => {
                format!("{} or a list of them", element.describe_short())
            }
        }
    }

    /// A shorter description, for list elements.
    fn describe_short(&self) -> String {
        match self {
            ValueKind::Keyword(set) => set.what.to_string(),
            ValueKind::Scope | ValueKind::ExemptScope => "scopes".to_string(),
            ValueKind::Str(StrRole::Text) => "strings".to_string(),
            ValueKind::Str(StrRole::Model) => "model names".to_string(),
            ValueKind::Str(StrRole::Version) => "model versions (strings)".to_string(),
            ValueKind::Str(StrRole::Region) => "region names (strings)".to_string(),
            ValueKind::Str(StrRole::Email) => "e-mail addresses (strings)".to_string(),
            ValueKind::Str(StrRole::Blocklist) => "blocklist names (strings)".to_string(),
            ValueKind::Percent => "percentages".to_string(),
            ValueKind::Ref(kind) => format!("{} names", kind.noun()),
            other => other.describe(),
        }
    }
}

/// One positional value or modifier argument of a phrase.
#[derive(Debug)]
pub struct Slot {
    pub kind: ValueKind,
    /// What the value is, for messages about a missing one (`a budget period`).
    pub what: &'static str,
    /// Whether the phrase is complete without it (only trailing slots may be optional).
    pub optional: bool,
}

/// A modifier word and its arguments: `capacity 100`, `redundancy active_passive`.
#[derive(Debug)]
pub struct Modifier {
    pub word: &'static str,
    pub args: &'static [Slot],
    pub required: bool,
    pub doc: &'static str,
}

/// The shape of a phrase: a head value, positional values after it, then modifiers in any
/// order, each at most once.
#[derive(Debug)]
pub struct PhraseSchema {
    pub head: ValueKind,
    pub positional: &'static [Slot],
    pub modifiers: &'static [Modifier],
}

impl PhraseSchema {
    /// The modifier named `word`.
    pub fn modifier(&'static self, word: &str) -> Option<&'static Modifier> {
        self.modifiers.iter().find(|modifier| modifier.word == word)
    }
}

/// How often an entry may occur in its block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Occurs {
    Required,
    /// Required in a filter that does not `extends` another (filter categories).
    RequiredUnlessExtends,
    Optional,
    Repeatable,
}

/// Whether an entry is a field (`key: phrase`), a clause (`keyword phrase`) or a nested block.
#[derive(Debug)]
pub enum EntryShape {
    Field(PhraseSchema),
    Clause(PhraseSchema),
    Block(BlockKind),
}

/// One entry a block may contain.
#[derive(Debug)]
pub struct EntrySchema {
    pub name: &'static str,
    pub shape: EntryShape,
    pub occurs: Occurs,
    /// What the entry means, for hover and completion.
    pub doc: &'static str,
    /// A sensible value to insert when a required entry is missing (`medium`).
    pub placeholder: &'static str,
}

impl EntrySchema {
    /// The phrase of a field or clause.
    pub fn phrase(&self) -> Option<&PhraseSchema> {
        match &self.shape {
            EntryShape::Field(phrase) | EntryShape::Clause(phrase) => Some(phrase),
            EntryShape::Block(_) => None,
        }
    }

    /// Keywords a field or clause head accepts, for completion after `key:`.
    pub fn head_keywords(&'static self) -> &'static [Keyword] {
        match &self.shape {
            EntryShape::Field(phrase) | EntryShape::Clause(phrase) => keywords_of(&phrase.head),
            EntryShape::Block(_) => &[],
        }
    }

    /// What the entry is called in messages (`field `effect``, `clause `allow``).
    pub fn describe(&self) -> String {
        match self.shape {
            EntryShape::Field(_) => format!("field `{}`", self.name),
            EntryShape::Clause(_) => format!("clause `{}`", self.name),
            EntryShape::Block(_) => format!("block `{}`", self.name),
        }
    }
}

/// The keywords a value kind accepts, when it is a keyword set (or a list of them).
pub fn keywords_of(kind: &'static ValueKind) -> &'static [Keyword] {
    match kind {
        ValueKind::Keyword(set) => set.words,
        ValueKind::Bool => BOOLEAN.words,
        ValueKind::List(element) | ValueKind::OneOrList(element) => keywords_of(element),
        _ => &[],
    }
}

/// Everything one kind of block contains.
#[derive(Debug)]
pub struct BlockSchema {
    pub kind: BlockKind,
    pub keyword: &'static str,
    pub label: LabelKind,
    /// Whether the block may `extends` another of its kind.
    pub extends: bool,
    pub entries: &'static [EntrySchema],
    pub doc: &'static str,
}

impl BlockSchema {
    /// The entry called `name` (field, clause or nested block).
    pub fn entry(&'static self, name: &str) -> Option<&'static EntrySchema> {
        self.entries.iter().find(|entry| entry.name == name)
    }

    /// The schema of the nested block `keyword` inside this block (`endpoint` in a workload).
    pub fn nested(&'static self, keyword: &str) -> Option<&'static BlockSchema> {
        match self.entry(keyword)?.shape {
            EntryShape::Block(kind) => Some(block(kind)),
            _ => None,
        }
    }

    /// The nested block kinds this block may contain.
    pub fn nested_blocks(&self) -> impl Iterator<Item = BlockKind> + '_ {
        self.entries.iter().filter_map(|entry| match entry.shape {
            EntryShape::Block(kind) => Some(kind),
            _ => None,
        })
    }
}

/// The schema of one block kind.
pub fn block(kind: BlockKind) -> &'static BlockSchema {
    match kind {
        BlockKind::Filter => &FILTER,
        BlockKind::Side(side) => side_block(side),
        BlockKind::Policy => &POLICY,
        BlockKind::PolicyModels => &POLICY_MODELS,
        BlockKind::Workload => &WORKLOAD,
        BlockKind::App => &APP,
        BlockKind::Endpoint => &ENDPOINT,
        BlockKind::Model => &MODEL,
        BlockKind::ModelVersion => &MODEL_VERSION,
        BlockKind::Region => &REGION,
        BlockKind::Blocklist => &BLOCKLIST,
        BlockKind::FineTuned => &FINE_TUNED,
        BlockKind::Classification => &CLASSIFICATION,
        BlockKind::Gateway => &GATEWAY,
        BlockKind::Monitoring => &MONITORING,
        BlockKind::ManagementGroup => &MANAGEMENT_GROUP,
        BlockKind::Subscription => &SUBSCRIPTION,
        BlockKind::BusinessUnit => &BUSINESS_UNIT,
    }
}

/// The blocks that may appear at the top level of a document.
pub const TOP_LEVEL: &[BlockKind] = &[
    BlockKind::Filter,
    BlockKind::Policy,
    BlockKind::Workload,
    BlockKind::Model,
    BlockKind::Region,
    BlockKind::Blocklist,
    BlockKind::FineTuned,
    BlockKind::Gateway,
    BlockKind::Monitoring,
    BlockKind::ManagementGroup,
    BlockKind::BusinessUnit,
];

/// The top-level block introduced by `keyword`.
pub fn top_level_block(keyword: &str) -> Option<&'static BlockSchema> {
    TOP_LEVEL
        .iter()
        .map(|&kind| block(kind))
        .find(|schema| schema.keyword == keyword)
}

/// The schema of the block reached by a chain of keywords from the top level
/// (`["workload", "endpoint"]`), for a language server that knows the enclosing blocks.
pub fn block_at_path(keywords: &[&str]) -> Option<&'static BlockSchema> {
    let (first, rest) = keywords.split_first()?;
    let mut schema = top_level_block(first)?;
    for keyword in rest {
        schema = schema.nested(keyword)?;
    }
    Some(schema)
}

/// The keywords the head of `field` in a `kind` block takes (completion after `field:`).
pub fn keywords_for(kind: BlockKind, field: &str) -> &'static [Keyword] {
    block(kind)
        .entry(field)
        .map_or(&[], |entry| entry.head_keywords())
}

/// Joins words as a reader would: `a`, `a or b`, `a, b or c`.
pub fn join_or(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// A keyword set made from an enum's keywords (`charter_ir::keywords!`), in the enum's order,
/// each with its doc. The enum is the one source of the words: the schema accepts exactly the
/// values the IR (or the catalog) can hold, and the match that gives the docs has no default
/// arm, so a new value without a doc does not compile.
macro_rules! vocabulary {
    ($what:literal, $enum:ident { $($variant:ident => $doc:literal),+ $(,)? }) => {
        KeywordSet {
            what: $what,
            words: {
                const fn doc(value: $enum) -> &'static str {
                    match value {
                        $($enum::$variant => $doc,)+
                    }
                }
                const WORDS: [Keyword; $enum::ALL.len()] = {
                    let mut words = [Keyword { word: "", doc: "" }; $enum::ALL.len()];
                    let mut index = 0;
                    while index < words.len() {
                        let value = $enum::ALL[index];
                        words[index] = Keyword {
                            word: value.charter_name(),
                            doc: doc(value),
                        };
                        index += 1;
                    }
                    words
                };
                &WORDS
            },
        }
    };
}

/// Harm-category thresholds.
pub static SEVERITY: KeywordSet = vocabulary!("a severity", Threshold {
    Low => "Blocks low, medium and high severity content (strictest).",
    Medium => "Blocks medium and high severity content.",
    High => "Blocks only high severity content.",
    Off => "Does not filter this category.",
});

/// Shield modes.
pub static SHIELD: KeywordSet = KeywordSet {
    what: "a shield action",
    words: {
        // The actions and their docs come from the table `ir/data/controls.tsv`.
        const WORDS: [Keyword; ShieldMode::ALL.len()] = {
            let mut words = [Keyword { word: "", doc: "" }; ShieldMode::ALL.len()];
            let mut index = 0;
            while index < words.len() {
                let value = ShieldMode::ALL[index];
                words[index] = Keyword {
                    word: value.charter_name(),
                    doc: value.doc(),
                };
                index += 1;
            }
            words
        };
        &WORDS
    },
};

/// The sides of a filter (intervention points), from the table `ir/data/controls.tsv`.
pub static SIDE: KeywordSet = KeywordSet {
    what: "a side",
    words: {
        const WORDS: [Keyword; Side::ALL.len()] = {
            let mut words = [Keyword { word: "", doc: "" }; Side::ALL.len()];
            let mut index = 0;
            while index < words.len() {
                let value = Side::ALL[index];
                words[index] = Keyword {
                    word: value.charter_name(),
                    doc: value.doc(),
                };
                index += 1;
            }
            words
        };
        &WORDS
    },
};

/// Streaming modes of a content filter.
pub static FILTER_MODE: KeywordSet = vocabulary!("a streaming mode", FilterMode {
    Default => "Filters content before it is streamed (Azure's `Default`).",
    Asynchronous => "Streams first and filters asynchronously (Azure's `Asynchronous_filter`).",
});

/// Who creates a blocklist.
pub static BLOCKLIST_MANAGEMENT: KeywordSet = vocabulary!("who manages the blocklist", BlocklistManager {
    Charter => "Charter creates the blocklist, with its terms and patterns, in every AI account whose filter uses it.",
    External => "Another team creates the blocklist; Charter refers to it, and the build lists it as a prerequisite.",
});

/// Policy effects.
pub static EFFECT: KeywordSet = vocabulary!("an effect", Effect {
    Deny => "Azure Policy rejects non-compliant deployments.",
    Audit => "Azure Policy reports non-compliant deployments but lets them through.",
    Disabled => "The rules are assigned but not evaluated.",
});

/// Enabled/disabled settings.
pub static TOGGLE: KeywordSet = vocabulary!("a setting", Toggle {
    Disabled => "Must be turned off.",
    Enabled => "Must be turned on.",
});

/// Environments of workloads and apps.
pub static ENVIRONMENT: KeywordSet = vocabulary!("an environment", Environment {
    Sandbox => "Experimentation, apart from everything else.",
    Dev => "Development.",
    Test => "Testing and quality gates.",
    Prod => "Production.",
});

/// Data zones a workload may keep its data in.
pub static WORKLOAD_DATA_ZONE: KeywordSet = vocabulary!("a data zone", DataZone {
    Eu => "The EU Data Boundary.",
    Us => "The United States.",
});

/// Data zones of catalog regions.
pub static REGION_DATA_ZONE: KeywordSet = vocabulary!("a data zone", RegionDataZone {
    Eu => "The EU Data Boundary.",
    Us => "The United States.",
    Apac => "Asia Pacific.",
});

/// Budget periods.
pub static BUDGET_PERIOD: KeywordSet = vocabulary!("a budget period", BudgetPeriod {
    Monthly => "The amount is per calendar month.",
    Quarterly => "The amount is per quarter.",
    Annually => "The amount is per year.",
});

/// Deployment types (Azure SKUs).
pub static DEPLOYMENT_TYPE: KeywordSet = vocabulary!("a deployment type", DeploymentType {
    GlobalStandard => "Pay per token, processed in any Azure region (`GlobalStandard`).",
    DataZoneStandard => "Pay per token, processed within the data zone (`DataZoneStandard`).",
    Standard => "Pay per token, processed in the deployment's region (`Standard`).",
    GlobalProvisioned => "Reserved throughput, processed in any region (`GlobalProvisionedManaged`).",
    DataZoneProvisioned => "Reserved throughput within the data zone (`DataZoneProvisionedManaged`).",
    Provisioned => "Reserved throughput in the deployment's region (`ProvisionedManaged`).",
    GlobalBatch => "Asynchronous batch jobs, processed in any region (`GlobalBatch`).",
    DataZoneBatch => "Asynchronous batch jobs within the data zone (`DataZoneBatch`).",
    Developer => "For fine-tuned model evaluation, no SLA (`DeveloperTier`).",
});

/// Redundancy modes of an endpoint.
pub static REDUNDANCY: KeywordSet = vocabulary!("a redundancy mode", Redundancy {
    None => "No failover intent.",
    ActivePassive => "The first region serves; the others stand by.",
    ActiveActive => "Every region serves at full capacity.",
});

/// Exemption categories.
pub static EXEMPTION_CATEGORY: KeywordSet = vocabulary!("an exemption category", ExemptionCategory {
    Waiver => "The scope is knowingly out of compliance for a time.",
    Mitigated => "The intent of the policy is met another way.",
});

/// The rules an exemption may be limited to (`only [...]`).
pub static EXEMPT_RULE: KeywordSet = vocabulary!("a policy rule", ExemptRule {
    Models => "The approved models and versions (`models`).",
    Filters => "The minimum content filter (`filters`).",
    Regions => "The allowed regions (`regions`).",
    MaxCapacity => "The pay-per-token capacity cap (`max_capacity`).",
    MaxProvisioned => "The provisioned throughput cap (`max_provisioned`).",
    DeploymentTypes => "The allowed deployment types (`deployment_types`).",
    LocalAuth => "No API keys (`local_auth`).",
    PublicNetwork => "No public network access (`public_network`).",
    OwnerTag => "The owner tag (`owner_tag`).",
});

/// Model kinds in the catalog.
pub static MODEL_KIND: KeywordSet = vocabulary!("a model kind", ModelKind {
    Chat => "Chat completions.",
    Completions => "Text completions.",
    Embeddings => "Embeddings.",
    Image => "Image generation.",
    Audio => "Speech and audio.",
    Video => "Video generation.",
    Realtime => "Realtime audio.",
    Other => "Anything else.",
});

/// Lifecycle stages of a model version.
pub static LIFECYCLE: KeywordSet = vocabulary!("a lifecycle stage", Lifecycle {
    Preview => "Not generally available; may change or go away.",
    Ga => "Generally available.",
    Legacy => "Still available; a newer version is recommended.",
    Deprecated => "No new customers; existing deployments keep working until retirement.",
    Retired => "No longer served.",
});

/// Region access.
pub static REGION_ACCESS: KeywordSet = vocabulary!("a region access", RegionAccess {
    General => "Open to every customer.",
    Restricted => "Access-restricted: needs a request to Microsoft.",
});

/// Who deploys and configures a workload's AI resources.
pub static AUTHORITY: KeywordSet = vocabulary!("a deployment authority", Authority {
    WorkloadTeam => "The workload's own team (its `team:` group) deploys and configures its AI resources, within the governance, on its own resource group.",
    CentralTeam => "The central team (the policy's `central_team:` group) deploys and configures them; the workload's team may only use them.",
});

/// Who creates a gateway's service or a monitoring workspace.
pub static MANAGEMENT: KeywordSet = vocabulary!("who manages it", Management {
    Charter => "Charter creates it.",
    External => "Another team creates it; Charter refers to it by name and adds only its own parts.",
});

/// API Management tiers.
pub static GATEWAY_SKU: KeywordSet = vocabulary!("an API Management tier", GatewaySku {
    Developer => "For development and tests, no SLA (`Developer`).",
    Basic => "Entry production tier, one region (`Basic`).",
    Standard => "Medium production tier, one region (`Standard`).",
    Premium => "Multi-region gateways (additional locations) and availability zones (`Premium`).",
    BasicV2 => "Entry v2 tier, one region (`BasicV2`).",
    StandardV2 => "Standard v2 tier, one region (`StandardV2`).",
    PremiumV2 => "Premium v2 tier (`PremiumV2`).",
});

/// Whether a policy requires every workload to belong to a business unit.
pub static REQUIREMENT: KeywordSet = vocabulary!("a requirement", Requirement {
    Required => "Every workload the policy governs must name its `business_unit:` (AI Foundry structure).",
    Optional => "A workload may name a business unit; one that does not keeps its own AI accounts.",
});

/// Booleans.
pub static BOOLEAN: KeywordSet = KeywordSet {
    what: "a boolean",
    words: &[
        Keyword {
            word: "true",
            doc: "Yes.",
        },
        Keyword {
            word: "false",
            doc: "No.",
        },
    ],
};

/// The `at_least` of `filters: at_least baseline`.
pub static AT_LEAST: KeywordSet = KeywordSet {
    what: "a filter requirement",
    words: &[Keyword {
        word: "at_least",
        doc: "Every deployment's filter must be this strict or stricter.",
    }],
};

charter_ir::keywords! {
    /// The scope constructors: `management_group("id")`, `subscription("id")`,
    /// `resource_group("name")`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum ScopeKind {
        ManagementGroup => "management_group",
        Subscription => "subscription",
        ResourceGroup => "resource_group",
        Resource => "resource",
    }
}

impl ScopeKind {
    /// The kind of a scope.
    pub fn of(scope: &Scope) -> ScopeKind {
        match scope {
            Scope::ManagementGroup(_) => ScopeKind::ManagementGroup,
            Scope::Subscription(_) => ScopeKind::Subscription,
            Scope::ResourceGroup(_) => ScopeKind::ResourceGroup,
            Scope::Resource(_) => ScopeKind::Resource,
        }
    }
}

const fn field(
    name: &'static str,
    head: ValueKind,
    occurs: Occurs,
    doc: &'static str,
    placeholder: &'static str,
) -> EntrySchema {
    EntrySchema {
        name,
        shape: EntryShape::Field(PhraseSchema {
            head,
            positional: &[],
            modifiers: &[],
        }),
        occurs,
        doc,
        placeholder,
    }
}

const fn nested(
    name: &'static str,
    kind: BlockKind,
    occurs: Occurs,
    doc: &'static str,
) -> EntrySchema {
    EntrySchema {
        name,
        shape: EntryShape::Block(kind),
        occurs,
        doc,
        placeholder: "",
    }
}

/// The entries of one side block: every control the table `ir/data/controls.tsv` says applies
/// on that side, then the side's own blocklists and safety providers. The controls of the
/// prompt and the completion are required in a filter that extends nothing; those of the
/// agents' sides are optional (a control left out is off).
fn side_entries(side: Side) -> Vec<EntrySchema> {
    let mut entries: Vec<EntrySchema> = Category::ALL
        .into_iter()
        .filter(|category| category.applies_to(side))
        .map(|category| {
            let occurs = if side.agents_only() || !category.required() {
                Occurs::Optional
            } else {
                Occurs::RequiredUnlessExtends
            };
            let (keywords, placeholder) = if category.is_harm() {
                (&SEVERITY, "medium")
            } else {
                (&SHIELD, "block")
            };
            field(
                category.charter_name(),
                ValueKind::Keyword(keywords),
                occurs,
                category.doc(),
                placeholder,
            )
        })
        .collect();
    let side_doc: &'static str = Box::leak(
        format!(
            "Custom blocklists applied on this side only ({}; declared with `blocklist \"NAME\" \
             {{ ... }}`).",
            side.charter_name()
        )
        .into_boxed_str(),
    );
    entries.push(field(
        "blocklists",
        ValueKind::List(&ValueKind::Str(StrRole::Blocklist)),
        Occurs::Optional,
        side_doc,
        "[]",
    ));
    entries.push(field(
        "safety_providers",
        ValueKind::List(&ValueKind::Str(StrRole::Text)),
        Occurs::Optional,
        "External safety providers Azure calls on this side (registered in the subscription as \
         `Microsoft.CognitiveServices/raiExternalSafetyProviders`, by name); what they flag is \
         blocked.",
        "[]",
    ));
    entries
}

/// The schema of every side block, built once from the table of sides and controls.
static SIDE_BLOCKS: LazyLock<Vec<BlockSchema>> = LazyLock::new(|| {
    Side::ALL
        .into_iter()
        .map(|side| BlockSchema {
            kind: BlockKind::Side(side),
            keyword: side.charter_name(),
            label: LabelKind::None,
            extends: false,
            doc: side.doc(),
            entries: Box::leak(side_entries(side).into_boxed_slice()),
        })
        .collect()
});

fn side_block(side: Side) -> &'static BlockSchema {
    let index = Side::ALL.iter().position(|s| *s == side).unwrap_or(0);
    &SIDE_BLOCKS[index]
}

static FILTER: LazyLock<BlockSchema> = LazyLock::new(|| {
    let mut entries: Vec<EntrySchema> = Side::ALL
        .into_iter()
        .map(|side| {
            nested(
                side.charter_name(),
                BlockKind::Side(side),
                if side.agents_only() {
                    Occurs::Optional
                } else {
                    Occurs::RequiredUnlessExtends
                },
                side.doc(),
            )
        })
        .collect();
    entries.push(field(
        "blocklists",
        ValueKind::List(&ValueKind::Str(StrRole::Blocklist)),
        Occurs::Optional,
        "Custom blocklists applied to both the prompt and the completion (declared with \
         `blocklist \"NAME\" { ... }`); a filter that extends another adds to its blocklists.",
        "[]",
    ));
    entries.push(field(
        "mode",
        ValueKind::Keyword(&FILTER_MODE),
        Occurs::Optional,
        "When content is filtered: `default` before it is streamed, `asynchronous` after \
         (weaker). Inherited through `extends`; `default` when no filter in the chain says.",
        "default",
    ));
    BlockSchema {
        kind: BlockKind::Filter,
        keyword: "filter",
        label: LabelKind::Name,
        extends: true,
        doc: "A content filter (an Azure RAI policy, a guardrail): a threshold for every harm \
              category and an action for every shield, on the prompt and the completion side, and \
              for agents on their tool calls, tool responses and runs.",
        entries: Box::leak(entries.into_boxed_slice()),
    }
});

static POLICY: BlockSchema = BlockSchema {
    kind: BlockKind::Policy,
    keyword: "policy",
    label: LabelKind::Name,
    extends: false,
    doc: "A governance policy: what workloads may deploy, compiled to an Azure Policy initiative \
          assigned at each scope.",
    entries: &[
        field(
            "display_name",
            ValueKind::Str(StrRole::Text),
            Occurs::Optional,
            "The name shown in the Azure portal (default: the policy's name).",
            "\"\"",
        ),
        field(
            "description",
            ValueKind::Str(StrRole::Text),
            Occurs::Optional,
            "The description shown in the Azure portal (default: the doc comment).",
            "\"\"",
        ),
        field(
            "scope",
            ValueKind::OneOrList(&ValueKind::Scope),
            Occurs::Required,
            "Where the policy is assigned: a management group, subscription or resource group, or a list of them.",
            "management_group(\"id\")",
        ),
        field(
            "definitions_at",
            ValueKind::Scope,
            Occurs::Optional,
            "Where the policy's definitions and initiative are stored: a management group or \
             subscription at or above every scope the policy is assigned at (Azure assigns an \
             initiative only at or below the place it is stored). Default, with a declared \
             hierarchy: the lowest management group above every scope; without one: the \
             policy's only management group or subscription, or the subscription of its \
             resource groups, and required when the policy is assigned at several management \
             groups or subscriptions.",
            "management_group(\"\")",
        ),
        field(
            "effect",
            ValueKind::Keyword(&EFFECT),
            Occurs::Optional,
            "What Azure does with a non-compliant deployment (default `deny`).",
            "deny",
        ),
        nested(
            "models",
            BlockKind::PolicyModels,
            Occurs::Optional,
            "The allowed models and versions; without it any model is allowed.",
        ),
        EntrySchema {
            name: "filters",
            shape: EntryShape::Field(PhraseSchema {
                head: ValueKind::Keyword(&AT_LEAST),
                positional: &[Slot {
                    kind: ValueKind::Ref(RefKind::Filter),
                    what: "the minimum filter",
                    optional: false,
                }],
                modifiers: &[],
            }),
            occurs: Occurs::Optional,
            doc: "`at_least FILTER`: every deployment's filter must be this strict or stricter.",
            placeholder: "at_least std.filters.default",
        },
        field(
            "regions",
            ValueKind::List(&ValueKind::Str(StrRole::Region)),
            Occurs::Optional,
            "The allowed regions; without it any region is allowed.",
            "[]",
        ),
        field(
            "max_capacity",
            ValueKind::Capacity,
            Occurs::Optional,
            "The largest capacity of one pay-per-token deployment (standard, global, data-zone, \
             batch and developer types), in units of 1,000 tokens per minute.",
            "100 units",
        ),
        field(
            "max_provisioned",
            ValueKind::Capacity,
            Occurs::Optional,
            "The largest capacity of one provisioned deployment, in provisioned throughput units \
             (PTUs).",
            "50 units",
        ),
        field(
            "deployment_types",
            ValueKind::List(&ValueKind::Keyword(&DEPLOYMENT_TYPE)),
            Occurs::Optional,
            "The deployment types deployments may use; without it any type is allowed.",
            "[data_zone_standard]",
        ),
        field(
            "guardrail",
            ValueKind::Ref(RefKind::Filter),
            Occurs::Optional,
            "A filter set once per subscription as its guardrail (a subscription-level RAI \
             policy, `Microsoft.CognitiveServices/raiPolicy`), in every subscription the \
             policy's workloads deploy to.",
            "std.filters.agents",
        ),
        field(
            "agent_sides",
            ValueKind::List(&ValueKind::Keyword(&SIDE)),
            Occurs::Optional,
            "The sides (intervention points) every endpoint with `agents: enabled` must guard: \
             its filter needs a control on each (a category not `off`, a blocklist or a safety \
             provider).",
            "[tool_call, tool_response]",
        ),
        field(
            "local_auth",
            ValueKind::Keyword(&TOGGLE),
            Occurs::Optional,
            "Whether AI accounts may accept API keys (`disabled`: Microsoft Entra ID only).",
            "disabled",
        ),
        field(
            "public_network",
            ValueKind::Keyword(&TOGGLE),
            Occurs::Optional,
            "Whether AI accounts may be reached from the public internet.",
            "disabled",
        ),
        field(
            "retirement_warning",
            ValueKind::Duration,
            Occurs::Optional,
            "How long before a version's retirement to warn (default `90 days`).",
            "90 days",
        ),
        field(
            "owner_tag",
            ValueKind::Str(StrRole::Text),
            Occurs::Optional,
            "The tag key that records which workload owns an AI account (default `\"charter-workload\"`).",
            "\"charter-workload\"",
        ),
        EntrySchema {
            name: "exempt",
            shape: EntryShape::Clause(PhraseSchema {
                head: ValueKind::ExemptScope,
                positional: &[],
                modifiers: &[
                    Modifier {
                        word: "under",
                        args: &[Slot {
                            kind: ValueKind::Scope,
                            what: "the policy scope whose assignment is exempted",
                            optional: false,
                        }],
                        required: false,
                        doc: "Which of the policy's scopes (assignments) the exemption applies to; \
                              needed when the policy has several scopes and the exempted scope is \
                              not one of them.",
                    },
                    Modifier {
                        word: "until",
                        args: &[Slot {
                            kind: ValueKind::Date,
                            what: "the expiry date",
                            optional: false,
                        }],
                        required: true,
                        doc: "The date the exemption expires.",
                    },
                    Modifier {
                        word: "as",
                        args: &[
                            Slot {
                                kind: ValueKind::Keyword(&EXEMPTION_CATEGORY),
                                what: "the exemption category",
                                optional: false,
                            },
                            Slot {
                                kind: ValueKind::Str(StrRole::Text),
                                what: "the reason",
                                optional: true,
                            },
                        ],
                        required: false,
                        doc: "`waiver` or `mitigated`, and the reason.",
                    },
                    Modifier {
                        word: "only",
                        args: &[Slot {
                            kind: ValueKind::List(&ValueKind::Keyword(&EXEMPT_RULE)),
                            what: "the rules exempted",
                            optional: false,
                        }],
                        required: false,
                        doc: "Exempt from these rules of the policy only (Azure's \
                              `policyDefinitionReferenceIds`); without it, from every rule.",
                    },
                    Modifier {
                        word: "owner",
                        args: &[Slot {
                            kind: ValueKind::Str(StrRole::Text),
                            what: "who answers for the exemption",
                            optional: false,
                        }],
                        required: false,
                        doc: "Who answers for the exemption (a person or team).",
                    },
                    Modifier {
                        word: "ticket",
                        args: &[Slot {
                            kind: ValueKind::Str(StrRole::Text),
                            what: "the ticket that records the exemption",
                            optional: false,
                        }],
                        required: false,
                        doc: "The change or risk ticket that records the exemption.",
                    },
                ],
            }),
            occurs: Occurs::Repeatable,
            doc: "`exempt SCOPE [under SCOPE] until DATE as waiver|mitigated \"reason\" \
                  [only [RULES]] [owner \"...\"] [ticket \"...\"]`: a time-limited exemption \
                  from the policy's assignment at the `under` scope.",
            placeholder: "",
        },
        field(
            "exemption_warning",
            ValueKind::Duration,
            Occurs::Optional,
            "How long before an exemption expires to warn (default `30 days`).",
            "30 days",
        ),
        field(
            "max_exemption",
            ValueKind::Duration,
            Occurs::Optional,
            "The longest an exemption may run from today; a longer `until` is an error.",
            "180 days",
        ),
        field(
            "central_team",
            ValueKind::Str(StrRole::Text),
            Occurs::Optional,
            "The object id of the central team's Microsoft Entra group: the team that deploys \
             and configures the AI resources of every workload managed by `central_team`.",
            "\"00000000-0000-0000-0000-000000000000\"",
        ),
        field(
            "managed_by",
            ValueKind::Keyword(&AUTHORITY),
            Occurs::Optional,
            "Who deploys and configures the AI resources of the workloads the policy governs \
             (each workload may say otherwise): `workload_team` or `central_team`.",
            "workload_team",
        ),
        nested(
            "classification",
            BlockKind::Classification,
            Occurs::Repeatable,
            "A data classification level and what it requires; levels are listed least \
             sensitive first, and each requires everything the levels before it require.",
        ),
        field(
            "business_units",
            ValueKind::Keyword(&REQUIREMENT),
            Occurs::Optional,
            "`required`: every workload the policy governs names its `business_unit:`, so that \
             each business unit gets its own AI Foundry resource and each workload a project in \
             it (default `optional`).",
            "required",
        ),
    ],
};

static POLICY_MODELS: BlockSchema = BlockSchema {
    kind: BlockKind::PolicyModels,
    keyword: "models",
    label: LabelKind::None,
    extends: false,
    doc: "The models a policy allows.",
    entries: &[EntrySchema {
        name: "allow",
        shape: EntryShape::Clause(PhraseSchema {
            head: ValueKind::Str(StrRole::Model),
            positional: &[],
            modifiers: &[Modifier {
                word: "versions",
                args: &[Slot {
                    kind: ValueKind::List(&ValueKind::Str(StrRole::Version)),
                    what: "the allowed versions",
                    optional: false,
                }],
                required: false,
                doc: "The allowed versions; without it every version that is not retired.",
            }],
        }),
        occurs: Occurs::Repeatable,
        doc: "`allow \"MODEL\" [versions [\"V\", ...]]`: a model the policy allows.",
        placeholder: "",
    }],
};

static WORKLOAD: BlockSchema = BlockSchema {
    kind: BlockKind::Workload,
    keyword: "workload",
    label: LabelKind::Name,
    extends: false,
    doc: "A team's AI workload: its apps, budget and endpoints, governed by one policy.",
    entries: &[
        field(
            "governed_by",
            ValueKind::Ref(RefKind::Policy),
            Occurs::Required,
            "The policy this workload must comply with.",
            "policy_name",
        ),
        field(
            "environment",
            ValueKind::Keyword(&ENVIRONMENT),
            Occurs::Required,
            "The workload's environment.",
            "dev",
        ),
        field(
            "resource_group",
            ValueKind::Str(StrRole::Text),
            Occurs::Required,
            "The resource group its AI accounts live in.",
            "\"rg-name\"",
        ),
        field(
            "subscription",
            ValueKind::Str(StrRole::Text),
            Occurs::Optional,
            "The subscription (id or name) its AI accounts live in.",
            "\"\"",
        ),
        field(
            "data_zone",
            ValueKind::Keyword(&WORKLOAD_DATA_ZONE),
            Occurs::Optional,
            "The data zone every endpoint region must be in.",
            "eu",
        ),
        field(
            "apps",
            ValueKind::List(&ValueKind::Ref(RefKind::App)),
            Occurs::Optional,
            "Declares the workload's apps.",
            "[]",
        ),
        nested("app", BlockKind::App, Occurs::Repeatable, "An app of the workload, with its needs."),
        EntrySchema {
            name: "budget",
            shape: EntryShape::Field(PhraseSchema {
                head: ValueKind::Money,
                positional: &[Slot {
                    kind: ValueKind::Keyword(&BUDGET_PERIOD),
                    what: "a budget period",
                    optional: false,
                }],
                modifiers: &[
                    Modifier {
                        word: "alert_at",
                        args: &[Slot {
                            kind: ValueKind::List(&ValueKind::Percent),
                            what: "the alert thresholds",
                            optional: false,
                        }],
                        required: false,
                        doc: "Percentages of the amount at which to alert.",
                    },
                    Modifier {
                        word: "notify",
                        args: &[Slot {
                            kind: ValueKind::List(&ValueKind::Str(StrRole::Email)),
                            what: "the contacts",
                            optional: false,
                        }],
                        required: false,
                        doc: "E-mail addresses to alert.",
                    },
                ],
            }),
            occurs: Occurs::Optional,
            doc: "`AMOUNT monthly|quarterly|annually [alert_at [P%, ...]] [notify [\"email\", ...]]`.",
            placeholder: "1000 USD monthly",
        },
        nested("endpoint", BlockKind::Endpoint, Occurs::Repeatable, "A model deployment in one or more regions."),
        field(
            "managed_by",
            ValueKind::Keyword(&AUTHORITY),
            Occurs::Optional,
            "Who deploys and configures the workload's AI resources: `workload_team` (its `team:` \
             group) or `central_team` (its policy's). Default: its policy's `managed_by`.",
            "workload_team",
        ),
        field(
            "team",
            ValueKind::Str(StrRole::Text),
            Occurs::Optional,
            "The object id of the workload team's Microsoft Entra group, which Charter gives \
             roles on the workload's resource group.",
            "\"00000000-0000-0000-0000-000000000000\"",
        ),
        field(
            "classification",
            ValueKind::Str(StrRole::Text),
            Occurs::Optional,
            "The sensitivity of the data the workload processes: one of its policy's \
             `classification` levels. Its AI resources carry it as a tag.",
            "\"internal\"",
        ),
        field(
            "public_network",
            ValueKind::Keyword(&TOGGLE),
            Occurs::Optional,
            "Whether the workload's AI accounts may be reached from the public internet \
             (default: its policy's `public_network`; a workload may only be stricter).",
            "disabled",
        ),
        field(
            "business_unit",
            ValueKind::Ref(RefKind::BusinessUnit),
            Occurs::Optional,
            "The business unit the workload belongs to: its endpoints are deployed in the \
             business unit's AI Foundry resource, and the workload is a Foundry project there.",
            "business_unit_name",
        ),
    ],
};

static CLASSIFICATION: BlockSchema = BlockSchema {
    kind: BlockKind::Classification,
    keyword: "classification",
    label: LabelKind::Str,
    extends: false,
    doc: "A data classification level of the policy and what a workload that processes data of \
          this level must do. Levels are listed least sensitive first; each requires everything \
          the levels before it require.",
    entries: &[
        field(
            "public_network",
            ValueKind::Keyword(&TOGGLE),
            Occurs::Optional,
            "`disabled`: the workload's AI accounts must be reached through private network \
             only.",
            "disabled",
        ),
        field(
            "global_deployments",
            ValueKind::Keyword(&TOGGLE),
            Occurs::Optional,
            "`disabled`: no global deployment type (`global_standard`, `global_provisioned`, \
             `global_batch`), whose requests may be processed in any Azure region.",
            "disabled",
        ),
        EntrySchema {
            name: "filters",
            shape: EntryShape::Field(PhraseSchema {
                head: ValueKind::Keyword(&AT_LEAST),
                positional: &[Slot {
                    kind: ValueKind::Ref(RefKind::Filter),
                    what: "the minimum filter",
                    optional: false,
                }],
                modifiers: &[],
            }),
            occurs: Occurs::Optional,
            doc: "`at_least FILTER`: every endpoint of a workload at this level must use a filter \
                  this strict or stricter.",
            placeholder: "at_least std.filters.default",
        },
    ],
};

static APP: BlockSchema = BlockSchema {
    kind: BlockKind::App,
    keyword: "app",
    label: LabelKind::Name,
    extends: false,
    doc: "An application of a workload.",
    entries: &[
        field(
            "environment",
            ValueKind::Keyword(&ENVIRONMENT),
            Occurs::Optional,
            "The app's environment (default: the workload's).",
            "dev",
        ),
        field(
            "filter",
            ValueKind::Ref(RefKind::Filter),
            Occurs::Optional,
            "The content filter this app requires.",
            "std.filters.default",
        ),
    ],
};

static ENDPOINT: BlockSchema = BlockSchema {
    kind: BlockKind::Endpoint,
    keyword: "endpoint",
    label: LabelKind::Name,
    extends: false,
    doc: "A model deployment served from one or more regions.",
    entries: &[
        EntrySchema {
            name: "model",
            shape: EntryShape::Clause(PhraseSchema {
                head: ValueKind::Str(StrRole::Model),
                positional: &[],
                modifiers: &[Modifier {
                    word: "version",
                    args: &[Slot {
                        kind: ValueKind::Str(StrRole::Version),
                        what: "the model version",
                        optional: false,
                    }],
                    required: true,
                    doc: "The model version to deploy.",
                }],
            }),
            occurs: Occurs::Required,
            doc: "`model \"NAME\" version \"VERSION\"`: the model deployed.",
            placeholder: "\"gpt-4.1\" version \"2025-04-14\"",
        },
        EntrySchema {
            name: "deployment",
            shape: EntryShape::Field(PhraseSchema {
                head: ValueKind::Keyword(&DEPLOYMENT_TYPE),
                positional: &[],
                modifiers: &[Modifier {
                    word: "capacity",
                    args: &[Slot {
                        kind: ValueKind::Capacity,
                        what: "the capacity",
                        optional: false,
                    }],
                    required: false,
                    doc: "Capacity units (default 1).",
                }],
            }),
            occurs: Occurs::Required,
            doc: "`TYPE [capacity N]`: the deployment type and capacity.",
            placeholder: "global_standard capacity 1",
        },
        field(
            "filter",
            ValueKind::Ref(RefKind::Filter),
            Occurs::Required,
            "The content filter applied to the deployment.",
            "std.filters.default",
        ),
        EntrySchema {
            name: "regions",
            shape: EntryShape::Field(PhraseSchema {
                head: ValueKind::List(&ValueKind::Str(StrRole::Region)),
                positional: &[],
                modifiers: &[
                    Modifier {
                        word: "redundancy",
                        args: &[Slot {
                            kind: ValueKind::Keyword(&REDUNDANCY),
                            what: "the redundancy mode",
                            optional: false,
                        }],
                        required: false,
                        doc: "How the regions back each other up (default `none`).",
                    },
                    Modifier {
                        word: "standby",
                        args: &[Slot {
                            kind: ValueKind::Capacity,
                            what: "the standby capacity",
                            optional: false,
                        }],
                        required: false,
                        doc: "Capacity of the standby regions for `active_passive`.",
                    },
                ],
            }),
            occurs: Occurs::Required,
            doc: "`[\"region\", ...] [redundancy MODE] [standby N]`: where the endpoint runs; the first region is the primary.",
            placeholder: "[\"swedencentral\"]",
        },
        field(
            "serves",
            ValueKind::List(&ValueKind::Ref(RefKind::App)),
            Occurs::Optional,
            "The apps of this workload that call the endpoint.",
            "[]",
        ),
        field(
            "agents",
            ValueKind::Keyword(&TOGGLE),
            Occurs::Optional,
            "Whether agents (Foundry Agent Service) run on this endpoint's deployments: `enabled` \
             makes the filter's tool-call, tool-response and run controls apply, and its \
             policy's `agent_sides` required (default `disabled`).",
            "enabled",
        ),
    ],
};

static BLOCKLIST: BlockSchema = BlockSchema {
    kind: BlockKind::Blocklist,
    keyword: "blocklist",
    label: LabelKind::Str,
    extends: false,
    doc: "A custom blocklist (an Azure RAI blocklist): terms and patterns a content filter \
          blocks. Filters list it by its name in `blocklists`.",
    entries: &[
        field(
            "description",
            ValueKind::Str(StrRole::Text),
            Occurs::Optional,
            "What the blocklist is for (default: the doc comment).",
            "\"\"",
        ),
        field(
            "managed",
            ValueKind::Keyword(&BLOCKLIST_MANAGEMENT),
            Occurs::Optional,
            "Who creates the blocklist: `charter` (default) or `external`.",
            "external",
        ),
        field(
            "terms",
            ValueKind::List(&ValueKind::Str(StrRole::Text)),
            Occurs::Optional,
            "Exact terms to block (matched as plain text).",
            "[]",
        ),
        field(
            "patterns",
            ValueKind::List(&ValueKind::Str(StrRole::Text)),
            Occurs::Optional,
            "Regular expressions to block.",
            "[]",
        ),
    ],
};

static FINE_TUNED: BlockSchema = BlockSchema {
    kind: BlockKind::FineTuned,
    keyword: "fine_tuned",
    label: LabelKind::Str,
    extends: false,
    doc: "A fine-tuned model, named as Azure names it (`<base>.ft-<id>`), with version \"1\": \
          the catalog model it was trained from (whose lifecycle and retirement it inherits) \
          and the AI account that trained it.",
    entries: &[
        EntrySchema {
            name: "base",
            shape: EntryShape::Field(PhraseSchema {
                head: ValueKind::Str(StrRole::Model),
                positional: &[],
                modifiers: &[Modifier {
                    word: "version",
                    args: &[Slot {
                        kind: ValueKind::Str(StrRole::Version),
                        what: "the base model's version",
                        optional: false,
                    }],
                    required: true,
                    doc: "The version of the base model that was fine-tuned.",
                }],
            }),
            occurs: Occurs::Required,
            doc: "`\"MODEL\" version \"VERSION\"`: the catalog model that was fine-tuned.",
            placeholder: "\"gpt-4.1-mini\" version \"2025-04-14\"",
        },
        field(
            "trained_in",
            ValueKind::Str(StrRole::Text),
            Occurs::Required,
            "The ARM id of the AI account that trained the model \
             (`/subscriptions/…/resourceGroups/…/providers/Microsoft.CognitiveServices/accounts/…`): \
             deployments in other accounts name it as the model's source.",
            "\"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/name\"",
        ),
        field(
            "copies_in",
            ValueKind::List(&ValueKind::Str(StrRole::Region)),
            Occurs::Optional,
            "The regions with a copy of the model (its training account's and those it was \
             copied to): a redundant endpoint serving it needs one in each of its regions.",
            "[]",
        ),
        EntrySchema {
            doc: "`available TYPE [\"region\", ...]`: where the fine-tuned model can be deployed \
                  with that deployment type. Without any, the base version's availability is \
                  assumed; fine-tuned deployments are offered in fewer places, so say where.",
            ..AVAILABLE
        },
    ],
};

static MODEL: BlockSchema = BlockSchema {
    kind: BlockKind::Model,
    keyword: "model",
    label: LabelKind::Str,
    extends: false,
    doc: "A catalog entry: a model, its versions and where they are available.",
    entries: &[
        field(
            "format",
            ValueKind::Str(StrRole::Text),
            Occurs::Optional,
            "The model format Azure expects (`OpenAI`).",
            "\"OpenAI\"",
        ),
        field(
            "publisher",
            ValueKind::Str(StrRole::Text),
            Occurs::Optional,
            "Who publishes the model.",
            "\"\"",
        ),
        field(
            "kind",
            ValueKind::Keyword(&MODEL_KIND),
            Occurs::Optional,
            "What the model does.",
            "chat",
        ),
        nested(
            "version",
            BlockKind::ModelVersion,
            Occurs::Repeatable,
            "One version of the model.",
        ),
    ],
};

static MODEL_VERSION: BlockSchema = BlockSchema {
    kind: BlockKind::ModelVersion,
    keyword: "version",
    label: LabelKind::Str,
    extends: false,
    doc: "One version of a catalog model: its lifecycle and availability.",
    entries: &[
        field(
            "lifecycle",
            ValueKind::Keyword(&LIFECYCLE),
            Occurs::Optional,
            "Where the version is in its lifecycle (default `ga`).",
            "ga",
        ),
        field(
            "deprecation",
            ValueKind::Date,
            Occurs::Optional,
            "No new customers from this date.",
            "2027-01-01",
        ),
        field(
            "retirement",
            ValueKind::Date,
            Occurs::Optional,
            "The version stops being served on this date.",
            "2027-01-01",
        ),
        field(
            "retirement_not_before",
            ValueKind::Date,
            Occurs::Optional,
            "The earliest retirement date, when only a lower bound is known.",
            "2027-01-01",
        ),
        EntrySchema {
            name: "successor",
            shape: EntryShape::Field(PhraseSchema {
                head: ValueKind::Str(StrRole::Model),
                positional: &[],
                modifiers: &[Modifier {
                    word: "version",
                    args: &[Slot {
                        kind: ValueKind::Str(StrRole::Version),
                        what: "the successor's version",
                        optional: false,
                    }],
                    required: false,
                    doc: "The successor's version.",
                }],
            }),
            occurs: Occurs::Optional,
            doc: "The recommended replacement: a model name, or `\"MODEL\" version \"VERSION\"`.",
            placeholder: "\"\"",
        },
        AVAILABLE,
    ],
};

/// `available TYPE ["region", ...]`, in a catalog version and in a fine-tuned model.
const AVAILABLE: EntrySchema = EntrySchema {
    name: "available",
    shape: EntryShape::Clause(PhraseSchema {
        head: ValueKind::Keyword(&DEPLOYMENT_TYPE),
        positional: &[Slot {
            kind: ValueKind::List(&ValueKind::Str(StrRole::Region)),
            what: "the regions",
            optional: false,
        }],
        modifiers: &[],
    }),
    occurs: Occurs::Repeatable,
    doc: "`available TYPE [\"region\", ...]`: where the version can be deployed with that deployment type.",
    placeholder: "",
};

static REGION: BlockSchema = BlockSchema {
    kind: BlockKind::Region,
    keyword: "region",
    label: LabelKind::Str,
    extends: false,
    doc: "A catalog entry: an Azure region.",
    entries: &[
        field(
            "display_name",
            ValueKind::Str(StrRole::Text),
            Occurs::Optional,
            "The name the portal shows.",
            "\"\"",
        ),
        field(
            "geography",
            ValueKind::Str(StrRole::Text),
            Occurs::Optional,
            "The geography.",
            "\"\"",
        ),
        field(
            "location",
            ValueKind::Str(StrRole::Text),
            Occurs::Optional,
            "Where the region's datacenters are (a metro area or state): regions at the same \
             location share a failure domain.",
            "\"\"",
        ),
        field(
            "paired",
            ValueKind::Str(StrRole::Region),
            Occurs::Optional,
            "The paired region for disaster recovery.",
            "\"\"",
        ),
        field(
            "data_zone",
            ValueKind::Keyword(&REGION_DATA_ZONE),
            Occurs::Optional,
            "The data zone the region belongs to.",
            "eu",
        ),
        field(
            "availability_zones",
            ValueKind::Bool,
            Occurs::Optional,
            "Whether the region has availability zones.",
            "true",
        ),
        field(
            "access",
            ValueKind::Keyword(&REGION_ACCESS),
            Occurs::Optional,
            "Whether the region is open to everyone (default `general`).",
            "general",
        ),
    ],
};

static GATEWAY: BlockSchema = BlockSchema {
    kind: BlockKind::Gateway,
    keyword: "gateway",
    label: LabelKind::Name,
    extends: false,
    doc: "An Azure API Management gateway in front of workloads' endpoints: one backend per \
          region with a circuit breaker that honours `Retry-After` on 429, in a pool that spreads \
          `active_active` endpoints by capacity and fails `active_passive` ones over in order; \
          the gateway's managed identity calls every account (keys stay disabled).",
    entries: &[
        field(
            "routes",
            ValueKind::List(&ValueKind::Ref(RefKind::Workload)),
            Occurs::Required,
            "The workloads whose endpoints the gateway routes.",
            "[]",
        ),
        field(
            "api_management",
            ValueKind::Str(StrRole::Text),
            Occurs::Required,
            "The API Management service's name (`<name>.azure-api.net`, unique across Azure).",
            "\"apim-name\"",
        ),
        field(
            "managed",
            ValueKind::Keyword(&MANAGEMENT),
            Occurs::Optional,
            "Who creates the service: `charter` (default) or `external` (it exists already).",
            "external",
        ),
        field(
            "resource_group",
            ValueKind::Str(StrRole::Text),
            Occurs::Required,
            "The resource group of the service.",
            "\"rg-gateway\"",
        ),
        field(
            "subscription",
            ValueKind::Str(StrRole::Text),
            Occurs::Optional,
            "The subscription of the service (id or name; default: the deployment's).",
            "\"\"",
        ),
        field(
            "regions",
            ValueKind::List(&ValueKind::Str(StrRole::Region)),
            Occurs::Required,
            "Where the gateway runs; the first region is the primary, the others are Premium \
             additional locations.",
            "[\"swedencentral\"]",
        ),
        field(
            "sku",
            ValueKind::Keyword(&GATEWAY_SKU),
            Occurs::Optional,
            "The API Management tier of a service Charter creates (default `premium` with more \
             than one region, else `developer`).",
            "premium",
        ),
        field(
            "publisher",
            ValueKind::Str(StrRole::Email),
            Occurs::Optional,
            "The publisher e-mail of a service Charter creates (required then).",
            "\"ai-platform@example.com\"",
        ),
    ],
};

static MONITORING: BlockSchema = BlockSchema {
    kind: BlockKind::Monitoring,
    keyword: "monitoring",
    label: LabelKind::Name,
    extends: false,
    doc: "A Log Analytics workspace every AI account of the covered workloads sends its logs and \
          metrics to, and the alerts on their deployments (usage against capacity, throttling) \
          and budgets, sent to an action group per workload.",
    entries: &[
        field(
            "workspace",
            ValueKind::Str(StrRole::Text),
            Occurs::Required,
            "The Log Analytics workspace's name.",
            "\"law-ai\"",
        ),
        field(
            "managed",
            ValueKind::Keyword(&MANAGEMENT),
            Occurs::Optional,
            "Who creates the workspace: `charter` (default) or `external` (it exists already).",
            "external",
        ),
        field(
            "resource_group",
            ValueKind::Str(StrRole::Text),
            Occurs::Required,
            "The resource group of the workspace.",
            "\"rg-monitoring\"",
        ),
        field(
            "subscription",
            ValueKind::Str(StrRole::Text),
            Occurs::Optional,
            "The subscription of the workspace (id or name; default: the deployment's).",
            "\"\"",
        ),
        field(
            "region",
            ValueKind::Str(StrRole::Region),
            Occurs::Optional,
            "Where a workspace Charter creates lives (required then).",
            "\"swedencentral\"",
        ),
        field(
            "retention",
            ValueKind::Duration,
            Occurs::Optional,
            "How long the workspace keeps data (default 30 days; 30 to 730 days).",
            "30 days",
        ),
        field(
            "covers",
            ValueKind::List(&ValueKind::Ref(RefKind::Workload)),
            Occurs::Optional,
            "The workloads it monitors (default: every workload of the project).",
            "[]",
        ),
        field(
            "usage_alert_at",
            ValueKind::Percent,
            Occurs::Optional,
            "Alert when a deployment uses this share of its capacity (default 80%).",
            "80%",
        ),
        field(
            "throttling_alert_at",
            ValueKind::Integer,
            Occurs::Optional,
            "Alert when a deployment answers this many requests with 429 in five minutes \
             (default 10).",
            "10",
        ),
        field(
            "notify",
            ValueKind::List(&ValueKind::Str(StrRole::Email)),
            Occurs::Optional,
            "Who every alert notifies, besides each workload's budget contacts.",
            "[]",
        ),
    ],
};

static MANAGEMENT_GROUP: BlockSchema = BlockSchema {
    kind: BlockKind::ManagementGroup,
    keyword: "management_group",
    label: LabelKind::Str,
    extends: false,
    doc: "A management group of the hierarchy, by its id (`contoso-ai-prod`), with the \
          management groups and subscriptions directly below it. Scopes that name it \
          (`management_group(\"contoso-ai-prod\")`) resolve against it.",
    entries: &[
        field(
            "display_name",
            ValueKind::Str(StrRole::Text),
            Occurs::Optional,
            "The management group's display name in Azure (default: its id).",
            "\"\"",
        ),
        field(
            "environment",
            ValueKind::Keyword(&ENVIRONMENT),
            Occurs::Optional,
            "The environment everything below it is for (default: its parent's): `sandbox` \
             places hold only sandbox workloads, and sandbox workloads live only there.",
            "sandbox",
        ),
        nested(
            "management_group",
            BlockKind::ManagementGroup,
            Occurs::Repeatable,
            "A management group directly below this one.",
        ),
        nested(
            "subscription",
            BlockKind::Subscription,
            Occurs::Repeatable,
            "A subscription directly below this management group.",
        ),
    ],
};

static SUBSCRIPTION: BlockSchema = BlockSchema {
    kind: BlockKind::Subscription,
    keyword: "subscription",
    label: LabelKind::Str,
    extends: false,
    doc: "A subscription, by the name the project uses for it (`contoso-support-prod`), in the \
          management group it is written in: its id (a GUID) and its resource groups. \
          `subscription(\"NAME\")` scopes and workloads' `subscription:` resolve to its id.",
    entries: &[
        field(
            "id",
            ValueKind::Str(StrRole::Text),
            Occurs::Required,
            "The subscription id, a GUID (`00000000-0000-0000-0000-000000000000`).",
            "\"00000000-0000-0000-0000-000000000000\"",
        ),
        field(
            "environment",
            ValueKind::Keyword(&ENVIRONMENT),
            Occurs::Optional,
            "The environment the subscription is for (default: its management group's).",
            "sandbox",
        ),
        field(
            "resource_groups",
            ValueKind::List(&ValueKind::Str(StrRole::Text)),
            Occurs::Optional,
            "The resource groups of the subscription that the project names (workloads, \
             gateways, monitoring, `resource_group(\"...\")` scopes).",
            "[]",
        ),
    ],
};

static BUSINESS_UNIT: BlockSchema = BlockSchema {
    kind: BlockKind::BusinessUnit,
    keyword: "business_unit",
    label: LabelKind::Name,
    extends: false,
    doc: "A business unit: it owns one AI Foundry resource (an AI Services account that manages \
          projects) in each region its workloads deploy to, and each of its workloads is a \
          Foundry project there. No AI account is shared across business units.",
    entries: &[
        field(
            "resource_group",
            ValueKind::Str(StrRole::Text),
            Occurs::Required,
            "The resource group of the business unit's AI Foundry resources.",
            "\"rg-foundry\"",
        ),
        field(
            "subscription",
            ValueKind::Str(StrRole::Text),
            Occurs::Optional,
            "The subscription of its AI Foundry resources (id or name; default: the \
             deployment's).",
            "\"\"",
        ),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_listing_reads_as_a_sentence() {
        assert_eq!(
            ValueKind::Keyword(&SEVERITY).describe(),
            "a severity: low, medium, high or off"
        );
    }

    /// The parser's error recovery and its "did you mean" know every top-level keyword.
    #[test]
    fn the_parser_knows_every_top_level_keyword() {
        let mut schema: Vec<&str> = TOP_LEVEL.iter().map(|&kind| block(kind).keyword).collect();
        let mut parser: Vec<&str> = charter_syntax::TOP_LEVEL_KEYWORDS.to_vec();
        schema.sort_unstable();
        parser.sort_unstable();
        assert_eq!(parser, schema);
    }

    #[test]
    fn every_block_kind_has_its_schema() {
        for &kind in TOP_LEVEL {
            assert_eq!(block(kind).kind, kind);
            for nested in block(kind).nested_blocks() {
                assert_eq!(block(nested).kind, nested);
            }
        }
        assert_eq!(
            top_level_block("policy").map(|b| b.kind),
            Some(BlockKind::Policy)
        );
        assert!(block(BlockKind::Endpoint).entry("regions").is_some());
        assert_eq!(
            block_at_path(&["filter", "prompt"]).map(|b| b.kind),
            Some(BlockKind::Side(Side::Prompt))
        );
        assert_eq!(
            keywords_for(BlockKind::Side(Side::Prompt), "jailbreak").len(),
            ShieldMode::ALL.len()
        );
        assert_eq!(
            block(BlockKind::Workload)
                .entry("environment")
                .map(|e| e.head_keywords().len()),
            Some(4)
        );
    }
}
