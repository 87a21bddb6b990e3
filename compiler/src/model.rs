//! The resolved model: every declaration of a project with its references resolved to what they
//! name, its values typed, and the spans that the checks and the language server need.
//!
//! The resolver (`resolve/`) builds it from the type-checked syntax tree; it is the only code
//! that names fields by string. The governance checks (`checks/`), lowering (`lower.rs`) and the
//! language server read the model: a new field is read once, in the resolver, and reaches every
//! reader as a typed value with its span.
//!
//! A value the source writes wrongly (reported by type checking or resolution) is kept as
//! "written, with no value" (`Field { value: None, .. }`), so the checks stay quiet about it and
//! the editor can still show what was written.

use std::cell::RefCell;

use rustc_hash::FxHashMap;

use charter_ir::{
    Authority, BudgetPeriod, Category, DataZone, Date, DeploymentType, Effect, Environment,
    ExemptionCategory, FilterMode, Level, Redundancy, Scope, ShieldMode, Side, Threshold, Toggle,
};
use charter_syntax::{FileId, Span};

use crate::symbols::DeclId;

/// The default `exemption_warning` of a policy, in days.
pub const DEFAULT_EXEMPTION_WARNING_DAYS: u32 = 30;

/// The default `retirement_warning` of a policy, in days.
pub const DEFAULT_RETIREMENT_WARNING_DAYS: u32 = 90;
/// The default `owner_tag` of a policy.
pub const DEFAULT_OWNER_TAG: &str = "charter-workload";

/// Every filter, policy, workload, blocklist and fine-tuned model of a compilation (project and
/// stdlib), resolved. Catalog models and regions are in [`crate::catalog::Catalog`].
#[derive(Clone, Debug, Default)]
pub struct Model {
    /// Filters in declaration order (a name declared twice keeps its first declaration).
    pub filters: Vec<Filter>,
    /// Policies in declaration order (a name declared twice keeps its first declaration).
    pub policies: Vec<Policy>,
    /// Every named workload block, in declaration order, including one whose name is taken
    /// (it has no declaration, but its endpoints are checked and built).
    pub workloads: Vec<Workload>,
    /// Declared blocklists, in declaration order, one per name.
    pub blocklists: Vec<Blocklist>,
    /// Fine-tuned models, in declaration order, one per name.
    pub fine_tuned: Vec<FineTuned>,
    /// Gateways (`gateway NAME { }`), in declaration order.
    pub gateways: Vec<Gateway>,
    /// Monitoring declarations (`monitoring NAME { }`), in declaration order.
    pub monitoring: Vec<Monitoring>,
    /// The management-group hierarchy (`management_group "ID" { }`); empty when undeclared.
    pub hierarchy: crate::hierarchy::Hierarchy,
    /// Business units (`business_unit NAME { }`), in declaration order, one per name.
    pub business_units: Vec<BusinessUnit>,
    /// What each declaration of the symbol index is, for the language server.
    pub(crate) items: FxHashMap<DeclId, Item>,
}

/// A filter of [`Model::filters`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FilterId(pub usize);

/// A policy of [`Model::policies`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PolicyId(pub usize);

/// A workload of [`Model::workloads`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WorkloadId(pub usize);

/// What a declaration of the symbol index is in the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item {
    Filter(FilterId),
    Policy(PolicyId),
    Workload(WorkloadId),
    /// An endpoint: its workload and its index in [`Workload::endpoints`].
    Endpoint(WorkloadId, usize),
    /// An app: its workload and its index in [`Workload::apps`].
    App(WorkloadId, usize),
    /// A blocklist of [`Model::blocklists`].
    Blocklist(usize),
    /// A business unit of [`Model::business_units`].
    BusinessUnit(usize),
}

impl Model {
    /// What the declaration `decl` is (catalog models, versions and regions are not here: the
    /// catalog has them by name).
    pub fn item(&self, decl: DeclId) -> Option<Item> {
        self.items.get(&decl).copied()
    }

    pub fn filter(&self, id: FilterId) -> &Filter {
        &self.filters[id.0]
    }

    pub fn policy(&self, id: PolicyId) -> &Policy {
        &self.policies[id.0]
    }

    pub fn workload(&self, id: WorkloadId) -> &Workload {
        &self.workloads[id.0]
    }

    /// The workload whose block spans exactly `span`.
    pub fn workload_at(&self, span: Span) -> Option<WorkloadId> {
        self.workloads
            .iter()
            .position(|workload| workload.span == span)
            .map(WorkloadId)
    }

    /// Every way `filter` is less strict than `minimum`: category settings, blocklists on each
    /// side, and the mode. A setting `filter` lacks (an unknown base, a cycle, a missing field)
    /// was reported where it is missing, so it is not compared.
    pub fn weaknesses(&self, filter: FilterId, minimum: FilterId) -> Vec<Weakness> {
        let actual = &self.filter(filter).effective;
        let required = &self.filter(minimum).effective;
        let mut weaker = Vec::new();
        // Only the controls `minimum` sets are compared: walk its slots (side by side, each in
        // category order, as `slot` lays them out) rather than every side and category.
        for (index, required) in required.settings.iter().enumerate() {
            let Some(required) = required else {
                continue;
            };
            let side = Side::ALL[index / Category::ALL.len()];
            let category = Category::ALL[index % Category::ALL.len()];
            if !category.applies_to(side) {
                continue;
            }
            let Some(setting) = actual.setting(side, category) else {
                // An optional control (any on an agent's side) left out is off: weaker
                // than any control that detects something.
                let optional = side.agents_only() || !category.required();
                if optional && required.level.strictness() > 0 {
                    weaker.push(Weakness::Setting {
                        side,
                        category,
                        level: off_level(category),
                        required: required.level,
                        span: None,
                    });
                }
                continue;
            };
            if setting.level.strictness() < required.level.strictness() {
                weaker.push(Weakness::Setting {
                    side,
                    category,
                    level: setting.level,
                    required: required.level,
                    span: Some(setting.span),
                });
            }
        }
        for listed in &required.blocklists {
            if !actual
                .blocklists
                .iter()
                .any(|b| b.name == listed.name && b.side == listed.side)
            {
                weaker.push(Weakness::Blocklist {
                    name: listed.name.clone(),
                    side: listed.side,
                    required_at: listed.span,
                });
            }
        }
        for listed in &required.safety_providers {
            if !actual
                .safety_providers
                .iter()
                .any(|p| p.name == listed.name && p.side == listed.side)
            {
                weaker.push(Weakness::SafetyProvider {
                    name: listed.name.clone(),
                    side: listed.side,
                    required_at: listed.span,
                });
            }
        }
        if actual.mode().strictness() < required.mode().strictness() {
            weaker.push(Weakness::Mode {
                mode: actual.mode(),
                required: required.mode(),
                span: actual.mode.map(|m| m.span),
            });
        }
        weaker
    }

