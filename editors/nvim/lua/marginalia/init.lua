-- marginalia for Neovim: the marginalia language server (`marginalia lsp`) for Markdown notes in a marginalia
-- workspace: a folder with marginalia.toml or a sources/ folder, found upwards from the note.
--
-- Neovim 0.11 and later: `vim.lsp.enable('marginalia')`, no setup call. The server's configuration is this plugin's
-- lsp/marginalia.lua (`M.client_config()`), and plugin/marginalia.lua sets up the rest (completion and lenses in the
-- buffers the server attaches to, the `marginalia:` documents, a message when the server cannot be started).
-- Neovim 0.10: `require('marginalia').setup({})`, which starts the server with vim.lsp.start from a FileType
-- autocommand. On 0.11, setup() changes the plugin's options (M.defaults) and enables the server too.
--
-- A PDF article is shown as the text the server extracted from it: a read-only `marginalia:///…/name.pdf.txt`
-- buffer, whose text a BufReadCmd autocommand asks the server for (`marginalia/sourceText`).
local M = {}

-- The scheme of the documents that show the text extracted from a PDF, and the request that gives that text.
local SOURCE_TEXT_SCHEME = 'marginalia'
local SOURCE_TEXT = 'marginalia/sourceText'
-- How long opening such a document waits for the server (it blocks: a jump sets the cursor right after the read).
local SOURCE_TEXT_TIMEOUT = 10000

-- The name of the server's configuration (lsp/marginalia.lua, `vim.lsp.config('marginalia', …)`) and of its clients.
M.name = 'marginalia'

