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
  -- Notes are Markdown; articles are text files or saved web pages, where references on a sentence list the notes
  -- that quote it and a lens at the top says how the notes use the article.
  filetypes = { 'markdown', 'text', 'html' },
  -- Show that lens in articles (refreshed on entering and writing the buffer).
  codelens = true,
  root_markers = { 'marginalia.toml', 'sources' },
  -- Extra fields merged into the client configuration (capabilities, on_attach, settings...).
  client = {},
  -- Neovim's built-in LSP completion (0.11+) in marginalia buffers: the list opens as you type `[@`, `[[` or an
  -- opening quotation mark (autotrigger), and CTRL-X CTRL-O asks for it anywhere. Set `enable = false` to leave
  -- completion to your own completion plugin.
  completion = {
    enable = true,
    autotrigger = true,
    -- The 'completeopt' of marginalia buffers while autotrigger is on: `noselect`, so that the first item is
    -- not inserted while you are still typing.
    completeopt = 'menuone,noselect,popup',
  },
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

-- Neovim 0.11's built-in LSP completion (vim.lsp.omnifunc, vim.lsp.completion) inserts only the first word of a
-- plain-text textEdit (get_completion_word() in runtime/lua/vim/lsp/completion.lua: `newText:match('^(%S*)')`),
-- so `[[Kir` became `[[John` instead of `[[John Kirby]]`, and a quote kept its first word. Once a completion is
-- accepted, the whole newText is put where that word went. Nothing happens when the word already is the whole
-- newText (a Neovim that inserts it, or another completion plugin).
local function complete_whole_text(client_id, bufnr)
  vim.api.nvim_create_autocmd('CompleteDone', {
    group = vim.api.nvim_create_augroup('marginalia_complete_' .. bufnr, { clear = true }),
    buffer = bufnr,
    callback = function()
      if (vim.v.event or {}).reason == 'cancel' then
        return -- CTRL-E put the typed text back
      end
      local done = vim.v.completed_item
      local lsp_data = vim.tbl_get(done or {}, 'user_data', 'nvim', 'lsp')
      if type(lsp_data) ~= 'table' or lsp_data.client_id ~= client_id then
        return
      end
      local item = lsp_data.completion_item
      local edit = type(item) == 'table' and item.textEdit
      if type(edit) ~= 'table' or item.insertTextFormat == 2 then
        return
      end
      local new_text, word = edit.newText, done.word or ''
      if type(new_text) ~= 'string' or new_text == word or new_text:find('[\r\n]') then
        return
      end
      local row, col = unpack(vim.api.nvim_win_get_cursor(0))
      local start = col - #word
      if start < 0 or vim.api.nvim_get_current_line():sub(start + 1, col) ~= word then
        return
      end
      vim.api.nvim_buf_set_text(bufnr, row - 1, start, row - 1, col, { new_text })
      vim.api.nvim_win_set_cursor(0, { row, start + #new_text })
    end,
  })
end

-- What the plugin does in each buffer the server attaches to: completion that inserts what was chosen, and
-- Neovim's built-in completion unless it is turned off.
local function on_attach(client, bufnr)
  if vim.bo[bufnr].filetype ~= 'markdown' then
    -- An article: only its lens (completion and the rest are for notes).
    if M.config.codelens and client.server_capabilities.codeLensProvider then
      vim.lsp.codelens.refresh({ bufnr = bufnr })
      vim.api.nvim_create_autocmd({ 'BufEnter', 'BufWritePost' }, {
        group = vim.api.nvim_create_augroup('marginalia_codelens_' .. bufnr, { clear = true }),
        buffer = bufnr,
        callback = function() vim.lsp.codelens.refresh({ bufnr = bufnr }) end,
      })
    end
    return
  end
  complete_whole_text(client.id, bufnr)
  local completion = M.config.completion or {}
  if completion.enable and vim.lsp.completion and vim.lsp.completion.enable then
    vim.lsp.completion.enable(true, client.id, bufnr, { autotrigger = completion.autotrigger })
    if completion.autotrigger and completion.completeopt then
      vim.bo[bufnr].completeopt = completion.completeopt
    end
  end
end

--- Registers the language server. Call once from your configuration.
---@param opts table|nil see M.defaults
function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts or {})
  vim.api.nvim_create_autocmd('LspAttach', {
    group = vim.api.nvim_create_augroup('marginalia_attach', { clear = true }),
    callback = function(args)
      local client = vim.lsp.get_client_by_id(args.data.client_id)
      if client and client.name == client_config().name then
        on_attach(client, args.buf)
      end
    end,
  })
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