    /// The deployable fine-tuned model named `name`: declared with a valid name, base and
    /// training account, and in the catalog.
    pub fn deployable_fine_tuned(&self, name: &str) -> Option<&FineTuned> {
        self.fine_tuned
            .iter()
            .find(|model| model.name == name && model.is_deployable())
    }
}

/// The weaknesses of filters against minimums, each pair compared once per compilation: the
/// checks compare every endpoint's filter with its policy's minimum and its apps' filters, and
/// lowering compares the same pairs again to list the approved filters.
pub(crate) struct FilterComparisons<'m> {
    model: &'m Model,
    compared: RefCell<FxHashMap<(FilterId, FilterId), Vec<Weakness>>>,
}

impl<'m> FilterComparisons<'m> {
    pub(crate) fn new(model: &'m Model) -> Self {
        FilterComparisons {
            model,
            compared: RefCell::default(),
        }
    }

    /// [`Model::weaknesses`] of `filter` against `minimum`.
    pub(crate) fn weaknesses(&self, filter: FilterId, minimum: FilterId) -> Vec<Weakness> {
        self.compared
            .borrow_mut()
            .entry((filter, minimum))
            .or_insert_with(|| self.model.weaknesses(filter, minimum))
            .clone()
    }

    /// Whether `filter` is at least as strict as `minimum`.
    pub(crate) fn meets(&self, filter: FilterId, minimum: FilterId) -> bool {
        self.compared
            .borrow_mut()
            .entry((filter, minimum))
            .or_insert_with(|| self.model.weaknesses(filter, minimum))
            .is_empty()
    }
}

/// A field or clause as written: where it is, and its value (`None` inside when the value did
/// not check; that was reported).
#[derive(Clone, Debug)]
pub struct Field<T> {
    /// The key as the schema spells it (`effect`), for messages and the editor.
    pub key: &'static str,
    /// The key (or clause keyword) as written.
    pub key_span: Span,
    /// The whole entry, from the key to the end of its value.
    pub span: Span,
    /// The value phrase as written (`deny`, `global_standard capacity 10`).
    pub phrase_span: Span,
    pub value: T,
}

/// The value of a field that was written with a valid value.
pub fn value_of<T>(field: &Option<Field<Option<T>>>) -> Option<&T> {
    field.as_ref().and_then(|field| field.value.as_ref())
}

/// A modifier of a phrase as written (`redundancy active_passive`): where its word is, and its
/// argument.
#[derive(Clone, Debug)]
pub struct Modifier<T> {
    pub word_span: Span,
    pub value: T,
}

/// A resolved reference: what it names, and where it is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ref<T> {
    pub target: T,
    pub span: Span,
}

/// A catalog name as written (a model, a version or a region), and whether the catalog has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    pub name: String,
    pub span: Span,
    /// Whether it resolved to a catalog entry (an unknown one was reported, or, for a version,
    /// its model was unknown and the version was not looked up).
    pub known: bool,
}

/// A content filter (`filter NAME [extends BASE] { ... }`).
#[derive(Clone, Debug)]
pub struct Filter {
    /// The name other code uses: `strict`, or `std.filters.strict` for a stdlib filter.
    pub name: String,
    pub name_span: Span,
    pub span: Span,
    /// The braces and what is between them.
    pub body_span: Span,
    pub doc: Option<String>,
    pub decl: DeclId,
    pub file: FileId,
    pub is_stdlib: bool,
    pub extends: Option<Extends>,
    /// The filter it inherits from: the `extends` target, unless that made a cycle (reported).
    pub base: Option<FilterId>,
    /// The category settings it writes itself, with valid levels, in source order.
    pub settings: Vec<Setting>,
    /// Every category field of its side blocks as written, valid or not, for the editor.
    pub written: Vec<WrittenSetting>,
    /// Its `prompt { }` and `completion { }` blocks, in source order.
    pub sides: Vec<SideBlock>,
    /// The `safety_providers:` of every side block, with the side each is listed on.
    pub listed_safety_providers: Vec<ListedBlocklist>,
    /// The `blocklists:` field of the filter itself (both sides).
    pub blocklists: Option<Field<Vec<(String, Span)>>>,
    /// Every blocklist it lists, from its own `blocklists:` (both sides) and then those of its
    /// `prompt` and `completion` blocks.
    pub listed_blocklists: Vec<ListedBlocklist>,
    /// `mode:`, with the span of the keyword.
    pub mode: Option<Field<Option<(FilterMode, Span)>>>,
    /// What it filters once `extends` is applied.
    pub effective: Effective,
}

/// A filter's `extends BASE`.
#[derive(Clone, Debug)]
pub struct Extends {
    /// The path as written (`std.filters.default`).
    pub text: String,
    pub span: Span,
    /// The filter it names, when it names one (even one that closes a cycle).
    pub target: Option<FilterId>,
}

/// A category setting a filter writes.
#[derive(Clone, Copy, Debug)]
pub struct Setting {
    pub side: Side,
    pub category: Category,
    pub level: Level,
    /// The level keyword.
    pub span: Span,
}

/// A category field as written in a side block.
#[derive(Clone, Copy, Debug)]
pub struct WrittenSetting {
    pub side: Side,
    pub category: Category,
    /// The value as written (`low`, or a misspelling).
    pub value_span: Span,
}

/// A `prompt { }` or `completion { }` block of a filter.
#[derive(Clone, Copy, Debug)]
pub struct SideBlock {
    pub side: Side,
    pub body_span: Span,
}

/// A blocklist a filter lists, the sides it applies to, and where it is listed.
#[derive(Clone, Debug)]
pub struct ListedBlocklist {
    pub name: String,
    pub sides: &'static [Side],
    pub span: Span,
}

/// Number of (side, category) slots: every side of every category, some unused.
const SLOTS: usize = Side::ALL.len() * Category::ALL.len();

fn slot(side: Side, category: Category) -> usize {
    // INVARIANT: `ALL` lists a keyword enum's values in declaration order, and the enums have
    // no explicit discriminants, so a value's discriminant is its position in `ALL` (the test
    // `slots_are_positions_in_all` checks it): no search on every lookup.
    side as usize * Category::ALL.len() + category as usize
}

/// What a filter filters once `extends` is applied: each setting from the nearest filter of
/// the chain that writes it, the blocklists of the whole chain, and the nearest stated mode.
#[derive(Clone, Debug)]
pub struct Effective {
    settings: Vec<Option<EffectiveSetting>>,
    /// Every blocklist applied, per side, with where it was listed; a filter that extends
    /// another adds to its base's blocklists and cannot take one away.
    pub blocklists: Vec<EffectiveBlocklist>,
    /// Every external safety provider called, per side, accumulated like the blocklists.
    pub safety_providers: Vec<EffectiveBlocklist>,
    /// The `mode`, when the filter or one it extends states it.
    pub mode: Option<EffectiveMode>,
}