M.defaults = {
  -- The server command; `marginalia` must be on PATH unless a full path is given.
  cmd = { 'marginalia', 'lsp' },
  -- Notes are Markdown; articles are text files or saved web pages, where references on a sentence list the notes
  -- that quote it and a lens at the top says how the notes use the article.
  filetypes = { 'markdown', 'text', 'html' },
  -- Show that lens in articles (refreshed on entering and writing the buffer).
  codelens = true,
  -- What makes a folder a workspace, as the server decides it (src/load: `find_root`): the nearest folder with
  -- marginalia.toml, else the nearest with sources/. The list order is that priority (see |lsp-root_markers|).
  -- No `.git`: a repository is not a workspace, and the server is not started for every Markdown file in one.
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

--- The client configuration that the plugin's options give: what lsp/marginalia.lua returns on Neovim 0.11, and
--- what setup() starts on 0.10.
---@return vim.lsp.Config
function M.client_config()
  local config = vim.tbl_deep_extend('force', {
    cmd = M.config.cmd,
    filetypes = M.config.filetypes,
    root_markers = M.config.root_markers,
    -- Outside a workspace there is nothing to check a note against: the server is not started there (Neovim
    -- 0.11.1 and later; 0.11.0 ignores the field and starts it for the note's folder).
    workspace_required = true,
    -- Definitions and references into a PDF answer `marginalia:` documents, which this plugin opens.
    init_options = { sourceTextDocuments = true },
  }, M.config.client)
  config.name = M.name
  return config
end

--- The configuration the server is started with: on Neovim 0.11, the one vim.lsp.config resolves (this plugin's
--- lsp/marginalia.lua under the user's own `vim.lsp.config('marginalia', …)`); on 0.10, the plugin's.
---@return vim.lsp.Config
function M.server_config()
  local resolved = vim.lsp.config and vim.lsp.config[M.name]
  return resolved or M.client_config()
end

--- The workspace root for a buffer or path: the nearest folder with one of the root markers.
---@param source integer|string|nil buffer number or path (default: current buffer)
---@return string|nil
function M.root(source)
  return vim.fs.root(source or 0, M.server_config().root_markers or M.config.root_markers)
end

--- Why the server command `cmd` cannot be run, or nil when its program is an executable.
---@param cmd string[]
---@return string|nil
function M.unstartable(cmd)
  local program = cmd[1]
  if type(program) ~= 'string' or program == '' then
    return 'the server command is empty'
  elseif vim.fn.executable(program) == 1 then
    return nil
  elseif not program:find('/', 1, true) then
    return ('`%s` is not on PATH'):format(program)
  elseif vim.uv.fs_stat(program) then
    return ('`%s` is not executable'):format(program)
  end
  return ('`%s` does not exist'):format(program)
end

--- What to do when the server cannot be started: install it, or say where it is (two lines).
---@return string[]
function M.install_advice()
  local configure = vim.lsp.enable and "vim.lsp.config('marginalia', { cmd = { '/path/to/marginalia', 'lsp' } })"
    or "require('marginalia').setup({ cmd = { '/path/to/marginalia', 'lsp' } })"
  return {
    'Install it with `cargo install marginalia` (or `cargo install --path .` in a clone of its repository),',
    'or give its path: ' .. configure,
  }
end

-- The reasons already told (see M.can_start): each is said once a session.
local told_unstartable = {}

--- Whether nothing keeps the server from starting for the buffer `bufnr`: false only where it would start (a buffer
--- of one of its filetypes inside a workspace) but its program is missing or not executable. Then it says so once,
--- with what to do; Neovim 0.11 itself only writes `cannot start marginalia due to config error` to its LSP log.
---@param bufnr integer
---@return boolean
function M.can_start(bufnr)
  local config = M.server_config()
  if type(config.cmd) ~= 'table' then
    return true -- a function (an RPC client of the user's own): nothing to check here
  end
  local filetypes = config.filetypes
  if vim.bo[bufnr].buftype ~= '' or filetypes and not vim.tbl_contains(filetypes, vim.bo[bufnr].filetype)
      or not M.root(bufnr) then
    return true -- the server would not be started here anyway
  end
  local problem = M.unstartable(config.cmd)
  if not problem then
    return true
  end
  if not told_unstartable[problem] then
    told_unstartable[problem] = true
    -- Said once the FileType event is over: an error message inside it would abort the :edit that opened the note.
    vim.schedule(function()
      local lines = { ('marginalia: cannot start the language server: %s.'):format(problem) }
      vim.list_extend(lines, M.install_advice())
      table.insert(lines, 'More in :checkhealth marginalia')
      vim.notify(table.concat(lines, '\n'), vim.log.levels.ERROR)
    end)
  end
  return false
end

--- The running marginalia client for the article at `path`: the one whose workspace holds it, else any.
---@param path string
---@return vim.lsp.Client|nil
local function client_for(path)
  local clients = vim.lsp.get_clients({ name = M.name })
  local best
  clients = vim.tbl_filter(function(client) return not client:is_stopped() end, clients)
  for _, client in ipairs(clients) do
    local root = client.root_dir
    if root and vim.startswith(path, root:gsub('/$', '') .. '/') and (not best or #root > #best.root_dir) then
      best = client
    end
  end
  return best or clients[1]
end

--- Sends a request and waits for the answer: `{ err =, result = }`, or nil and why not.
local function request_sync(client, method, params, timeout, bufnr)
  if vim.fn.has('nvim-0.11') == 1 then
    return client:request_sync(method, params, timeout, bufnr)
  end
  return client.request_sync(method, params, timeout, bufnr)
end

--- Reads the `marginalia:` document `buf` (from BufReadCmd): asks the server for the text extracted from its PDF,
--- shows it read-only, and attaches the client, for references on a sentence and the lens at the top. A failure
--- leaves the buffer empty and says why.
---@param buf integer
function M.read_source_text(buf)
  local uri = vim.api.nvim_buf_get_name(buf)
  local bo = vim.bo[buf]
  bo.buftype = 'nofile'
  bo.swapfile = false
  bo.bufhidden = 'hide'
  local function fail(reason)
    bo.modifiable = false
    bo.readonly = true
    -- Said once the read is over: an error message inside BufReadCmd would abort whatever was opening the buffer
    -- (a jump, a plugin) with a stack trace.
    vim.schedule(function()
      vim.notify(('marginalia: cannot show %s: %s'):format(uri, reason), vim.log.levels.ERROR)
    end)
  end

  local path = vim.uri_decode(uri:gsub('^' .. SOURCE_TEXT_SCHEME .. ':/*', '/')):gsub('%.txt$', '')
  local client = client_for(path)
  if not client then
    return fail('no marginalia server is running; open a note of its workspace, then :edit this buffer again')
  end
  if not vim.wait(SOURCE_TEXT_TIMEOUT, function() return client.initialized or client:is_stopped() end, 20)
      or not client.initialized then
    return fail('the marginalia server did not start')
  end
  local response, why = request_sync(client, SOURCE_TEXT, { uri = uri }, SOURCE_TEXT_TIMEOUT, buf)
  if not response then
    return fail(('no answer from the marginalia server (%s)'):format(why or 'it stopped'))
  elseif response.err then
    return fail(response.err.message or vim.inspect(response.err))
  end
  local text = type(response.result) == 'table' and response.result.text
  if type(text) ~= 'string' then
    return fail('the server sent no text')
  end

  local lines = vim.split(text, '\n', { plain = true })
  local eol = #lines > 1 and lines[#lines] == ''
  if eol then
    table.remove(lines)
  end
  bo.readonly = false
  bo.modifiable = true
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  -- The text exactly as the server has it (the last newline or its absence), for the positions of its answers.
  bo.fileformat = 'unix'
  bo.fixendofline = false
  bo.endofline = eol
  bo.modified = false
  bo.modifiable = false
  bo.readonly = true
  bo.filetype = 'text'
  if not vim.lsp.buf_attach_client(buf, client.id) then
    vim.schedule(function()
      if vim.api.nvim_buf_is_loaded(buf) then
        vim.lsp.buf_attach_client(buf, client.id)
      end
    end)
  end
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

--- What the plugin does in each buffer the server attaches to (from plugin/marginalia.lua's LspAttach autocommand,
--- however the server was started): in a note, completion that inserts what was chosen, and Neovim's built-in
--- completion unless it is turned off; in an article, its lens.
---@param client vim.lsp.Client
---@param bufnr integer
function M.on_attach(client, bufnr)
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

--- Sets the plugin's options and starts the server where it applies. Needed on Neovim 0.10; on 0.11 it is
--- `vim.lsp.enable('marginalia')` with these options, and calling both starts one client, not two.
---@param opts table|nil see M.defaults
function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts or {})
  -- The autocommands of plugin/marginalia.lua, for a setup() called before Neovim loads the plugins (from init.lua,
  -- with the plugin put on 'runtimepath' there): it is sourced once, whoever comes first.
  if not vim.g.loaded_marginalia then
    vim.cmd.runtime('plugin/marginalia.lua')
  end
  if vim.lsp.config and vim.lsp.enable then
    -- lsp/marginalia.lua builds the configuration from M.config; a configuration Neovim resolved already is
    -- read again. An empty table changes nothing else: the user's own vim.lsp.config('marginalia', …) still wins
    -- over these options, as over any plugin's lsp/ file.
    vim.lsp.config(M.name, {})
    vim.lsp.enable(M.name)
    return
  end
  -- Neovim 0.10: start the client ourselves.
  vim.api.nvim_create_autocmd('FileType', {
    group = vim.api.nvim_create_augroup('marginalia_start', { clear = true }),
    pattern = M.config.filetypes,
    callback = function(args)
      if vim.bo[args.buf].buftype ~= '' then
        return -- a `marginalia:` document: its reader attaches the client
      end
      local root = M.root(args.buf)
      if not root or not M.can_start(args.buf) then
        return
      end
      local config = M.client_config()
      config.root_dir = root
      config.root_markers = nil
      config.filetypes = nil
      config.workspace_required = nil
      vim.lsp.start(config, { bufnr = args.buf })
    end,
  })
end

--- Runs `marginalia check --format json` on the workspace and fills the quickfix list.
function M.check()
  local root = M.root(0) or vim.fn.getcwd()
  local cmd = M.server_config().cmd
  cmd = type(cmd) == 'table' and cmd or M.config.cmd
  local problem = M.unstartable(cmd)
  if problem then
    local lines = { ('marginalia check: %s.'):format(problem), unpack(M.install_advice()) }
    vim.notify(table.concat(lines, '\n'), vim.log.levels.ERROR)
    return
  end
  local result = vim.system({ cmd[1], 'check', root, '--format', 'json' }, { text = true }):wait()
  local function absolute(file)
    return file:match('^/') and file or vim.fs.joinpath(root, file)
  end
  local ok, report = pcall(vim.json.decode, result.stdout or '')
  if not ok or type(report) ~= 'table' then
    -- Exit code 2 without JSON: a usage error, said on stderr.
    local message = vim.trim(result.stderr or '')
    if message == '' then
      message = ('exit code %s and no output'):format(tostring(result.code))
    end
    vim.notify('marginalia check failed: ' .. message, vim.log.levels.ERROR)
    return
  end
  if type(report.error) == 'table' then
    -- An invalid marginalia.toml: nothing was checked.
    local e = report.error
    local file = absolute(e.file or 'marginalia.toml')
    vim.fn.setqflist({}, ' ', {
      title = 'marginalia check',
      items = {
        {
          filename = file,
          lnum = e.line or 1,
          col = e.column or 1,
          text = 'invalid configuration: ' .. (e.message or ''),
          type = 'E',
        },
      },
    })
    vim.notify(
      ('marginalia check: invalid configuration, nothing checked: %s:%s:%s: %s'):format(
        file,
        e.line or 1,
        e.column or 1,
        e.message or ''
      ),
      vim.log.levels.ERROR
    )
    vim.cmd('copen')
    return
  end
  local items = {}
  for _, d in ipairs(report.diagnostics or {}) do
    items[#items + 1] = {
      filename = absolute(d.file),
      lnum = d.line,
      col = d.column,
      end_lnum = d.end_line,
      end_col = d.end_column,
      text = ('[%s] %s'):format(d.code, d.message),
      type = d.severity == 'error' and 'E' or 'W',
    }
  end
  -- Notes that could not be read were not checked: each is an error (already counted in summary.errors).
  for _, note in ipairs(report.unreadable_notes or {}) do
    items[#items + 1] =
      { filename = absolute(note.file), lnum = 1, col = 1, text = 'unreadable note: ' .. note.problem, type = 'E' }
  end
  vim.fn.setqflist({}, ' ', { title = 'marginalia check', items = items })
  local summary = report.summary or {}
  vim.notify(('marginalia: %d errors, %d warnings'):format(summary.errors or 0, summary.warnings or 0))
  if #items > 0 then
    vim.cmd('copen')
  end
end

return M
