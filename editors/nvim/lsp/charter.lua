-- The Charter language server, for Neovim 0.11+ (`vim.lsp.config` / `vim.lsp.enable`).
-- Neovim reads this file because `lsp/` is on the runtimepath; `vim.lsp.enable('charter')`
-- (or `require('charter').setup()`) turns it on. Override any field with
-- `vim.lsp.config('charter', { ... })`.
return {
  cmd = { 'charter', 'lsp' },
  filetypes = { 'charter' },
  -- A Charter project is a directory of `.charter` files, compiled together (as Terraform
  -- treats a directory), so the server's root is the directory of the file.
  root_dir = function(bufnr, on_dir)
    on_dir(vim.fs.dirname(vim.api.nvim_buf_get_name(bufnr)))
  end,
  -- `{ today = 'YYYY-MM-DD' }` pins the date retirement checks use, like `charter check --today`.
  init_options = {},
}