impl Default for Effective {
    fn default() -> Self {
        Effective {
            settings: vec![None; SLOTS],
            blocklists: Vec::new(),
            safety_providers: Vec::new(),
            mode: None,
        }
    }
}

impl Effective {
    /// The setting of one category on one side, when a filter of the chain writes it.
    pub fn setting(&self, side: Side, category: Category) -> Option<&EffectiveSetting> {
        self.settings[slot(side, category)].as_ref()
    }

    pub(crate) fn set(&mut self, side: Side, category: Category, setting: EffectiveSetting) {
        self.settings[slot(side, category)] = Some(setting);
    }

    /// The mode content is filtered in: as stated, else Azure's default.
    pub fn mode(&self) -> FilterMode {
        self.mode.map_or(FilterMode::Default, |m| m.mode)
    }
}

/// One effective category setting and where it was written.
#[derive(Clone, Copy, Debug)]
pub struct EffectiveSetting {
    pub level: Level,
    /// The level keyword in the filter that set it.
    pub span: Span,
    /// The filter that set it.
    pub filter: FilterId,
}

/// A blocklist a filter applies on one side, and where it was listed.
#[derive(Clone, Debug)]
pub struct EffectiveBlocklist {
    pub name: String,
    pub side: Side,
    pub span: Span,
}

/// A filter's stated `mode`, and where it was stated.
#[derive(Clone, Copy, Debug)]
pub struct EffectiveMode {
    pub mode: FilterMode,
    pub span: Span,
    /// The filter that stated it.
    pub filter: FilterId,
}

/// One way a filter is less strict than another.
#[derive(Clone, Debug)]
pub enum Weakness {
    /// A category on a side is set less strictly.
    Setting {
        side: Side,
        category: Category,
        level: Level,
        required: Level,
        /// Where the weaker level was set.
        span: Option<Span>,
    },
    /// A blocklist the other applies on a side is missing.
    Blocklist {
        name: String,
        side: Side,
        /// Where the other filter lists it.
        required_at: Span,
    },
    /// An external safety provider the other calls on a side is not called.
    SafetyProvider {
        name: String,
        side: Side,
        /// Where the other filter lists it.
        required_at: Span,
    },
    /// Content is filtered asynchronously where the other filters before streaming.
    Mode {
        mode: FilterMode,
        required: FilterMode,
        /// Where the weaker mode was stated.
        span: Option<Span>,
    },
}

impl Weakness {
    /// Where the weaker setting was written, when it was.
    pub fn span(&self) -> Option<Span> {
        match self {
            Weakness::Setting { span, .. } | Weakness::Mode { span, .. } => *span,
            Weakness::Blocklist { .. } | Weakness::SafetyProvider { .. } => None,
        }
    }
}

/// The keyword of a category level (`medium`, `block`).
pub fn level_keyword(level: Level) -> &'static str {
    match level {
        Level::Severity(threshold) => threshold.charter_name(),
        Level::Shield(mode) => mode.charter_name(),
    }
}

/// The level a keyword sets for `category` (`off` is the category's `off`).
pub fn level_of(category: Category, word: &str) -> Level {
    match (
        Threshold::from_charter_name(word),
        ShieldMode::from_charter_name(word),
    ) {
        (Some(threshold), _) if threshold != Threshold::Off => Level::Severity(threshold),
        (_, Some(mode)) if mode != ShieldMode::Off => Level::Shield(mode),
        _ => off_level(category),
    }
}

/// The `off` level of a category.
pub fn off_level(category: Category) -> Level {
    if category.is_harm() {
        Level::Severity(Threshold::Off)
    } else {
        Level::Shield(ShieldMode::Off)
    }
}

/// A side listed in a policy's `agent_sides`, and where.
pub type ListedSide = (Side, Span);

/// A governance policy (`policy NAME { ... }`).
#[derive(Clone, Debug)]
pub struct Policy {
    pub name: String,
    pub name_span: Span,
    pub span: Span,
    pub doc: Option<String>,
    pub decl: DeclId,
    pub display_name: Option<Field<Option<String>>>,
    pub description: Option<Field<Option<String>>>,
    /// `scope:`: the scopes that checked, each with its span.
    pub scope: Option<Field<Vec<(Scope, Span)>>>,
    pub definitions_at: Option<Field<Option<(Scope, Span)>>>,
    pub effect: Option<Field<Option<Effect>>>,
    /// `filters: at_least FILTER`: the minimum filter, when it resolved to a filter.
    pub minimum: Option<Field<Option<Ref<FilterId>>>>,
    pub models: Option<Models>,
    /// `regions:`: every region listed, in order.
    pub regions: Option<Field<Vec<Named>>>,
    pub max_capacity: Option<Field<Option<u32>>>,
    pub max_provisioned: Option<Field<Option<u32>>>,
    /// `deployment_types:`: every type listed, in order (duplicates included); `None` inside
    /// when the value is not a list.
    pub deployment_types: Option<Field<DeploymentTypes>>,
    /// `guardrail:`: the filter set once per subscription, when it resolved to a filter.
    pub guardrail: Option<Field<Option<Ref<FilterId>>>>,
    /// `agent_sides:`: the sides every agent endpoint's filter must guard, with their spans.
    pub agent_sides: Option<Field<Option<Vec<ListedSide>>>>,
    pub local_auth: Option<Field<Option<Toggle>>>,
    pub public_network: Option<Field<Option<Toggle>>>,
    /// `retirement_warning:`, in days.
    pub retirement_warning: Option<Field<Option<u32>>>,
    pub owner_tag: Option<Field<Option<String>>>,
    /// The `exempt` clauses, in source order.
    pub exemptions: Vec<Exemption>,
    /// `exemption_warning:`, in days.
    pub exemption_warning: Option<Field<Option<u32>>>,
    /// `max_exemption:`, in days.
    pub max_exemption: Option<Field<Option<u32>>>,
    /// `central_team:`: the central team's Entra group object id, with the span of the string.
    pub central_team: Option<Field<Option<(String, Span)>>>,
    /// `managed_by:`: who manages the AI resources of the workloads it governs, by default.
    pub managed_by: Option<Field<Option<Authority>>>,
    /// The `classification "LEVEL" { }` blocks, least sensitive first.
    pub classifications: Vec<ClassificationLevel>,
    /// `business_units: required|optional`.
    pub business_units: Option<Field<Option<charter_ir::Requirement>>>,
}

/// A data classification level of a policy (`classification "LEVEL" { ... }`).
#[derive(Clone, Debug)]
pub struct ClassificationLevel {
    pub name: String,
    pub name_span: Span,
    pub span: Span,
    pub doc: Option<String>,
    /// `public_network: disabled|enabled`.
    pub public_network: Option<Field<Option<Toggle>>>,
    /// `global_deployments: disabled|enabled`.
    pub global_deployments: Option<Field<Option<Toggle>>>,
    /// `filters: at_least FILTER`, when it resolved to a filter.
    pub minimum: Option<Field<Option<Ref<FilterId>>>>,
}

