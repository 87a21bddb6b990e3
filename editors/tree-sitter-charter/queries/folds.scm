; Folds: block bodies, multi-line lists and argument lists, block comments.
[
  (block_body)
  (list)
  (arguments)
  (block_comment)
] @fold
