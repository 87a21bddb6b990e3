-- Headless check of the Neovim setup against the real server: opening a file of a Charter
-- project starts `charter lsp`, the buffer receives diagnostics (and new ones after an edit
-- that breaks the syntax), and hover answers. Run by editors/test.sh:
--
--   CHARTER_BIN=... CHARTER_PROJECT=examples/contoso [CHARTER_TODAY=YYYY-MM-DD] \
--     nvim --headless --clean -c 'luafile editors/nvim/test/lsp_test.lua'
local here = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h')
package.path = here .. '/?.lua;' .. package.path
local util = require('util')
local log = util.log

util.run(function()
  local bin = assert(os.getenv('CHARTER_BIN'), 'CHARTER_BIN is not set')
  local project = assert(os.getenv('CHARTER_PROJECT'), 'CHARTER_PROJECT is not set')
  local today = os.getenv('CHARTER_TODAY')
  if today == '' then
    today = nil
  end
  local timeout = 20000

  vim.opt.runtimepath:prepend(util.plugin_dir())
  -- The plugin joins the runtimepath after startup, so load its ftdetect by hand (at
  -- startup `filetype on` does this for a plugin installed the usual way).
  vim.cmd('filetype plugin on')
  vim.cmd('runtime! ftdetect/charter.lua')

  -- Record every diagnostics notification, including empty ones: "the server checked".
  local published = {}
  local default_handler = vim.lsp.handlers['textDocument/publishDiagnostics']
  vim.lsp.handlers['textDocument/publishDiagnostics'] = function(...)
    local result = select(2, ...)
    if result then
      published[#published + 1] = result
    end
    return default_handler(...)
  end

  require('charter').setup({ cmd = { bin, 'lsp' }, today = today, treesitter = false })

  local files = vim.fn.globpath(project, '*.charter', false, true)
  table.sort(files)
  assert(#files > 0, 'no .charter files in ' .. project)
  vim.cmd('edit ' .. vim.fn.fnameescape(files[1]))
  local bufnr = vim.api.nvim_get_current_buf()
  local uri = vim.uri_from_bufnr(bufnr)
  assert(vim.bo[bufnr].filetype == 'charter', 'filetype is `' .. vim.bo[bufnr].filetype .. '`, not charter')
  log('ok: ' .. vim.fn.fnamemodify(files[1], ':.') .. ' has filetype charter')

  assert(
    vim.wait(timeout, function()
      local clients = util.clients(bufnr)
      return #clients > 0 and clients[1].initialized ~= false
    end, 50),
    'charter lsp did not attach to the buffer'
  )
  local client = util.clients(bufnr)[1]
  log('ok: ' .. client.name .. ' attached')
  if today then
    local sent = client.config.init_options or {}
    assert(sent.today == today, 'initializationOptions.today is not ' .. today)
    log('ok: initializationOptions.today = ' .. today)
  end

  local function diagnostics_for_buffer(since)
    for index = since + 1, #published do
      if published[index].uri == uri then
        return published[index]
      end
    end
  end

  assert(vim.wait(timeout, function()
    return diagnostics_for_buffer(0) ~= nil
  end, 50), 'no diagnostics published for ' .. uri)
  local first = diagnostics_for_buffer(0)
  log(string.format('ok: received diagnostics (%d) for the opened file', #first.diagnostics))

  -- Hover: try the words of the file until the server answers one with content.
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  local hover_text
  local tried = 0
  for row, line in ipairs(lines) do
    if hover_text or tried >= 60 then
      break
    end
    if not line:match('^%s*//') then
      for col in line:gmatch('()[%a_][%w_]*') do
        tried = tried + 1
        local params = { textDocument = { uri = uri }, position = { line = row - 1, character = col - 1 } }
        local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', params, timeout) or {}
        for _, response in pairs(responses) do
          local contents = response.result and response.result.contents
          if contents then
            local text = type(contents) == 'table' and (contents.value or contents[1]) or contents
            if type(text) == 'table' then
              text = text.value
            end
            if type(text) == 'string' and text:match('%S') then
              hover_text = string.format('%d:%d %s', row, col, text:gsub('\n.*', ''))
            end
          end
        end
        if hover_text or tried >= 60 then
          break
        end
      end
    end
  end
  assert(hover_text, 'no hover with content on any of the first ' .. tried .. ' words')
  log('ok: hover at ' .. hover_text)

  -- An edit that breaks the syntax must bring a new diagnostic.
  local before = #published
  vim.api.nvim_buf_set_lines(bufnr, -1, -1, false, { 'filter broken_by_the_test {' })
  assert(vim.wait(timeout, function()
    local result = diagnostics_for_buffer(before)
    return result ~= nil and #result.diagnostics > 0
  end, 50), 'no diagnostic after an edit that leaves a brace open')
  local after = diagnostics_for_buffer(before)
  log('ok: diagnostic after the edit: ' .. after.diagnostics[1].message)

  vim.api.nvim_buf_set_lines(bufnr, -2, -1, false, {})
  vim.lsp.stop_client(client.id)
end)