/// What a classification level requires of a workload: its own requirements and those of every
/// level before it, each with the level that states it and the span of the field.
#[derive(Clone, Debug, Default)]
pub struct LevelRequirements {
    /// `public_network: disabled`.
    pub private_network: Option<(String, Span)>,
    /// `global_deployments: disabled`.
    pub no_global_deployments: Option<(String, Span)>,
    /// `filters: at_least FILTER`, one per level that states one.
    pub minimum_filters: Vec<(FilterId, String, Span)>,
}

impl Policy {
    /// The index of the classification level called `name`.
    pub fn classification_level(&self, name: &str) -> Option<usize> {
        self.classifications
            .iter()
            .position(|level| level.name == name)
    }

    /// What level `index` requires, with the requirements of every level before it.
    pub fn level_requirements(&self, index: usize) -> LevelRequirements {
        let mut requirements = LevelRequirements::default();
        for level in self.classifications.iter().take(index + 1) {
            let disabled = |field: &Option<Field<Option<Toggle>>>| {
                field
                    .as_ref()
                    .filter(|field| field.value == Some(Toggle::Disabled))
                    .map(|field| (level.name.clone(), field.span))
            };
            if let Some(found) = disabled(&level.public_network) {
                requirements.private_network = Some(found);
            }
            if let Some(found) = disabled(&level.global_deployments) {
                requirements.no_global_deployments = Some(found);
            }
            if let Some(field) = &level.minimum {
                if let Some(minimum) = field.value {
                    requirements.minimum_filters.push((
                        minimum.target,
                        level.name.clone(),
                        field.span,
                    ));
                }
            }
        }
        requirements
    }
}

impl Workload {
    /// Who manages its AI resources and where that is said: its own `managed_by:`, else its
    /// policy's; `None` when neither says.
    pub fn authority(&self, policy: Option<&Policy>) -> Option<(Authority, Span)> {
        let own = self
            .managed_by
            .as_ref()
            .and_then(|field| field.value.map(|value| (value, field.span)));
        own.or_else(|| {
            policy
                .and_then(|policy| policy.managed_by.as_ref())
                .and_then(|field| field.value.map(|value| (value, field.span)))
        })
    }

    /// Whether its AI accounts disable public network access: its own `public_network:`, else
    /// its policy's.
    pub fn public_network_disabled(&self, policy: Option<&Policy>) -> bool {
        let own = value_of(&self.public_network).copied();
        let inherited = policy.and_then(|policy| value_of(&policy.public_network).copied());
        own.or(inherited) == Some(Toggle::Disabled)
    }
}

/// The deployment types a policy lists, each with its span; `None` when the value is not a
/// list (reported).
pub type DeploymentTypes = Option<Vec<(DeploymentType, Span)>>;

impl Policy {
    /// How long before an exemption expires to warn, in days.
    pub fn exemption_warning_days(&self) -> u32 {
        value_of(&self.exemption_warning)
            .copied()
            .unwrap_or(DEFAULT_EXEMPTION_WARNING_DAYS)
    }

    /// How long before a retirement to warn, in days.
    pub fn retirement_warning_days(&self) -> u32 {
        value_of(&self.retirement_warning)
            .copied()
            .unwrap_or(DEFAULT_RETIREMENT_WARNING_DAYS)
    }

    /// The scopes it is assigned at, each with its span.
    pub fn scopes(&self) -> &[(Scope, Span)] {
        self.scope
            .as_ref()
            .map_or(&[], |field| field.value.as_slice())
    }

    /// A cap and the span of its field, when it is set.
    pub fn cap(field: &Option<Field<Option<u32>>>) -> Option<(u32, Span)> {
        field
            .as_ref()
            .and_then(|field| field.value.map(|cap| (cap, field.span)))
    }

    /// The deployment types deployments may use (each once) and the span of the field; `None`
    /// when the policy does not restrict them (or its list is not a list: reported).
    pub fn allowed_deployment_types(&self) -> Option<(Vec<DeploymentType>, Span)> {
        let field = self.deployment_types.as_ref()?;
        let listed = field.value.as_ref()?;
        let mut types: Vec<DeploymentType> = Vec::new();
        for (kind, _) in listed {
            if !types.contains(kind) {
                types.push(*kind);
            }
        }
        Some((types, field.span))
    }

    /// Where the policy's definitions and initiative are stored: its `definitions_at:` scope,
    /// else its only management group or subscription. Azure assigns an initiative only at or
    /// below the place it is stored, and Charter does not know the management-group hierarchy,
    /// so with several management groups or subscriptions (or one of them beside resource
    /// groups) the user must say where rather than Charter guessing.
    pub fn definitions_location(&self) -> DefinitionsLocation {
        let scopes = self.scopes();
        if let Some(field) = &self.definitions_at {
            let Some((scope, span)) = &field.value else {
                return DefinitionsLocation::Unknown;
            };
            let span = *span;
            if let Scope::ResourceGroup(_) | Scope::Resource(_) = scope {
                return DefinitionsLocation::AtResourceGroup {
                    scope: scope.clone(),
                    span,
                };
            }
            if scope_name(scope).trim().is_empty() {
                return DefinitionsLocation::EmptyId { span };
            }
            if let Scope::Subscription(subscription) = scope {
                let outside: Vec<(Scope, Span)> = scopes
                    .iter()
                    .filter(|(assigned, _)| match assigned {
                        Scope::ManagementGroup(_) => true,
                        Scope::Subscription(other) => other != subscription,
                        Scope::ResourceGroup(_) | Scope::Resource(_) => false,
                    })
                    .cloned()
                    .collect();
                if !outside.is_empty() {
                    return DefinitionsLocation::BelowItsScopes {
                        scope: scope.clone(),
                        span,
                        outside,
                    };
                }
            }
            return DefinitionsLocation::Stored(scope.clone());
        }
        let containers: Vec<&Scope> = scopes
            .iter()
            .map(|(scope, _)| scope)
            .filter(|scope| !matches!(scope, Scope::ResourceGroup(_) | Scope::Resource(_)))
            .collect();
        match (containers.as_slice(), scopes.len()) {
            ([], _) => DefinitionsLocation::Unknown,
            ([only], 1) => DefinitionsLocation::Stored((*only).clone()),
            _ => DefinitionsLocation::Ambiguous,
        }
    }

