//! The lowered, backend-neutral policy model.
//!
//! The checker produces it; the backends (Azure Policy, Terraform) and the evaluator read only
//! this. Every reference is resolved and every inherited value is explicit: an endpoint carries
//! its model's format and its filter's full effective settings, a policy carries its minimum
//! filter's settings. Nothing here knows Azure Policy JSON or HCL; Azure's spellings of these
//! values live in the backends, except the deployment SKU names, which the model catalog is
//! keyed by too.
//!
//! INVARIANT: lists are in a deterministic order (source order for what the user wrote, sorted
//! where the user's order carries no meaning), so backends that iterate produce stable output.

use serde::Serialize;

pub mod names;

/// Declares a closed set of Charter keywords as an enum: each variant with the keyword Charter
/// spells it with, `ALL` in declaration order, `charter_name` and `from_charter_name`, all from
/// one list. The compiler's schema takes its keyword vocabularies from these enums, so a keyword
/// cannot be accepted without a variant, and a new variant is a compile error wherever a backend
/// or a check matches on the enum without handling it.
#[macro_export]
macro_rules! keywords {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident => $word:literal, )+
        }
    ) => {
        $(#[$meta])*
        $vis enum $name {
            $( $(#[$variant_meta])* $variant, )+
        }

        impl $name {
            /// Every value, in declaration order (the order the schema lists the keywords in).
            pub const ALL: [$name; [$($word),+].len()] = [$($name::$variant),+];

            /// The keyword Charter uses.
            pub const fn charter_name(self) -> &'static str {
                match self {
                    $($name::$variant => $word,)+
                }
            }

            /// The value a Charter keyword names.
            pub fn from_charter_name(word: &str) -> Option<$name> {
                Self::ALL.into_iter().find(|value| value.charter_name() == word)
            }
        }
    };
}

/// Everything one project declares, checked and resolved.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Project {
    pub policies: Vec<Policy>,
    pub workloads: Vec<Workload>,
    /// Every filter the project declares, plus the stdlib filters it references, with effective
    /// settings.
    pub filters: Vec<Filter>,
    /// The custom blocklists the project declares, sorted by name.
    pub blocklists: Vec<Blocklist>,
    /// How Azure names are made globally unique (from the project manifest).
    pub naming: Naming,
    /// The gateways in front of workloads' endpoints, in declaration order.
    pub gateways: Vec<Gateway>,
    /// Where workloads send their logs and metrics and whom their alerts notify, in declaration
    /// order.
    pub monitoring: Vec<Monitoring>,
    /// The management-group hierarchy; empty when the project declares none.
    pub hierarchy: Hierarchy,
    /// The business units that own Foundry resources (`business_unit NAME { }`), in declaration
    /// order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub business_units: Vec<BusinessUnit>,
}

/// A business unit (`business_unit NAME { }`): it owns one AI Foundry resource (an AI Services
/// account) per region its workloads use, and each of its workloads is a Foundry project in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BusinessUnit {
    pub name: String,
    pub description: String,
    /// The resource group its Foundry resources live in.
    pub resource_group: String,
    /// A subscription id or name, when the business unit names one.
    pub subscription: Option<String>,
}

/// Project settings that shape the names Charter gives Azure resources.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Naming {
    /// Put in front of every globally unique name (AI accounts and their custom subdomains,
    /// which are DNS names shared by every Azure customer): lower-case letters and digits.
    pub prefix: Option<String>,
}

/// A custom blocklist (`Microsoft.CognitiveServices/accounts/raiBlocklists`): terms and
/// patterns that a content filter blocks on the sides it lists the blocklist for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Blocklist {
    /// The name as Azure knows it (`contoso-banned-terms`), the one filters list.
    pub name: String,
    pub description: String,
    /// Who creates it.
    pub management: BlocklistManagement,
}

