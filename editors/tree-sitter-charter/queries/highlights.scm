; Highlights for Charter (capture names as in Neovim's tree-sitter; Helix has its own copy
; under editors/helix/ with Helix's names). In Neovim a LATER pattern wins over an earlier
; one for the same node, so general patterns come first.
;
; The grammar is uniform (blocks, fields, clauses, phrases): which words are keywords is the
; compiler schema's business, so the known words are listed here with #any-of?. The lists are
; generated from the schema: edit compiler/src/schema.rs and run `cargo test --test it generated::`.

; Comments
(line_comment) @comment
(block_comment) @comment
(doc_comment) @comment.documentation

; Blocks: `filter NAME extends PATH { ... }`
(block
  keyword: (identifier) @keyword)

(block
  keyword: (identifier) @keyword.type
  (#any-of? @keyword.type "filter" "policy" "workload" "model" "region" "blocklist" "fine_tuned" "gateway" "monitoring" "management_group" "business_unit"))

(block
  label: (identifier) @type.definition)

"extends" @keyword

; Fields: `key: phrase`
(field
  key: (identifier) @property)

; Clauses: `allow "gpt-4.1" versions [...]`, `exempt ...`, `model "x" version "y"`, `available ...`
(clause
  keyword: (identifier) @keyword)

; Values. Later patterns win in Neovim, so the generic reference comes first.
(path (identifier) @variable)

(path
  .
  (identifier) @module
  (#eq? @module "std")
  .
  (identifier))

; Words that join a phrase's parts: `versions`, `capacity 100`, `until 2027-01-31`, ...
(phrase
  (path
    .
    (identifier) @keyword.modifier .)
  (#any-of? @keyword.modifier
    "under" "until" "as" "only" "owner" "ticket" "versions" "alert_at" "notify" "version"
    "capacity" "redundancy" "standby"))

; Enum keywords
((path
  .
  (identifier) @constant.builtin .)
  (#any-of? @constant.builtin
    ; a streaming mode
    "default" "asynchronous"
    ; a severity
    "low" "medium" "high" "off"
    ; a shield action
    "block" "human_review" "retry" "annotate"
    ; an effect
    "deny" "audit" "disabled"
    ; a filter requirement
    "at_least"
    ; a deployment type
    "global_standard" "data_zone_standard" "standard" "global_provisioned"
    "data_zone_provisioned" "provisioned" "global_batch" "data_zone_batch" "developer"
    ; a side
    "prompt" "completion" "tool_call" "tool_response" "run_start" "run_end"
    ; a setting
    "enabled"
    ; an exemption category
    "waiver" "mitigated"
    ; a policy rule
    "models" "filters" "regions" "max_capacity" "max_provisioned" "deployment_types"
    "local_auth" "public_network" "owner_tag"
    ; a deployment authority
    "workload_team" "central_team"
    ; a requirement
    "required" "optional"
    ; an environment
    "sandbox" "dev" "test" "prod"
    ; a data zone
    "eu" "us" "apac"
    ; a budget period
    "monthly" "quarterly" "annually"
    ; a redundancy mode
    "none" "active_passive" "active_active"
    ; a model kind
    "chat" "completions" "embeddings" "image" "audio" "video" "realtime" "other"
    ; a lifecycle stage
    "preview" "ga" "legacy" "deprecated" "retired"
    ; a region access
    "general" "restricted"
    ; who manages the blocklist
    "charter" "external"
    ; an API Management tier
    "basic" "premium" "basic_v2" "standard_v2" "premium_v2"))

((path
  .
  (identifier) @boolean .)
  (#any-of? @boolean "true" "false"))

; The filter a block extends (after the generic path patterns, so that it wins)
(block
  extends: (path (identifier) @type))

; Scope constructors and other calls
(call
  function: (identifier) @function.call)

(call
  function: (identifier) @function.builtin
  (#any-of? @function.builtin "management_group" "subscription" "resource_group"))

(string) @string

; `model "gpt-4o" { ... }`: a catalog entry's name
(block
  label: (string) @string.special)

(escape_sequence) @string.escape

(number
  digits: (digits) @number)

(unit) @type.builtin

(date) @string.special

; Punctuation
[
  "{"
  "}"
  "["
  "]"
  "("
  ")"
] @punctuation.bracket

[
  ","
  ":"
  "."
] @punctuation.delimiter
