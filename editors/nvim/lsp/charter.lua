-- The Charter language server, for Neovim 0.11+ (`vim.lsp.config` / `vim.lsp.enable`).
-- Neovim reads this file because `lsp/` is on the runtimepath; `vim.lsp.enable('charter')`
-- (or `require('charter').setup()`) turns it on. Override any field with
-- `vim.lsp.config('charter', { ... })`.
return {
  cmd = { 'charter', 'lsp' },
  filetypes = { 'charter' },
  -- A Charter project is the folder with its `charter.toml` (the nearest one above the file,
  -- as `charter check` finds it); without one, the directory of the file. The server finds
  -- each file's project itself too, so one server may serve several projects.
  root_dir = function(bufnr, on_dir)
    local name = vim.api.nvim_buf_get_name(bufnr)
    on_dir(vim.fs.root(bufnr, { 'charter.toml' }) or vim.fs.dirname(name))
  end,
  -- `{ today = 'YYYY-MM-DD' }` pins the date retirement checks use, like `charter check --today`.
  init_options = {},
}