/// Who creates a blocklist in each AI account that needs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum BlocklistManagement {
    /// Charter creates it with these items, in source order.
    Charter { items: Vec<BlocklistItem> },
    /// Another team or pipeline creates it; Charter only refers to it, and the build says that it
    /// must exist before the filters that use it are applied.
    External,
}

/// One term or pattern of a blocklist.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BlocklistItem {
    /// The text matched (a plain term, or a regular expression when `is_regex`).
    pub pattern: String,
    pub is_regex: bool,
}

/// A governance policy: one initiative, assigned at each of its scopes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Policy {
    /// The Charter name (`contoso_ai`): lower-case letters, digits and `_`.
    pub name: String,
    pub display_name: String,
    /// From `description:` or else the doc comment; may be empty.
    pub description: String,
    pub scopes: Vec<Scope>,
    /// Where the policy's custom definitions and initiative are stored: the `definitions_at:`
    /// scope, else the only management group or subscription the policy is assigned at, else
    /// (a policy assigned only at resource groups) their subscription. Never a resource group.
    /// `None` when that subscription is not named in the project: the deployment's own
    /// subscription. An ancestor of (or equal to) every scope in `scopes`: the checker makes the
    /// user say so whenever it cannot tell, since it does not know the management-group
    /// hierarchy.
    pub definitions_scope: Option<Scope>,
    pub effect: Effect,
    /// `None` when the policy has no `models` block (any model is allowed).
    pub allowed_models: Option<Vec<AllowedModel>>,
    /// The `filters: at_least X` baseline, with its effective settings.
    pub minimum_filter: Option<Filter>,
    /// The filter set once per subscription as its guardrail (`guardrail:`), with its
    /// effective settings.
    pub guardrail: Option<Filter>,
    /// The sides every endpoint that serves agents must guard (`agent_sides`), in the order
    /// written.
    pub agent_sides: Vec<Side>,
    /// Names of the filters (RAI policies) that workloads governed by this policy use and that
    /// are at least as strict as `minimum_filter`: the approved content filters.
    pub approved_filters: Vec<String>,
    /// `None` when any region is allowed.
    pub allowed_regions: Option<Vec<String>>,
    /// The largest capacity of one pay-per-token deployment (standard, global, data-zone, batch
    /// and developer SKUs), in units of 1,000 tokens per minute.
    pub max_capacity: Option<u32>,
    /// The largest capacity of one provisioned deployment, in provisioned throughput units
    /// (PTUs): a different unit with a different price, so it has its own cap.
    pub max_provisioned: Option<u32>,
    /// The deployment types (SKUs) deployments may use; `None` when any is allowed.
    pub allowed_deployment_types: Option<Vec<DeploymentType>>,
    pub local_auth: Option<Toggle>,
    pub public_network: Option<Toggle>,
    pub retirement_warning_days: u32,
    /// The tag key that records which workload owns an AI account (endpoint-sharing rules).
    pub owner_tag: String,
    pub exemptions: Vec<Exemption>,
    /// The object id of the central team's Microsoft Entra group (`central_team:`).
    pub central_team: Option<String>,
    /// The data classification levels the policy defines, least sensitive first, each with
    /// every requirement of the levels below it (requirements accumulate).
    pub classifications: Vec<Classification>,
}

/// A data classification level of a policy and what it requires of a workload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Classification {
    /// The level's name (`confidential`), also the value of the classification tag.
    pub name: String,
    /// AI accounts must disable public network access.
    pub private_network: bool,
    /// Deployments may not use a global deployment type.
    pub no_global_deployments: bool,
    /// Every endpoint's filter must be at least as strict as each of these filters.
    pub minimum_filters: Vec<String>,
    /// The filters (RAI policies) of the policy's workloads that meet `minimum_filters`: the
    /// content filters a deployment of this level may use (empty when no minimum applies).
    pub approved_filters: Vec<String>,
}

keywords! {
    /// Who deploys and configures a workload's AI resources.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Authority {
        /// The workload's own team, within the governance.
        WorkloadTeam => "workload_team",
        /// The central (platform) team, for every workload.
        CentralTeam => "central_team",
    }
}

