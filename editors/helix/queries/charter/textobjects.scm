; Text objects for Helix: `mac`/`mic` select a block (a "class"), `maf`/`mif` an entry (a field
; or clause, as a "function"), `mat` a comment... see `:help textobjects`.
(block
  body: (block_body) @class.inside) @class.around

(field
  value: (phrase) @function.inside) @function.around

(clause
  phrase: (phrase) @function.inside) @function.around

(list
  (_) @entry.around)

(arguments
  (_) @parameter.inside)

[
  (line_comment)
  (block_comment)
  (doc_comment)
] @comment.inside

[
  (line_comment)
  (block_comment)
  (doc_comment)
] @comment.around
