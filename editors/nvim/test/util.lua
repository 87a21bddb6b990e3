-- Shared helpers for the headless Neovim tests (Neovim 0.7 to 0.11+).
local M = {}

function M.log(message)
  io.stdout:write(message .. '\n')
  io.stdout:flush()
end

function M.fail(message)
  M.log('FAIL: ' .. message)
  vim.cmd('cquit 1')
end

--- Runs `body`, turning an error into a failed test rather than a hung Neovim.
function M.run(body)
  local ok, err = xpcall(body, debug.traceback)
  if not ok then
    M.fail(tostring(err))
    return
  end
  vim.cmd('qall!')
end

--- The LSP clients attached to a buffer, on every Neovim version.
function M.clients(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr })
  end
  if vim.lsp.get_active_clients then
    return vim.lsp.get_active_clients({ bufnr = bufnr })
  end
  return vim.tbl_values(vim.lsp.buf_get_clients(bufnr))
end

--- The editors/nvim folder (this file is editors/nvim/test/util.lua).
function M.plugin_dir()
  local source = debug.getinfo(1, 'S').source:sub(2)
  return vim.fn.fnamemodify(source, ':p:h:h')
end

return M