    /// The scope of the assignment an exemption exempts: the exempted scope itself when the
    /// policy is assigned there, else the `under` scope, else the policy's only scope. An
    /// exemption must sit at or below the assignment it exempts, and Charter does not know the
    /// management-group hierarchy, so with several scopes the user must say which.
    pub fn exemption_assignment(&self, exemption: &Exemption) -> ExemptionAssignment {
        let scopes = self.scopes();
        let Some((exempted, exempted_span)) = &exemption.scope else {
            return ExemptionAssignment::Unknown;
        };
        if let Some(modifier) = &exemption.under {
            let Some((under, under_span)) = &modifier.value else {
                return ExemptionAssignment::Unknown;
            };
            if scopes.iter().any(|(scope, _)| scope == under) {
                return ExemptionAssignment::Scope(under.clone());
            }
            if scopes.is_empty() {
                // The missing `scope:` is reported already; there is nothing to compare with.
                return ExemptionAssignment::Unknown;
            }
            return ExemptionAssignment::UnderNotAScope {
                under: under.clone(),
                span: *under_span,
            };
        }
        if scopes.iter().any(|(scope, _)| scope == exempted) {
            return ExemptionAssignment::Scope(exempted.clone());
        }
        match scopes {
            [] => ExemptionAssignment::Unknown,
            [(only, _)] => ExemptionAssignment::Scope(only.clone()),
            [..] => ExemptionAssignment::Ambiguous {
                exempted: exempted.clone(),
                span: *exempted_span,
            },
        }
    }
}

/// Where a policy's definitions are stored (see [`Policy::definitions_location`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DefinitionsLocation {
    /// Known: at this management group or subscription.
    Stored(Scope),
    /// Not known from the policy alone: it is assigned only at resource groups (whose
    /// subscription the workloads there may name), or its `scope:` or `definitions_at:` did
    /// not check (reported).
    Unknown,
    /// `definitions_at:` names a resource group, which cannot hold definitions.
    AtResourceGroup { scope: Scope, span: Span },
    /// `definitions_at:` names a management group or subscription with an empty id.
    EmptyId { span: Span },
    /// `definitions_at:` names a subscription, and the policy is assigned at management groups
    /// or other subscriptions, which it does not contain.
    BelowItsScopes {
        scope: Scope,
        span: Span,
        outside: Vec<(Scope, Span)>,
    },
    /// Several management groups or subscriptions, or one beside resource groups, and no
    /// `definitions_at:`.
    Ambiguous,
}

/// The assignment an exemption exempts (see [`Policy::exemption_assignment`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExemptionAssignment {
    Scope(Scope),
    /// Nothing to resolve: the exemption's scope, its `under` or the policy's scopes did not
    /// check (reported).
    Unknown,
    /// `under` names a scope the policy is not assigned at.
    UnderNotAScope {
        under: Scope,
        span: Span,
    },
    /// The policy has several scopes, none of them the exempted one, and no `under` says which.
    Ambiguous {
        exempted: Scope,
        span: Span,
    },
}

/// The name or id a scope is written with.
pub fn scope_name(scope: &Scope) -> &str {
    match scope {
        Scope::ManagementGroup(name) | Scope::Subscription(name) | Scope::ResourceGroup(name) => {
            name
        }
        Scope::Resource(resource) => &resource.name,
    }
}

/// A policy's `models { ... }` block.
#[derive(Clone, Debug)]
pub struct Models {
    /// The `models` keyword.
    pub keyword_span: Span,
    /// Every `allow` clause with a model name, in source order (a second `allow` of a model
    /// included: see [`Models::allowed`]).
    pub allows: Vec<Allow>,
    /// Whether an `allow` clause has no model name that checked (reported where it is written).
    pub unreadable: bool,
}

impl Models {
    /// The allowed models: the first `allow` of each model.
    pub fn allowed(&self) -> impl Iterator<Item = &Allow> {
        self.allows
            .iter()
            .enumerate()
            .filter(|(index, allow)| {
                !self.allows[..*index]
                    .iter()
                    .any(|earlier| earlier.model.name == allow.model.name)
            })
            .map(|(_, allow)| allow)
    }
}

/// `allow "MODEL" [versions ["V", ...]]`.
#[derive(Clone, Debug)]
pub struct Allow {
    pub model: Named,
    /// The whole clause.
    pub span: Span,
    /// The versions listed (empty: every version).
    pub versions: Vec<Named>,
    /// Whether `versions` is written with something other than a list of strings (reported).
    pub versions_unreadable: bool,
}

impl Allow {
    /// Whether the model and every version are in the catalog and the clause typed cleanly.
    /// When not (reported at the policy), "not allowed" at an endpoint may only echo it.
    pub fn in_catalog(&self) -> bool {
        self.model.known && !self.versions_unreadable && self.versions.iter().all(|v| v.known)
    }
}

/// `exempt SCOPE [under SCOPE] until DATE as waiver|mitigated "reason"`.
#[derive(Clone, Debug)]
pub struct Exemption {
    /// The whole clause.
    pub span: Span,
    /// The `exempt` keyword.
    pub keyword_span: Span,
    /// The exempted scope, when it checked; for `endpoint(WORKLOAD.ENDPOINT)`, once resolved,
    /// the endpoint's account in the workload's resource group (its name is derived per
    /// region, see [`Model::exempted_accounts`]).
    pub scope: Option<(Scope, Span)>,
    /// `endpoint(WORKLOAD.ENDPOINT)`, as written and as resolved.
    pub endpoint: Option<ExemptEndpoint>,
    pub under: Option<Modifier<Option<(Scope, Span)>>>,
    pub until: Option<(Date, Span)>,
    /// `as CATEGORY "reason"`.
    pub reason: Option<Modifier<Reason>>,
    /// `only [RULES]`: the rules, each with its span; `None` inside when not a list.
    pub only: Option<Modifier<ExemptRules>>,
    /// `owner "..."` and `ticket "..."`.
    pub owner: Option<Modifier<Option<(String, Span)>>>,
    pub ticket: Option<Modifier<Option<(String, Span)>>>,
}

/// `endpoint(WORKLOAD.ENDPOINT)` in an exemption.
#[derive(Clone, Debug)]
pub struct ExemptEndpoint {
    /// The workload and the endpoint as written, each with its span.
    pub workload: (String, Span),
    pub endpoint: (String, Span),
    /// The whole `endpoint(...)`.
    pub span: Span,
    /// The workload and the index of its endpoint, when both resolved (reported otherwise).
    pub target: Option<(WorkloadId, usize)>,
}

/// The rules of `only [...]`, each with its span; `None` when the value is not a list.
pub type ExemptRules = Option<Vec<(charter_ir::ExemptRule, Span)>>;

/// The category and reason of an exemption, as far as they checked.
#[derive(Clone, Debug)]
pub struct Reason {
    pub category: Option<(ExemptionCategory, Span)>,
    pub text: Option<(String, Span)>,
}

