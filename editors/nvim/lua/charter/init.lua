-- Charter support for Neovim: the language server and the tree-sitter parser.
--
--   require('charter').setup({
--     cmd = { 'charter', 'lsp' },   -- or { '/path/to/charter', 'lsp' }
--     today = '2026-11-22',         -- optional: initializationOptions.today
--     lsp = true,                   -- start the language server for charter buffers
--     treesitter = true,            -- highlight with tree-sitter when the parser is installed
--   })
local M = {}

--- The folder of this plugin (editors/nvim in the Charter repository).
local function plugin_root()
  local source = debug.getinfo(1, 'S').source:sub(2)
  return vim.fn.fnamemodify(source, ':p:h:h:h')
end

--- The language server's settings for `vim.lsp.config` / `vim.lsp.start`.
---@param opts table
---@return table
function M.server_config(opts)
  local init_options = vim.deepcopy(opts.init_options or {})
  if opts.today then
    init_options.today = opts.today
  end
  local config = {
    name = 'charter',
    cmd = opts.cmd or { 'charter', 'lsp' },
    filetypes = { 'charter' },
    init_options = init_options,
  }
  return config
end

--- The directory a buffer's project lives in: the nearest folder above it with a
--- `charter.toml` (as `charter check` finds it), else the buffer's own directory.
local function project_dir(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' then
    return vim.fn.getcwd()
  end
  local dir = vim.fn.fnamemodify(name, ':p:h')
  if vim.fs and vim.fs.find then
    local manifest = vim.fs.find('charter.toml', { upward = true, path = dir, type = 'file' })[1]
    if manifest then
      return vim.fs.dirname(manifest)
    end
  end
  return dir
end

--- Starts (or reuses) the server for a buffer on Neovim before 0.11.
local function attach_legacy(config, bufnr)
  local root = project_dir(bufnr)
  local start = vim.tbl_extend('force', config, {
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
  })
  start.filetypes = nil
  if vim.lsp.start then
    -- 0.8 to 0.10: vim.lsp.start reuses a client with the same name and root.
    vim.lsp.start(start, { bufnr = bufnr })
    return
  end
  -- 0.7: no vim.lsp.start; keep one client per project directory.
  M._clients = M._clients or {}
  local id = M._clients[root]
  if not id or not vim.lsp.get_client_by_id(id) then
    id = vim.lsp.start_client(start)
    M._clients[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
end

--- Registers the tree-sitter parser with nvim-treesitter, if it is installed, so that
--- `:TSInstall charter` builds it from editors/tree-sitter-charter.
local function register_nvim_treesitter()
  local grammar = vim.fn.fnamemodify(plugin_root() .. '/../tree-sitter-charter', ':p')
  local ok, parsers = pcall(require, 'nvim-treesitter.parsers')
  if not ok then
    return
  end
  if type(parsers.get_parser_configs) == 'function' then
    -- nvim-treesitter `master` branch.
    parsers.get_parser_configs().charter = {
      install_info = { url = grammar, files = { 'src/parser.c', 'src/scanner.c' } },
      filetype = 'charter',
    }
  else
    -- nvim-treesitter `main` branch: parsers are registered on the TSUpdate event.
    vim.api.nvim_create_autocmd('User', {
      pattern = 'TSUpdate',
      callback = function()
        require('nvim-treesitter.parsers').charter = {
          install_info = { path = grammar, queries = 'queries' },
        }
      end,
    })
  end
end

--- Compiles editors/tree-sitter-charter into editors/nvim/parser/charter.so with `cc`, for
--- users without nvim-treesitter. Returns true on success.
function M.build_parser()
  local root = plugin_root()
  local src = root .. '/../tree-sitter-charter/src'
  vim.fn.mkdir(root .. '/parser', 'p')
  local out = root .. '/parser/charter.so'
  local cmd = { 'cc', '-shared', '-fPIC', '-O2', '-I', src, src .. '/parser.c', src .. '/scanner.c', '-o', out }
  local output = vim.fn.system(cmd)
  if vim.v.shell_error ~= 0 then
    vim.notify('charter: building the tree-sitter parser failed:\n' .. output, vim.log.levels.ERROR)
    return false
  end
  vim.notify('charter: built ' .. out)
  return true
end

---@param opts table|nil
function M.setup(opts)
  opts = opts or {}
  local group = vim.api.nvim_create_augroup('charter', { clear = true })

  vim.api.nvim_create_user_command('CharterBuildParser', function()
    M.build_parser()
  end, { desc = 'Compile the Charter tree-sitter parser with cc' })

  if opts.treesitter ~= false then
    register_nvim_treesitter()
    vim.api.nvim_create_autocmd('FileType', {
      group = group,
      pattern = 'charter',
      callback = function(args)
        -- Uses parser/charter.so from the runtimepath; without it, the buffer keeps no
        -- highlighting rather than failing.
        if vim.treesitter and vim.treesitter.start then
          pcall(vim.treesitter.start, args.buf, 'charter')
        end
      end,
    })
  end

  if opts.lsp ~= false then
    local config = M.server_config(opts)
    if vim.lsp.config and vim.lsp.enable then
      -- Neovim 0.11+: merge over lsp/charter.lua and let Neovim manage the clients.
      vim.lsp.config('charter', { cmd = config.cmd, init_options = config.init_options })
      vim.lsp.enable('charter')
    else
      vim.api.nvim_create_autocmd('FileType', {
        group = group,
        pattern = 'charter',
        callback = function(args)
          attach_legacy(config, args.buf)
        end,
      })
    end
  end
end

return M