/// Who manages a workload's AI resources, with the groups the role assignments name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorkloadAuthority {
    pub managed_by: Authority,
    /// The object id of the workload team's Microsoft Entra group.
    pub team: Option<String>,
    /// The object id of the central team's Microsoft Entra group.
    pub central_team: Option<String>,
}

/// Where a policy is assigned or an exemption applies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Scope {
    ManagementGroup(String),
    /// A subscription id, or a name that the deployment supplies as a variable.
    Subscription(String),
    ResourceGroup(String),
    /// One resource, for an exemption (`resource(resource_group("rg"), "TYPE", "NAME")`, or the
    /// account of an endpoint Charter creates, `endpoint(WORKLOAD.ENDPOINT)`).
    Resource(ResourceScope),
}

/// One Azure resource an exemption names: its resource group (and that group's subscription,
/// when known), its resource type and its name. Its ARM id is
/// `/subscriptions/{subscription}/resourceGroups/{resource_group}/providers/{resource_type}/{name}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResourceScope {
    /// The subscription of the resource group: its id once resolved through the hierarchy, or
    /// a name as written (`resource_group("rg", subscription("name"))`); `None`: the resource
    /// group's subscription is found as for a `resource_group(...)` scope.
    pub subscription: Option<String>,
    pub resource_group: String,
    /// `Namespace/type[/subtype...]`, e.g. `Microsoft.CognitiveServices/accounts`.
    pub resource_type: String,
    /// The resource's name; a child resource's is its names joined with `/`.
    pub name: String,
}

impl ResourceScope {
    /// The resource's id below its resource group: `providers/{type}/{name}`, with a child
    /// type's segments interleaved with the name's (`Ns/a/b` and `x/y` give
    /// `providers/Ns/a/x/b/y`), as ARM writes child resources.
    pub fn provider_path(&self) -> String {
        let mut segments = self.resource_type.split('/');
        let namespace = segments.next().unwrap_or_default();
        let mut path = format!("providers/{namespace}");
        let mut names = self.name.split('/');
        for kind in segments {
            path.push('/');
            path.push_str(kind);
            path.push('/');
            path.push_str(names.next().unwrap_or_default());
        }
        path
    }

    /// `Type/name` relative form used by an ARM template's `scope` property on an extension
    /// resource deployed to the resource's own resource group (a child resource:
    /// `Ns/a/b/x/y`).
    pub fn relative_id(&self) -> String {
        self.provider_path()
            .strip_prefix("providers/")
            .unwrap_or_default()
            .to_string()
    }
}

keywords! {
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Effect {
        Deny => "deny",
        Audit => "audit",
        Disabled => "disabled",
    }
}

keywords! {
    /// Whether a policy requires something of every workload it governs (`business_units:`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Requirement {
        Required => "required",
        Optional => "optional",
    }
}

keywords! {
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Toggle {
        Disabled => "disabled",
        Enabled => "enabled",
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AllowedModel {
    /// As deployed (`gpt-4.1`).
    pub name: String,
    /// The catalog's model format (`OpenAI`).
    pub format: String,
    /// Allowed versions; empty means every version in the catalog that is not retired.
    pub versions: Vec<String>,
    /// Whether it is a fine-tuned model (`fine_tuned "NAME"`), which no model registry lists.
    pub fine_tuned: bool,
}

/// A time-limited exemption of one scope from one of its policy's assignments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Exemption {
    /// The exempted scope.
    pub scope: Scope,
    /// The scope of the assignment this exemption exempts: always one of the policy's
    /// `scopes`, resolved by the checker (the exempted scope itself when it is one of them,
    /// else the `under` scope, else the policy's only scope).
    pub assignment_scope: Scope,
    pub expires: Date,
    pub category: ExemptionCategory,
    pub reason: String,
    /// The rules exempted (`only [...]`); empty: every rule of the policy.
    pub rules: Vec<ExemptRule>,
    /// Who answers for the exemption (`owner "..."`), and the ticket that records it.
    pub owner: Option<String>,
    pub ticket: Option<String>,
}

keywords! {
    /// A rule of a policy an exemption may be limited to (`exempt ... only [regions]`): the
    /// policy field that makes the rule.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum ExemptRule {
        Models => "models",
        Filters => "filters",
        Regions => "regions",
        MaxCapacity => "max_capacity",
        MaxProvisioned => "max_provisioned",
        DeploymentTypes => "deployment_types",
        LocalAuth => "local_auth",
        PublicNetwork => "public_network",
        OwnerTag => "owner_tag",
    }
}