/// A team's workload (`workload NAME { ... }`).
#[derive(Clone, Debug)]
pub struct Workload {
    pub name: String,
    pub name_span: Span,
    pub span: Span,
    pub doc: Option<String>,
    /// `None` when another workload took the name first (reported).
    pub decl: Option<DeclId>,
    pub governed_by: Option<Field<Option<Ref<PolicyId>>>>,
    pub environment: Option<Field<Option<Environment>>>,
    /// `resource_group:`, with the span of the string.
    pub resource_group: Option<Field<Option<(String, Span)>>>,
    /// `subscription:`, with the span of the string.
    pub subscription: Option<Field<Option<(String, Span)>>>,
    pub data_zone: Option<Field<Option<DataZone>>>,
    pub budget: Option<Field<Budget>>,
    /// Apps declared by `app NAME { }` blocks, then those `apps: [...]` adds.
    pub apps: Vec<App>,
    /// Endpoints, one per name.
    pub endpoints: Vec<Endpoint>,
    /// `managed_by:`: who manages its AI resources.
    pub managed_by: Option<Field<Option<Authority>>>,
    /// `team:`: its team's Entra group object id, with the span of the string.
    pub team: Option<Field<Option<(String, Span)>>>,
    /// `classification:`: the level of the data it processes, with the span of the string.
    pub classification: Option<Field<Option<(String, Span)>>>,
    /// `public_network:` of the workload itself.
    pub public_network: Option<Field<Option<Toggle>>>,
    /// `business_unit:`, when it names a declared business unit (index into
    /// [`Model::business_units`]).
    pub business_unit: Option<Field<Option<Ref<usize>>>>,
}

/// `business_unit NAME { ... }`: a business unit that owns one AI Foundry resource per region
/// its workloads use; each of its workloads is a project there.
#[derive(Clone, Debug)]
pub struct BusinessUnit {
    pub name: String,
    pub name_span: Span,
    pub span: Span,
    pub doc: Option<String>,
    pub decl: DeclId,
    pub resource_group: Option<Field<Option<(String, Span)>>>,
    pub subscription: Option<Field<Option<(String, Span)>>>,
}

impl Workload {
    /// The policy that governs it, when `governed_by` names one.
    pub fn policy(&self) -> Option<PolicyId> {
        value_of(&self.governed_by).map(|reference| reference.target)
    }

    /// Its environment (`dev` when not given: reported).
    pub fn environment(&self) -> Environment {
        value_of(&self.environment)
            .copied()
            .unwrap_or(Environment::Dev)
    }

    /// Its data zone and the span of the field.
    pub fn data_zone(&self) -> Option<(DataZone, Span)> {
        self.data_zone
            .as_ref()
            .and_then(|field| field.value.map(|zone| (zone, field.span)))
    }

    /// The app called `name`.
    pub fn app(&self, name: &str) -> Option<(usize, &App)> {
        self.apps
            .iter()
            .enumerate()
            .find(|(_, app)| app.name == name)
    }
}

/// `budget: AMOUNT PERIOD [alert_at [...]] [notify [...]]`.
#[derive(Clone, Debug)]
pub struct Budget {
    pub amount: Option<Money>,
    pub period: Option<BudgetPeriod>,
    pub alert_at: Option<BudgetList<u32>>,
    pub notify: Option<BudgetList<String>>,
}

/// An amount of money as written.
#[derive(Clone, Debug)]
pub struct Money {
    /// The digits as written (`2000`, `12.50`).
    pub amount: String,
    pub currency: String,
    pub span: Span,
}

/// The list of `alert_at` or `notify`.
#[derive(Clone, Debug)]
pub struct BudgetList<T> {
    /// The elements that checked, in order.
    pub items: Vec<(T, Span)>,
    pub span: Span,
    /// Whether the brackets hold nothing at all (rather than only elements that did not check).
    pub written_empty: bool,
}

/// An app of a workload.
#[derive(Clone, Debug)]
pub struct App {
    pub name: String,
    pub decl: DeclId,
    /// The name in `app NAME { }`, or in `apps: [...]`.
    pub name_span: Span,
    /// The `app NAME { }` block, when the app has one.
    pub block: Option<AppBlock>,
}

/// The block of an app.
#[derive(Clone, Debug)]
pub struct AppBlock {
    pub span: Span,
    pub doc: Option<String>,
    pub environment: Option<Field<Option<Environment>>>,
    /// The filter the app requires, when it resolved to a filter.
    pub filter: Option<Field<Option<Ref<FilterId>>>>,
}

impl App {
    /// Its own environment, when it states one.
    pub fn environment(&self) -> Option<Environment> {
        self.block
            .as_ref()
            .and_then(|block| value_of(&block.environment).copied())
    }

    /// The filter it requires, when it names one.
    pub fn filter(&self) -> Option<Ref<FilterId>> {
        self.block
            .as_ref()
            .and_then(|block| value_of(&block.filter).copied())
    }
}

/// A model deployment of a workload (`endpoint NAME { ... }`).
#[derive(Clone, Debug)]
pub struct Endpoint {
    pub name: String,
    pub name_span: Span,
    pub span: Span,
    pub doc: Option<String>,
    pub decl: DeclId,
    /// `model "NAME" version "VERSION"`.
    pub model: Option<Field<ModelUse>>,
    pub deployment: Option<Field<Deployment>>,
    pub filter: Option<Field<Option<Ref<FilterId>>>>,
    pub regions: Option<Field<Regions>>,
    /// `serves:`: the apps listed, when the value is a list.
    pub serves: Option<Field<Option<Vec<Served>>>>,
    /// `agents:`: whether agents run on the endpoint.
    pub agents: Option<Field<Option<Toggle>>>,
}

impl Endpoint {
    /// Whether agents run on the endpoint (`agents: enabled`).
    pub fn serves_agents(&self) -> bool {
        value_of(&self.agents) == Some(&Toggle::Enabled)
    }

    /// The model, when it is in the catalog.
    pub fn known_model(&self) -> Option<&Named> {
        self.model
            .as_ref()
            .and_then(|field| field.value.model.as_ref())
            .filter(|model| model.known)
    }

    /// The version, when it is in the catalog (and so is its model).
    pub fn known_version(&self) -> Option<&Named> {
        self.known_model()?;
        self.model
            .as_ref()
            .and_then(|field| field.value.version.as_ref())
            .filter(|version| version.known)
    }

    /// The deployment type, when it checked.
    pub fn deployment_type(&self) -> Option<(DeploymentType, Span)> {
        self.deployment.as_ref().and_then(|field| field.value.kind)
    }

    /// The capacity (1 when not given) and the span to point at for it: the number, else the
    /// `deployment:` field.
    pub fn capacity(&self) -> (u32, Option<Span>) {
        let written = self
            .deployment
            .as_ref()
            .and_then(|field| field.value.capacity);
        let capacity = written.map_or(1, |(capacity, _)| capacity);
        let span = written
            .map(|(_, span)| span)
            .or(self.deployment.as_ref().map(|field| field.span));
        (capacity, span)
    }

    /// The filter, when it resolved to one.
    pub fn filter(&self) -> Option<Ref<FilterId>> {
        value_of(&self.filter).copied()
    }

    /// The regions listed once each, in order.
    pub fn regions(&self) -> impl Iterator<Item = &ListedRegion> {
        self.regions
            .iter()
            .flat_map(|field| field.value.listed.iter())
            .filter(|region| region.first.is_none())
    }

