; Highlights for Charter, with Helix's capture names. In Helix the FIRST matching pattern
; wins, so specific patterns come before general ones (the reverse of Neovim's order in
; editors/tree-sitter-charter/queries/highlights.scm, which lists the same words).

; Comments
(doc_comment) @comment.line.documentation
(line_comment) @comment.line
(block_comment) @comment.block

; Blocks: `filter NAME extends PATH { ... }`
(block
  keyword: (identifier) @keyword.storage.type
  (#any-of? @keyword.storage.type "filter" "policy" "workload" "model" "region"))

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
    "versions" "version" "capacity" "redundancy" "standby" "alert_at" "notify" "under" "until" "as"
    "at_least"))

((path
  .
  (identifier) @constant.builtin.boolean .)
  (#any-of? @constant.builtin.boolean "true" "false"))

; Enum keywords
((path
  .
  (identifier) @constant.builtin .)
  (#any-of? @constant.builtin
    "deny" "audit" "disabled" "enabled"
    "low" "medium" "high" "off" "block" "annotate"
    "default" "asynchronous"
    "sandbox" "dev" "test" "prod" "eu" "us" "apac"
    "monthly" "quarterly" "annually"
    "none" "active_passive" "active_active"
    "waiver" "mitigated"
    "global_standard" "data_zone_standard" "standard" "global_provisioned"
    "data_zone_provisioned" "provisioned" "global_batch" "data_zone_batch" "developer"
    "chat" "completions" "embeddings" "image" "audio" "video" "realtime" "other"
    "preview" "ga" "legacy" "deprecated" "retired"
    "restricted" "general"))

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