keywords! {
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum ExemptionCategory {
        Waiver => "waiver",
        Mitigated => "mitigated",
    }
}

/// A calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`, checking that the day exists (`2027-02-29` does not).
    pub fn parse(text: &str) -> Result<Date, String> {
        let invalid = || format!("invalid date `{text}`: expected YYYY-MM-DD, such as 2026-11-22");
        let parts: Vec<&str> = text.trim().split('-').collect();
        let [year, month, day] = parts.as_slice() else {
            return Err(invalid());
        };
        if year.len() != 4 || month.len() != 2 || day.len() != 2 {
            return Err(invalid());
        }
        let year: i32 = year.parse().map_err(|_| invalid())?;
        let month: u8 = month.parse().map_err(|_| invalid())?;
        let day: u8 = day.parse().map_err(|_| invalid())?;
        if !(1..=12).contains(&month) || day == 0 || day > Date::days_in_month(year, month) {
            return Err(format!("invalid date `{text}`: that day does not exist"));
        }
        Ok(Date { year, month, day })
    }

    /// The number of days in a month of a year (leap years included).
    pub fn days_in_month(year: i32, month: u8) -> u8 {
        match month {
            2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }

    /// Days since 1970-01-01 (negative before), by Howard Hinnant's `days_from_civil`.
    pub fn days_since_epoch(self) -> i64 {
        let month = i64::from(self.month);
        let day = i64::from(self.day);
        let year = i64::from(self.year) - i64::from(month <= 2);
        let era = if year >= 0 { year } else { year - 399 } / 400;
        let year_of_era = year - era * 400;
        let month_index = (month + 9) % 12;
        let day_of_year = (153 * month_index + 2) / 5 + day - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The date `days` days after 1970-01-01, by Howard Hinnant's `civil_from_days`.
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z.rem_euclid(146_097);
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let mp = (5 * day_of_year + 2) / 153;
        let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (year_of_era + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A content filter with every setting explicit (inheritance through `extends` applied).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Filter {
    /// The name as the project refers to it (`strict`, `std.filters.default`).
    pub name: String,
    pub description: String,
    /// Every required category of the prompt and the completion, and every optional one (any
    /// on an agent's side) a filter of the chain sets, in [`Side::ALL`] then [`Category::ALL`]
    /// order.
    pub settings: Vec<FilterSetting>,
    /// The custom blocklists the filter applies, each on one side, sorted by name, then side.
    pub blocklists: Vec<BlocklistUse>,
    /// The external safety providers the filter calls, each on one side, sorted by name, then
    /// side.
    pub safety_providers: Vec<SafetyProviderUse>,
    /// When content is filtered relative to streaming.
    pub mode: FilterMode,
}

/// An external safety provider (`Microsoft.CognitiveServices/raiExternalSafetyProviders`,
/// registered in the subscription) a filter calls on one side.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct SafetyProviderUse {
    /// The provider's name in the subscription.
    pub name: String,
    pub side: Side,
}

/// A blocklist a filter applies on one side.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct BlocklistUse {
    /// The blocklist's name ([`Blocklist::name`]).
    pub name: String,
    pub side: Side,
}

keywords! {
    /// When a content filter runs relative to streaming the completion.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum FilterMode {
        /// Content is filtered before it is streamed to the caller (Azure's `Default`).
        Default => "default",
        /// Content is streamed first and filtered asynchronously, so harmful text can reach the
        /// caller before it is flagged (Azure's `Asynchronous_filter`). Weaker than `Default`.
        Asynchronous => "asynchronous",
    }
}

