; Scopes, definitions and references. Every top-level name in a project is visible in every
; file (docs/notes/0001-uniform-syntax.md), so the file is the scope of top-level blocks;
; a workload's body is the scope of its apps and endpoints.

(source_file) @local.scope

(block
  keyword: (identifier) @_keyword
  body: (block_body) @local.scope
  (#eq? @_keyword "workload"))

; `filter strict { ... }`, `policy contoso_ai { ... }`, `endpoint support_chat { ... }`, ...
(block
  label: (identifier) @local.definition)

; `apps: [chat_web, chat_mobile]` declares the workload's apps.
(field
  key: (identifier) @_key
  value: (phrase
    (list
      (path
        .
        (identifier) @local.definition .)))
  (#eq? @_key "apps"))

; A single-word path may refer to a declared name (the schema decides which are keywords).
(path
  .
  (identifier) @local.reference .)
