-- marginalia for Neovim: starts `marginalia lsp` for Markdown notes in a marginalia workspace.
--
--   require('marginalia').setup({})            -- defaults below
--
-- On Neovim 0.11+ the server is registered with vim.lsp.config/vim.lsp.enable; on 0.10 it is started
-- with vim.lsp.start from a FileType autocommand. Either way it attaches only inside a workspace: a folder
-- with marginalia.toml or a sources/ folder, found upwards from the note.
local M = {}

M.defaults = {
  -- The server command; `marginalia` must be on PATH unless a full path is given.
  cmd = { 'marginalia', 'lsp' },
  filetypes = { 'markdown' },
  root_markers = { 'marginalia.toml', 'sources' },
  -- Extra fields merged into the client configuration (capabilities, on_attach, settings...).
  client = {},
}

M.config = vim.deepcopy(M.defaults)

--- The workspace root for a buffer or path: the nearest folder with one of the root markers.
---@param source integer|string|nil buffer number or path (default: current buffer)
---@return string|nil
function M.root(source)
  return vim.fs.root(source or 0, M.config.root_markers)
end

local function client_config()
  return vim.tbl_deep_extend('force', {
    name = 'marginalia',
    cmd = M.config.cmd,
    filetypes = M.config.filetypes,
    root_markers = M.config.root_markers,
  }, M.config.client)
end

--- Registers the language server. Call once from your configuration.
---@param opts table|nil see M.defaults
function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts or {})
  if vim.lsp.config and vim.lsp.enable then
    vim.lsp.config('marginalia', client_config())
    vim.lsp.enable('marginalia')
    return
  end
  -- Neovim 0.10: start the client ourselves.
  vim.api.nvim_create_autocmd('FileType', {
    group = vim.api.nvim_create_augroup('marginalia', { clear = true }),
    pattern = M.config.filetypes,
    callback = function(args)
      local root = M.root(args.buf)
      if not root then
        return
      end
      local config = client_config()
      config.root_dir = root
      config.root_markers = nil
      config.filetypes = nil
      vim.lsp.start(config, { bufnr = args.buf })
    end,
  })
end

--- Runs `marginalia check --format json` on the workspace and fills the quickfix list.
function M.check()
  local root = M.root(0) or vim.fn.getcwd()
  local result = vim.system({ M.config.cmd[1], 'check', root, '--format', 'json' }, { text = true }):wait()
  local ok, report = pcall(vim.json.decode, result.stdout or '')
  if not ok or type(report) ~= 'table' then
    vim.notify('marginalia check failed: ' .. (result.stderr or ''), vim.log.levels.ERROR)
    return
  end
  local items = {}
  for _, d in ipairs(report.diagnostics or {}) do
    local file = d.file
    if not file:match('^/') then
      file = vim.fs.joinpath(root, vim.fs.relpath and vim.fs.relpath(root, file) or file)
    end
    items[#items + 1] = {
      filename = file,
      lnum = d.line,
      col = d.column,
      end_lnum = d.end_line,
      end_col = d.end_column,
      text = ('[%s] %s'):format(d.code, d.message),
      type = d.severity == 'error' and 'E' or 'W',
    }
  end
  vim.fn.setqflist({}, ' ', { title = 'marginalia check', items = items })
  local summary = report.summary or {}
  vim.notify(('marginalia: %d errors, %d warnings'):format(summary.errors or 0, summary.warnings or 0))
  if #items > 0 then
    vim.cmd('copen')
  end
end

return M