impl FilterMode {
    /// How strict the mode is: higher is stricter.
    pub fn strictness(self) -> u8 {
        match self {
            FilterMode::Asynchronous => 0,
            FilterMode::Default => 1,
        }
    }
}

impl Filter {
    /// The level of one category on one side.
    pub fn level(&self, side: Side, category: Category) -> Option<Level> {
        self.settings
            .iter()
            .find(|setting| setting.side == side && setting.category == category)
            .map(|setting| setting.level)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FilterSetting {
    pub side: Side,
    pub category: Category,
    pub level: Level,
}

// `Side`, `Category` and `ShieldMode`, with their Azure spellings, are generated from the table
// `data/controls.tsv` by `build.rs`: a filter name, a source or an action Azure adds is data.
include!(concat!(env!("OUT_DIR"), "/controls.rs"));

/// Who a control works for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Direct model calls and agents.
    All,
    /// Agents only: the service has nothing to apply it to on a direct model call.
    Agents,
    /// Direct model calls only: the service silently skips it for agents.
    Models,
}

/// The setting of one category.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Severity(Threshold),
    Shield(ShieldMode),
}

impl Level {
    /// How strict the setting is: higher is stricter. Comparable only within one kind.
    pub fn strictness(self) -> u8 {
        match self {
            Level::Severity(Threshold::Off) => 0,
            Level::Severity(Threshold::High) => 1,
            Level::Severity(Threshold::Medium) => 2,
            Level::Severity(Threshold::Low) => 3,
            Level::Shield(mode) => mode.strictness(),
        }
    }
}

keywords! {
    /// The lowest severity a harm category blocks: `low` blocks low, medium and high (strictest);
    /// `high` blocks only high; `off` blocks nothing.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Threshold {
        Low => "low",
        Medium => "medium",
        High => "high",
        Off => "off",
    }
}

/// A team's AI workload: its apps, budget and endpoints, governed by one policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Workload {
    pub name: String,
    pub description: String,
    /// The governing policy's name.
    pub policy: String,
    pub environment: Environment,
    pub resource_group: String,
    /// A subscription id or name, when the workload names one.
    pub subscription: Option<String>,
    pub data_zone: Option<DataZone>,
    pub apps: Vec<App>,
    pub budget: Option<Budget>,
    pub endpoints: Vec<Endpoint>,
    /// Who manages its AI resources, when the workload or its policy says.
    pub authority: Option<WorkloadAuthority>,
    /// The data classification level of the data it processes.
    pub classification: Option<String>,
    /// `public_network:` of the workload itself (it may only be stricter than its policy's).
    pub public_network: Option<Toggle>,
    /// The business unit whose Foundry resource holds its endpoints, as a project of its own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business_unit: Option<String>,
}

keywords! {
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Environment {
        Sandbox => "sandbox",
        Dev => "dev",
        Test => "test",
        Prod => "prod",
    }
}

