; Highlights for Charter, with Helix's capture names. In Helix the FIRST matching pattern
; wins, so specific patterns come before general ones (the reverse of Neovim's order in
; editors/tree-sitter-charter/queries/highlights.scm, which lists the same words). The word
; lists are generated from the compiler schema by `cargo test --test it generated::`.

; Comments
(doc_comment) @comment.line.documentation
(line_comment) @comment.line
(block_comment) @comment.block

; Blocks: `filter NAME extends PATH { ... }`
(block
  keyword: (identifier) @keyword.storage.type
  (#any-of? @keyword.storage.type "filter" "policy" "workload" "model" "region" "blocklist" "fine_tuned" "gateway" "monitoring" "management_group" "business_unit"))

(block
  keyword: (identifier) @keyword)

(block
  label: (identifier) @type)

(block
  label: (string) @string.special)

"extends" @keyword

(block
  extends: (path (identifier) @type))

; Fields: `key: phrase`
(field
  key: (identifier) @variable.other.member)

; Clauses: `allow ...`, `exempt ...`, `model "x" version "y"`, `available ...`
(clause
  keyword: (identifier) @keyword)

; Scope constructors and other calls
(call
  function: (identifier) @function.builtin
  (#any-of? @function.builtin "management_group" "subscription" "resource_group"))

(call
  function: (identifier) @function)

; Words that join a phrase's parts
(phrase
  (path
    .
    (identifier) @keyword.operator .)
  (#any-of? @keyword.operator
    "under" "until" "as" "only" "owner" "ticket" "versions" "alert_at" "notify" "version"
    "capacity" "redundancy" "standby"))

((path
  .
  (identifier) @constant.builtin.boolean .)
  (#any-of? @constant.builtin.boolean "true" "false"))

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

(path
  .
  (identifier) @namespace
  (#eq? @namespace "std")
  .
  (identifier))

(path (identifier) @variable)

(escape_sequence) @constant.character.escape

(string) @string

(number
  digits: (digits) @constant.numeric)

(unit) @type.builtin

(date) @constant.numeric

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
] @punctuation.delimiter

"." @punctuation.delimiter