    /// The redundancy mode (`none` when not given or misspelt).
    pub fn redundancy(&self) -> Redundancy {
        self.regions
            .as_ref()
            .and_then(|field| field.value.redundancy.as_ref())
            .and_then(|modifier| modifier.value)
            .map_or(Redundancy::None, |(redundancy, _)| redundancy)
    }

    /// The standby capacity as written, with its span.
    pub fn standby(&self) -> Option<(u32, Span)> {
        self.regions
            .as_ref()
            .and_then(|field| field.value.standby.as_ref())
            .and_then(|modifier| modifier.value)
    }
}

/// The model and version an endpoint deploys, as far as they are written.
#[derive(Clone, Debug)]
pub struct ModelUse {
    pub model: Option<Named>,
    pub version: Option<Named>,
}

/// `deployment: TYPE [capacity N]`.
#[derive(Clone, Debug)]
pub struct Deployment {
    pub kind: Option<(DeploymentType, Span)>,
    pub capacity: Option<(u32, Span)>,
}

/// `regions: [...] [redundancy MODE] [standby N]`.
#[derive(Clone, Debug)]
pub struct Regions {
    /// Every region listed, in order.
    pub listed: Vec<ListedRegion>,
    /// The list, when it checked.
    pub list_span: Option<Span>,
    pub redundancy: Option<Modifier<Option<(Redundancy, Span)>>>,
    pub standby: Option<Modifier<Option<(u32, Span)>>>,
}

/// A region listed by an endpoint.
#[derive(Clone, Debug)]
pub struct ListedRegion {
    pub name: String,
    pub span: Span,
    /// Whether the catalog has it (not looked up for a region listed twice).
    pub known: bool,
    /// Where it was first listed, when this is a second listing (reported).
    pub first: Option<Span>,
}

/// An app an endpoint serves.
#[derive(Clone, Debug)]
pub struct Served {
    /// The name as written.
    pub name: String,
    pub span: Span,
    pub app: ServedApp,
}

/// What a name in `serves:` resolved to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServedApp {
    /// An app of the endpoint's workload (index into its apps).
    Own(usize),
    /// An app of another workload.
    Other { workload: WorkloadId, app: usize },
    /// No app has the name (reported).
    Unknown,
}

charter_ir::keywords! {
    /// Who creates a blocklist.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum BlocklistManager {
        Charter => "charter",
        External => "external",
    }
}

/// A custom blocklist (`blocklist "NAME" { ... }`).
#[derive(Clone, Debug)]
pub struct Blocklist {
    pub name: String,
    pub name_span: Span,
    pub span: Span,
    pub doc: Option<String>,
    pub decl: DeclId,
    pub description: Option<Field<Option<String>>>,
    pub managed: Option<Field<Option<BlocklistManager>>>,
    pub terms: Option<Field<Vec<(String, Span)>>>,
    pub patterns: Option<Field<Vec<(String, Span)>>>,
}

/// A term or pattern of a blocklist, as the checks classify it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlocklistEntry {
    /// Blocks something.
    Valid,
    /// Empty or blank: matches nothing.
    Empty,
    /// Listed before, at this span.
    Duplicate(Span),
}

impl Blocklist {
    /// Whether another team creates it.
    pub fn is_external(&self) -> bool {
        value_of(&self.managed) == Some(&BlocklistManager::External)
    }

    /// Its terms (`false`) and patterns (`true`), in order, each classified.
    pub fn entries(&self) -> Vec<(&str, bool, Span, BlocklistEntry)> {
        let mut out: Vec<(&str, bool, Span, BlocklistEntry)> = Vec::new();
        for (field, is_regex) in [(&self.terms, false), (&self.patterns, true)] {
            let Some(field) = field else { continue };
            for (text, span) in &field.value {
                let class = if text.trim().is_empty() {
                    BlocklistEntry::Empty
                } else if let Some((_, _, first, _)) = out.iter().find(|(t, regex, _, class)| {
                    *t == text && *regex == is_regex && *class == BlocklistEntry::Valid
                }) {
                    BlocklistEntry::Duplicate(*first)
                } else {
                    BlocklistEntry::Valid
                };
                out.push((text, is_regex, *span, class));
            }
        }
        out
    }

    /// The description Azure shows: `description:`, else the doc comment on one line.
    pub fn description(&self) -> String {
        value_of(&self.description)
            .cloned()
            .or_else(|| {
                self.doc
                    .as_ref()
                    .map(|doc| doc.split_whitespace().collect::<Vec<_>>().join(" "))
            })
            .unwrap_or_default()
    }
}

/// What separates a fine-tuned model's base from its job id in the name Azure gives it.
pub const FINE_TUNED_MARKER: &str = ".ft-";

/// A fine-tuned model (`fine_tuned "NAME" { base: ... trained_in: ... }`).
#[derive(Clone, Debug)]
pub struct FineTuned {
    pub name: String,
    pub name_span: Span,
    pub span: Span,
    pub doc: Option<String>,
    /// `base: "MODEL" version "VERSION"`.
    pub base: Option<Named>,
    pub base_version: Option<Named>,
    /// The base model and version as the catalog names them, when both are in it.
    pub base_entry: Option<(String, String)>,
    pub trained_in: Option<(String, Span)>,
    /// `copies_in:`: the regions with a copy of the model, when written.
    pub copies_in: Option<Vec<(String, Span)>>,
    /// Whether it was added to the catalog (its base is known and its name was free).
    pub in_catalog: bool,
}

impl FineTuned {
    /// Whether the name has Azure's form for a fine-tuned model: `<base>.ft-<id>`.
    pub fn has_azure_name(&self) -> bool {
        match self.name.find(FINE_TUNED_MARKER) {
            Some(at) => at > 0 && self.name.len() > at + FINE_TUNED_MARKER.len(),
            None => false,
        }
    }

    /// What is wrong with the training account's id, when something is.
    pub fn account_problem(&self) -> Option<AccountProblem> {
        let (id, _) = self.trained_in.as_ref()?;
        account_id_problem(id)
    }

    /// Whether deployments can name it: a valid name and account, in the catalog.
    pub fn is_deployable(&self) -> bool {
        self.in_catalog
            && self.has_azure_name()
            && self.trained_in.is_some()
            && self.account_problem().is_none()
    }
}

/// Why a training account id is not the ARM id of an AI account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccountProblem {
    /// Not `/subscriptions/…/resourceGroups/…/providers/Microsoft.CognitiveServices/accounts/…`.
    Shape,
    /// The subscription segment, which is not a GUID.
    NotAGuid(String),
}