keywords! {
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum DataZone {
        Eu => "eu",
        Us => "us",
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct App {
    pub name: String,
    pub environment: Environment,
    /// The filter the app requires, when it names one.
    pub filter: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Budget {
    /// The amount as written (`2000`, `1500.50`).
    pub amount: String,
    /// ISO 4217 (`USD`).
    pub currency: String,
    pub period: BudgetPeriod,
    /// Percentages of the amount at which to alert, ascending.
    pub alert_thresholds: Vec<u32>,
    pub contacts: Vec<String>,
}

keywords! {
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum BudgetPeriod {
        Monthly => "monthly",
        Quarterly => "quarterly",
        Annually => "annually",
    }
}

/// A model deployment served from one or more regions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Endpoint {
    pub name: String,
    pub description: String,
    pub model: ModelRef,
    pub deployment_type: DeploymentType,
    /// Capacity units of the deployment in each active region.
    pub capacity: u32,
    /// The effective content filter.
    pub filter: Filter,
    /// The first region is the primary.
    pub regions: Vec<String>,
    pub redundancy: Redundancy,
    /// For `active_passive`: capacity of the secondary regions (defaults to `capacity`).
    pub standby_capacity: Option<u32>,
    /// Names of the apps (of this workload) the endpoint serves.
    pub serves: Vec<String>,
    /// Whether agents (Foundry Agent Service) run on it (`agents: enabled`).
    pub agents: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ModelRef {
    /// As deployed: the catalog name, or a fine-tuned model's full name (`<base>.ft-<id>`).
    pub name: String,
    pub version: String,
    /// The catalog's model format (`OpenAI`).
    pub format: String,
    /// Set when the model is a fine-tuned one.
    pub fine_tuned: Option<FineTuned>,
}

/// What a fine-tuned model is made from and where it lives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FineTuned {
    /// The catalog model it was trained from (`gpt-4.1-mini`), whose retirement it inherits.
    pub base_model: String,
    pub base_version: String,
    /// The ARM id of the AI account that trained it: a fine-tuned model exists only there, and a
    /// deployment in any other account must name it as the model's `source`.
    pub source_account: String,
}

keywords! {
    /// Azure's deployment types (SKUs).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum DeploymentType {
        GlobalStandard => "global_standard",
        DataZoneStandard => "data_zone_standard",
        Standard => "standard",
        GlobalProvisioned => "global_provisioned",
        DataZoneProvisioned => "data_zone_provisioned",
        Provisioned => "provisioned",
        GlobalBatch => "global_batch",
        DataZoneBatch => "data_zone_batch",
        Developer => "developer",
    }
}

impl DeploymentType {
    /// Whether capacity is counted in provisioned throughput units (PTUs) rather than in units
    /// of 1,000 tokens per minute.
    pub fn is_provisioned(self) -> bool {
        matches!(
            self,
            DeploymentType::GlobalProvisioned
                | DeploymentType::DataZoneProvisioned
                | DeploymentType::Provisioned
        )
    }

    /// Whether requests may be processed in any Azure region, outside any data zone.
    pub fn is_global(self) -> bool {
        matches!(
            self,
            DeploymentType::GlobalStandard
                | DeploymentType::GlobalProvisioned
                | DeploymentType::GlobalBatch
        )
    }

    /// The SKU name Azure uses for this deployment type (docs/azure-policy.md, "Deployment types and capacity").
    pub fn sku_name(self) -> &'static str {
        match self {
            DeploymentType::GlobalStandard => "GlobalStandard",
            DeploymentType::DataZoneStandard => "DataZoneStandard",
            DeploymentType::Standard => "Standard",
            DeploymentType::GlobalProvisioned => "GlobalProvisionedManaged",
            DeploymentType::DataZoneProvisioned => "DataZoneProvisionedManaged",
            DeploymentType::Provisioned => "ProvisionedManaged",
            DeploymentType::GlobalBatch => "GlobalBatch",
            DeploymentType::DataZoneBatch => "DataZoneBatch",
            DeploymentType::Developer => "DeveloperTier",
        }
    }
}

keywords! {
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Redundancy {
        /// One region, or several independent ones with no failover intent.
        None => "none",
        /// The first region serves; the others stand by at `standby_capacity`.
        ActivePassive => "active_passive",
        /// Every region serves at full capacity.
        ActiveActive => "active_active",
    }
}

