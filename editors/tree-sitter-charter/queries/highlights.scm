; Highlights for Charter (capture names as in Neovim's tree-sitter; Helix has its own copy
; under editors/helix/ with Helix's names). In Neovim a LATER pattern wins over an earlier
; one for the same node, so general patterns come first.
;
; The grammar is uniform (blocks, fields, clauses, phrases): which words are keywords is the
; compiler schema's business, so the known words are listed here with #any-of?.

; Comments
(line_comment) @comment
(block_comment) @comment
(doc_comment) @comment.documentation

; Blocks: `filter NAME extends PATH { ... }`
(block
  keyword: (identifier) @keyword)

(block
  keyword: (identifier) @keyword.type
  (#any-of? @keyword.type "filter" "policy" "workload" "model" "region"))

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
    "versions" "version" "capacity" "redundancy" "standby" "alert_at" "notify" "under" "until" "as"
    "at_least"))

; Enum keywords
((path
  .
  (identifier) @constant.builtin .)
  (#any-of? @constant.builtin
    ; effects, switches
    "deny" "audit" "disabled" "enabled"
    ; severity thresholds and shields
    "low" "medium" "high" "off" "block" "annotate"
    ; filter mode
    "default" "asynchronous"
    ; environments and data zones
    "sandbox" "dev" "test" "prod" "eu" "us" "apac"
    ; budget periods
    "monthly" "quarterly" "annually"
    ; redundancy
    "none" "active_passive" "active_active"
    ; exemption categories
    "waiver" "mitigated"
    ; deployment types
    "global_standard" "data_zone_standard" "standard" "global_provisioned"
    "data_zone_provisioned" "provisioned" "global_batch" "data_zone_batch" "developer"
    ; model kinds
    "chat" "completions" "embeddings" "image" "audio" "video" "realtime" "other"
    ; lifecycle
    "preview" "ga" "legacy" "deprecated" "retired"
    ; region access
    "restricted" "general"))

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
