-- Headless check that several Charter projects in one folder are checked independently
-- (issue 13): two projects side by side declare the same names, and a workload file deep in
-- a project refers to a policy declared at the project's root. Opening a file in each gives
-- no "declared twice" and no "unknown" error: each file is checked with its own project (the
-- nearest `charter.toml` above it), and diagnostics never leak across. Run by editors/test.sh:
--
--   CHARTER_BIN=... CHARTER_TODAY=YYYY-MM-DD \
--     nvim --headless --clean -c 'luafile editors/nvim/test/projects_test.lua'
local here = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h')
package.path = here .. '/?.lua;' .. package.path
local util = require('util')
local log = util.log

local POLICY = [[
policy guardrails {
  scope: subscription("ai-workloads")
  effect: deny
  models {
    allow "gpt-5.4-mini" versions ["2026-03-17"]
  }
  filters: at_least std.filters.default
  regions: ["swedencentral"]
  local_auth: disabled
  public_network: disabled
}
]]

local WORKLOAD = [[
workload assistant {
  governed_by: guardrails
  environment: dev
  resource_group: "rg-assistant-ai"

  endpoint chat {
    model "gpt-5.4-mini" version "2026-03-17"
    deployment: global_standard capacity 10
    filter: std.filters.default
    regions: ["swedencentral"]
  }
}
]]

local function write(path, text)
  vim.fn.mkdir(vim.fn.fnamemodify(path, ':h'), 'p')
  local file = assert(io.open(path, 'w'))
  file:write(text)
  file:close()
end

util.run(function()
  local bin = assert(os.getenv('CHARTER_BIN'), 'CHARTER_BIN is not set')
  local today = os.getenv('CHARTER_TODAY')
  if today == '' then
    today = nil
  end
  local timeout = 20000

  -- Two projects in one folder, each with the same names.
  local folder = vim.fn.tempname()
  for _, name in ipairs({ 'alpha', 'beta' }) do
    write(folder .. '/' .. name .. '/charter.toml', '[project]\nname = "' .. name .. '"\n')
    write(folder .. '/' .. name .. '/policy.charter', POLICY)
    write(folder .. '/' .. name .. '/workloads/assistant.charter', WORKLOAD)
  end

  vim.opt.runtimepath:prepend(util.plugin_dir())
  vim.cmd('filetype plugin on')
  vim.cmd('runtime! ftdetect/charter.lua')

  local published = {}
  local default_handler = vim.lsp.handlers['textDocument/publishDiagnostics']
  vim.lsp.handlers['textDocument/publishDiagnostics'] = function(...)
    local result = select(2, ...)
    if result then
      published[result.uri] = result.diagnostics
    end
    return default_handler(...)
  end

  require('charter').setup({ cmd = { bin, 'lsp' }, today = today, treesitter = false })

  local opened = {}
  for _, relative in ipairs({ 'alpha/workloads/assistant.charter', 'beta/policy.charter' }) do
    vim.cmd('edit ' .. vim.fn.fnameescape(folder .. '/' .. relative))
    local bufnr = vim.api.nvim_get_current_buf()
    assert(
      vim.wait(timeout, function()
        return #util.clients(bufnr) > 0
      end, 50),
      'charter lsp did not attach to ' .. relative
    )
    local client = util.clients(bufnr)[1]
    local root = client.config.root_dir or ''
    local expected = vim.fn.fnamemodify(folder .. '/' .. relative:match('^[^/]+'), ':p'):gsub('/$', '')
    assert(
      vim.fn.fnamemodify(root, ':p'):gsub('/$', '') == expected,
      'the root of ' .. relative .. ' is `' .. root .. '`, not its project `' .. expected .. '`'
    )
    log('ok: ' .. relative .. ' attached with its project as the root')
    opened[#opened + 1] = { relative = relative, uri = vim.uri_from_bufnr(bufnr) }
  end

  -- Every project file is published; wait until the workspace scans are in (the workload's
  -- policy is declared in another file of its project).
  local function errors(uri)
    local list = published[uri]
    if list == nil then
      return nil
    end
    local found = {}
    for _, diagnostic in ipairs(list) do
      if diagnostic.severity == 1 then
        found[#found + 1] = (diagnostic.code or '?') .. ': ' .. diagnostic.message
      end
    end
    return found
  end
  local settled = vim.wait(timeout, function()
    for _, file in ipairs(opened) do
      local found = errors(file.uri)
      if found == nil or #found > 0 then
        return false
      end
    end
    return true
  end, 50)
  for _, file in ipairs(opened) do
    local found = errors(file.uri)
    assert(found ~= nil, 'no diagnostics published for ' .. file.relative)
    assert(settled or #found == 0, file.relative .. ' has errors: ' .. table.concat(found, '; '))
    log('ok: ' .. file.relative .. ' has no errors (its own project only)')
  end
  vim.fn.delete(folder, 'rf')
end)