/// An Azure API Management gateway that routes the callers of workloads' endpoints to every
/// region the endpoints run in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Gateway {
    /// The Charter name (`support_gateway`).
    pub name: String,
    pub description: String,
    /// The API Management service's name, a DNS name unique across Azure
    /// (`<name>.azure-api.net`).
    pub service: String,
    /// Who creates the service: Charter, or another team (Charter adds only its backends, API,
    /// policy and role assignments).
    pub management: Management,
    pub resource_group: String,
    /// A subscription id or name, when the gateway names one.
    pub subscription: Option<String>,
    /// The regions the gateway runs in; the first is the primary (the others are Premium
    /// additional locations).
    pub regions: Vec<String>,
    pub sku: GatewaySku,
    /// The publisher e-mail API Management requires of a service Charter creates.
    pub publisher: Option<String>,
    /// The workloads whose redundant endpoints the gateway routes, in the order listed.
    pub workloads: Vec<String>,
}

keywords! {
    /// Who creates a resource Charter refers to.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Management {
        Charter => "charter",
        External => "external",
    }
}

keywords! {
    /// API Management pricing tiers (SKUs) Charter creates.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum GatewaySku {
        Developer => "developer",
        Basic => "basic",
        Standard => "standard",
        Premium => "premium",
        BasicV2 => "basic_v2",
        StandardV2 => "standard_v2",
        PremiumV2 => "premium_v2",
    }
}

impl GatewaySku {
    /// The tier as azurerm's `sku_name` spells it, with one unit (`Premium_1`).
    pub fn sku_name(self) -> &'static str {
        match self {
            GatewaySku::Developer => "Developer_1",
            GatewaySku::Basic => "Basic_1",
            GatewaySku::Standard => "Standard_1",
            GatewaySku::Premium => "Premium_1",
            GatewaySku::BasicV2 => "BasicV2_1",
            GatewaySku::StandardV2 => "StandardV2_1",
            GatewaySku::PremiumV2 => "PremiumV2_1",
        }
    }

    /// Whether the tier can run gateways in more than one region (additional locations).
    pub fn is_multi_region(self) -> bool {
        matches!(self, GatewaySku::Premium)
    }
}

/// A Log Analytics workspace the AI accounts of some workloads send their logs and metrics to,
/// and the alerts on their deployments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Monitoring {
    /// The Charter name (`contoso_operations`).
    pub name: String,
    pub description: String,
    /// The workspace's name.
    pub workspace: String,
    /// Who creates the workspace.
    pub management: Management,
    pub resource_group: String,
    pub subscription: Option<String>,
    /// Where a workspace Charter creates lives.
    pub region: Option<String>,
    /// How long the workspace keeps data, in days.
    pub retention_days: u32,
    /// The workloads it covers (every workload of the project when the block lists none).
    pub workloads: Vec<String>,
    /// Alert when a deployment uses this share of its capacity (tokens per minute, or its
    /// provisioned utilisation), in percent.
    pub usage_alert_percent: u32,
    /// Alert when a deployment answers this many requests with 429 in five minutes.
    pub throttling_alert: u32,
    /// Whom every alert notifies, besides each workload's budget contacts.
    pub contacts: Vec<String>,
}

