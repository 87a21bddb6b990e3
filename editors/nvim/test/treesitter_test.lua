-- Headless check of the tree-sitter registration (Neovim 0.9+): the parser loads from
-- `parser/charter.so` on the runtimepath, every query compiles with Neovim's predicates, the
-- highlighter runs, and key words get their captures. Run by editors/test.sh:
--
--   CHARTER_PARSER_DIR=dir-with-parser/charter.so CHARTER_FIXTURE=file.charter \
--     nvim --headless --clean -c 'luafile editors/nvim/test/treesitter_test.lua'
local here = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h')
package.path = here .. '/?.lua;' .. package.path
local util = require('util')
local log = util.log

util.run(function()
  local parser_dir = assert(os.getenv('CHARTER_PARSER_DIR'), 'CHARTER_PARSER_DIR is not set')
  local fixture = assert(os.getenv('CHARTER_FIXTURE'), 'CHARTER_FIXTURE is not set')
  vim.opt.runtimepath:prepend(parser_dir)
  vim.opt.runtimepath:prepend(util.plugin_dir())
  -- The plugin joins the runtimepath after startup, so load its ftdetect by hand (at
  -- startup `filetype on` does this for a plugin installed the usual way).
  vim.cmd('filetype plugin on')
  vim.cmd('runtime! ftdetect/charter.lua')
  require('charter').setup({ lsp = false })

  vim.cmd('edit ' .. vim.fn.fnameescape(fixture))
  local bufnr = vim.api.nvim_get_current_buf()
  assert(vim.bo[bufnr].filetype == 'charter', 'filetype is not charter')
  assert(vim.bo[bufnr].commentstring == '// %s', 'ftplugin did not set commentstring')

  for _, name in ipairs({ 'highlights', 'folds', 'indents', 'locals' }) do
    local query = vim.treesitter.query.get('charter', name)
    assert(query, 'no ' .. name .. ' query for charter on the runtimepath')
  end
  log('ok: highlights, folds, indents and locals queries compile')

  local parser = vim.treesitter.get_parser(bufnr, 'charter')
  local tree = parser:parse()[1]
  assert(not tree:root():has_error(), 'the fixture parses with errors')
  assert(vim.treesitter.highlighter.active[bufnr], 'the tree-sitter highlighter is not active')
  log('ok: parser loaded and highlighter active')

  -- The last capture at a position is the one Neovim shows.
  local function capture_at(pattern, offset)
    local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
    for row, line in ipairs(lines) do
      local col = line:find(pattern)
      if col then
        local captures = vim.treesitter.get_captures_at_pos(bufnr, row - 1, col - 1 + (offset or 0))
        return captures[#captures] and captures[#captures].capture
      end
    end
    error('pattern not in the fixture: ' .. pattern)
  end
  local expectations = {
    { '^filter ', 0, 'keyword.type' },
    { '^/// ', 0, 'comment.documentation' },
    { 'hate:', 0, 'property' },
    { 'effect: deny', 8, 'constant.builtin' },
    { 'management_group%(', 0, 'function.builtin' },
    { '"Contoso AI', 0, 'string' },
    { 'allow "', 0, 'keyword' },
    { 'versions %[', 0, 'keyword.modifier' },
    { '300 units', 0, 'number' },
    { '300 units', 4, 'type.builtin' },
    { '2027%-01%-31', 0, 'string.special' },
    { '// block severity', 0, 'comment' },
    { 'at_least baseline', 9, 'variable' },
    { 'extends baseline', 0, 'keyword' },
    { 'extends baseline', 8, 'type' },
    { 'filter strict', 7, 'type.definition' },
    { 'endpoint support_chat', 0, 'keyword' },
    { 'model "gpt', 0, 'keyword' },
  }
  for _, expected in ipairs(expectations) do
    local got = capture_at(expected[1], expected[2])
    assert(got == expected[3], string.format('`%s`: capture %s, expected %s', expected[1], tostring(got), expected[3]))
  end
  log(string.format('ok: %d highlight captures as expected', #expectations))

  -- Folds come from folds.scm.
  vim.wo.foldmethod = 'expr'
  vim.wo.foldexpr = 'v:lua.vim.treesitter.foldexpr()'
  local line = vim.fn.search('^filter ')
  assert(vim.fn.foldlevel(line + 1) >= 1, 'no fold inside the first block')
  log('ok: tree-sitter folds')
end)