/// Why `id` is not the ARM id of a Cognitive Services account in a subscription given by its id.
pub fn account_id_problem(id: &str) -> Option<AccountProblem> {
    let segments: Vec<&str> = id.split('/').collect();
    let expected = [
        "",
        "subscriptions",
        "*",
        "resourcegroups",
        "*",
        "providers",
        "microsoft.cognitiveservices",
        "accounts",
        "*",
    ];
    if segments.len() != expected.len()
        || !segments.iter().zip(expected).all(|(segment, wanted)| {
            if wanted == "*" {
                !segment.is_empty()
            } else {
                segment.eq_ignore_ascii_case(wanted)
            }
        })
    {
        return Some(AccountProblem::Shape);
    }
    if !charter_ir::is_guid(segments[2]) {
        return Some(AccountProblem::NotAGuid(segments[2].to_string()));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The comparisons remembered are the model's: the same weaknesses, asked once or again,
    /// in either order of the pair (the stdlib's `strict` is stricter than its `default`).
    #[test]
    fn filter_comparisons_are_the_models_weaknesses() {
        let document = crate::Document {
            id: FileId(0),
            path: "main.charter".to_string(),
            text: "filter mine extends std.filters.default {}\n".to_string(),
            is_stdlib: false,
        };
        let options = crate::Options::new(Date::parse("2026-11-22").expect("a date"));
        let compilation = crate::compile(vec![document], &options);
        let model = &compilation.model;
        let comparisons = FilterComparisons::new(model);
        let ids: Vec<FilterId> = (0..model.filters.len()).map(FilterId).collect();
        let named = |name: &str| {
            ids.iter()
                .copied()
                .find(|id| {
                    let filter = model.filter(*id);
                    filter.is_stdlib && filter.name.rsplit('.').next() == Some(name)
                })
                .expect("a stdlib filter of that name")
        };
        let (default, strict) = (named("default"), named("strict"));
        assert!(!model.weaknesses(default, strict).is_empty());
        for _ in 0..2 {
            for &filter in &ids {
                for &minimum in &ids {
                    let expected = model.weaknesses(filter, minimum);
                    assert_eq!(
                        format!("{:?}", comparisons.weaknesses(filter, minimum)),
                        format!("{expected:?}")
                    );
                    assert_eq!(comparisons.meets(filter, minimum), expected.is_empty());
                }
            }
        }
    }

    /// Every side and category has its own slot, at its positions in `ALL`.
    #[test]
    fn slots_are_positions_in_all() {
        for (side_index, side) in Side::ALL.into_iter().enumerate() {
            for (category_index, category) in Category::ALL.into_iter().enumerate() {
                assert_eq!(
                    slot(side, category),
                    side_index * Category::ALL.len() + category_index,
                    "{side:?} {category:?}"
                );
            }
        }
    }

    #[test]
    fn account_ids_are_checked_segment_by_segment() {
        assert_eq!(account_id_problem("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a"), None);
        assert_eq!(account_id_problem("/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg/providers/microsoft.cognitiveservices/accounts/a"), None);
        assert_eq!(
            account_id_problem("/subscriptions/prod/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a"),
            Some(AccountProblem::NotAGuid("prod".to_string()))
        );
        assert_eq!(account_id_problem("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a"), Some(AccountProblem::Shape));
        assert_eq!(
            account_id_problem("contoso-research-ft"),
            Some(AccountProblem::Shape)
        );
    }

    #[test]
    fn levels_are_read_per_kind_of_category() {
        assert_eq!(
            level_of(Category::Hate, "medium"),
            Level::Severity(Threshold::Medium)
        );
        assert_eq!(
            level_of(Category::Jailbreak, "off"),
            Level::Shield(ShieldMode::Off)
        );
        assert_eq!(
            level_keyword(Level::Shield(ShieldMode::Annotate)),
            "annotate"
        );
    }
}

/// A string value as written, with its span.
pub type Text = (String, Span);

/// `gateway NAME { ... }`: an API Management gateway in front of workloads' endpoints.
#[derive(Clone, Debug)]
pub struct Gateway {
    pub name: String,
    pub name_span: Span,
    pub span: Span,
    pub doc: Option<String>,
    /// `routes:`, each workload that resolved.
    pub routes: Option<Field<Vec<Ref<WorkloadId>>>>,
    pub service: Option<Field<Option<Text>>>,
    pub management: Option<Field<Option<charter_ir::Management>>>,
    pub resource_group: Option<Field<Option<Text>>>,
    pub subscription: Option<Field<Option<Text>>>,
    /// `regions:`, each region the catalog knows.
    pub regions: Option<Field<Vec<Text>>>,
    pub sku: Option<Field<Option<charter_ir::GatewaySku>>>,
    pub publisher: Option<Field<Option<Text>>>,
}

impl Gateway {
    /// The workloads it routes.
    pub fn routed(&self) -> impl Iterator<Item = &Ref<WorkloadId>> {
        self.routes.iter().flat_map(|field| field.value.iter())
    }

    /// Its regions, in order.
    pub fn region_names(&self) -> Vec<&str> {
        self.regions
            .iter()
            .flat_map(|field| field.value.iter().map(|(name, _)| name.as_str()))
            .collect()
    }

    /// Who creates the service (`charter` when not given).
    pub fn management(&self) -> charter_ir::Management {
        value_of(&self.management)
            .copied()
            .unwrap_or(charter_ir::Management::Charter)
    }

    /// The tier: as written, else `premium` for more than one region, else `developer`.
    pub fn sku(&self) -> charter_ir::GatewaySku {
        value_of(&self.sku).copied().unwrap_or_else(|| {
            if self.region_names().len() > 1 {
                charter_ir::GatewaySku::Premium
            } else {
                charter_ir::GatewaySku::Developer
            }
        })
    }
}

/// `monitoring NAME { ... }`: a Log Analytics workspace and the alerts of workloads.
#[derive(Clone, Debug)]
pub struct Monitoring {
    pub name: String,
    pub name_span: Span,
    pub span: Span,
    pub doc: Option<String>,
    pub workspace: Option<Field<Option<Text>>>,
    pub management: Option<Field<Option<charter_ir::Management>>>,
    pub resource_group: Option<Field<Option<Text>>>,
    pub subscription: Option<Field<Option<Text>>>,
    /// `region:`, when the catalog knows it.
    pub region: Option<Field<Option<Text>>>,
    /// `retention:` in days.
    pub retention: Option<Field<Option<u32>>>,
    /// `covers:`, each workload that resolved; `None`: every workload.
    pub covers: Option<Field<Vec<Ref<WorkloadId>>>>,
    pub usage_alert: Option<Field<Option<u32>>>,
    pub throttling_alert: Option<Field<Option<u32>>>,
    pub contacts: Option<Field<Vec<Text>>>,
}

impl Monitoring {
    /// Who creates the workspace (`charter` when not given).
    pub fn management(&self) -> charter_ir::Management {
        value_of(&self.management)
            .copied()
            .unwrap_or(charter_ir::Management::Charter)
    }

    /// Whether it covers a workload.
    pub fn covers(&self, id: WorkloadId) -> bool {
        match &self.covers {
            None => true,
            Some(field) => field.value.iter().any(|r| r.target == id),
        }
    }
}
