; Indentation (Neovim's nvim-treesitter capture names): one level inside braces, brackets and
; parentheses; the closing delimiter goes back to the opener's level.
[
  (block_body)
  (list)
  (arguments)
] @indent.begin

(block_body
  "}" @indent.branch @indent.end)

(list
  "]" @indent.branch @indent.end)

(arguments
  ")" @indent.branch @indent.end)

[
  (block_comment)
  (string)
] @indent.auto