/// Whether `text` is a GUID (`8-4-4-4-12` hexadecimal digits), the form of a subscription id
/// and of most ids Azure generates.
pub fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// One file a backend produces, relative to the build's output directory
/// (`azure-policy/definitions/x.json`, `terraform/endpoints.tf`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Artifact {
    /// `/`-separated relative path.
    pub path: String,
    pub contents: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resource_scope_writes_its_provider_path_with_child_types_interleaved() {
        let account = ResourceScope {
            subscription: None,
            resource_group: "rg".into(),
            resource_type: "Microsoft.CognitiveServices/accounts".into(),
            name: "legacy-oai".into(),
        };
        assert_eq!(
            account.provider_path(),
            "providers/Microsoft.CognitiveServices/accounts/legacy-oai"
        );
        assert_eq!(
            account.relative_id(),
            "Microsoft.CognitiveServices/accounts/legacy-oai"
        );
        let deployment = ResourceScope {
            resource_type: "Microsoft.CognitiveServices/accounts/deployments".into(),
            name: "legacy-oai/gpt".into(),
            ..account
        };
        assert_eq!(
            deployment.relative_id(),
            "Microsoft.CognitiveServices/accounts/legacy-oai/deployments/gpt"
        );
    }

    #[test]
    fn dates_convert_to_and_from_day_counts() {
        for (days, text) in [
            (0, "1970-01-01"),
            (20_779, "2026-11-22"),
            (11_016, "2000-02-29"),
            (-1, "1969-12-31"),
        ] {
            let date = Date::from_days_since_epoch(days);
            assert_eq!(date.to_string(), text);
            assert_eq!(date.days_since_epoch(), days);
        }
    }

    #[test]
    fn keywords_name_their_values_both_ways() {
        for zone in DataZone::ALL {
            assert_eq!(DataZone::from_charter_name(zone.charter_name()), Some(zone));
        }
        assert_eq!(Toggle::ALL, [Toggle::Disabled, Toggle::Enabled]);
        assert_eq!(
            DeploymentType::from_charter_name("developer"),
            Some(DeploymentType::Developer)
        );
        assert_eq!(Side::from_charter_name("Prompt"), None);
    }

    #[test]
    fn parses_and_rejects_dates() {
        assert_eq!(
            Date::parse("2028-02-29").map(|d| d.to_string()),
            Ok("2028-02-29".into())
        );
        assert!(Date::parse("2027-02-29").is_err());
        assert!(Date::parse("2027-1-01").is_err());
        assert!(Date::parse("tomorrow").is_err());
    }
}

/// The management-group hierarchy a project declares (`management_group "ID" { }`): where each
/// subscription sits, its id and its resource groups. Empty when the project declares none.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Hierarchy {
    /// Every management group, parents before children.
    pub management_groups: Vec<ManagementGroup>,
    pub subscriptions: Vec<SubscriptionPlace>,
}

/// A management group of the hierarchy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ManagementGroup {
    /// Its id (`contoso-ai-prod`).
    pub name: String,
    pub display_name: Option<String>,
    /// The id of the management group it sits in; `None` for a top-level one.
    pub parent: Option<String>,
    /// The environment it is for, as declared on it or inherited.
    pub environment: Option<Environment>,
}

/// A subscription of the hierarchy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SubscriptionPlace {
    /// The name the project uses for it (`contoso-support-prod`).
    pub name: String,
    /// Its id, a lower-case GUID.
    pub id: String,
    /// The id of the management group it sits in.
    pub management_group: String,
    /// The environment it is for, as declared on it or inherited.
    pub environment: Option<Environment>,
    pub resource_groups: Vec<String>,
}

impl Hierarchy {
    /// Whether the project declares a hierarchy.
    pub fn is_declared(&self) -> bool {
        !self.management_groups.is_empty()
    }

    /// The subscription with this name or id (ids compared case-insensitively).
    pub fn subscription(&self, name_or_id: &str) -> Option<&SubscriptionPlace> {
        self.subscriptions
            .iter()
            .find(|s| s.name == name_or_id || s.id.eq_ignore_ascii_case(name_or_id))
    }

    /// The only subscription that holds a resource group of this name.
    pub fn subscription_of_resource_group(&self, group: &str) -> Option<&SubscriptionPlace> {
        let mut holders = self
            .subscriptions
            .iter()
            .filter(|s| s.resource_groups.iter().any(|g| g == group));
        let first = holders.next()?;
        holders.next().is_none().then_some(first)
    }

    /// The management groups above a subscription (by name or id), nearest first; empty when
    /// the hierarchy does not have it.
    pub fn management_groups_above(&self, subscription: &str) -> Vec<&str> {
        let mut chain: Vec<&str> = Vec::new();
        let mut next = self
            .subscription(subscription)
            .map(|s| s.management_group.as_str());
        while let Some(name) = next {
            if chain.contains(&name) {
                break;
            }
            chain.push(name);
            next = self
                .management_groups
                .iter()
                .find(|group| group.name == name)
                .and_then(|group| group.parent.as_deref());
        }
        chain
    }
}
