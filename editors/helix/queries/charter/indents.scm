; Indentation for Helix: one level inside braces, brackets and parentheses.
[
  (block_body)
  (list)
  (arguments)
] @indent

[
  "}"
  "]"
  ")"
] @outdent
