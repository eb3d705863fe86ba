-- End-to-end test of the Neovim 0.11 way, run headless by tests/editors.rs: the plugin on 'runtimepath', the server
-- on PATH, and `vim.lsp.enable('marginalia')` as the only configuration, with no setup call:
--   MARGINALIA_BIN=/path/to/marginalia MARGINALIA_WS=/path/to/workspace nvim --headless --clean -u enable.lua
-- The workspace holds tests/fixtures/pdf/tidal-survey.pdf in sources/ and notes/enable.md, whose first line quotes
-- words from the PDF's second page and whose second line quotes words that are not in it, and notes/second.md.
-- Neovim loads plugin/marginalia.lua and lsp/marginalia.lua by itself; the server starts for a note of the
-- workspace and not for one outside it, reports the wrong quotation, answers hover, and the plugin's part works as
-- with setup(): completion in the note, the PDF's text as a `marginalia:` document. Then setup() is called as
-- well, and a second note shares the one client. Prints one PASS/FAIL line per check and `N passed, N failed`.
local h = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')
local ws, T, check, finish = h.ws, h.T, h.check, h.finish
local QUOTED = 'no longer high enough for the tides'

-- The server installed as `cargo install marginalia` leaves it: a program named `marginalia` on PATH.
vim.env.PATH = vim.fs.dirname(h.bin) .. ':' .. vim.env.PATH
-- The plugin put on 'runtimepath' by hand, or by a plugin manager, before Neovim loads the plugins.
vim.opt.runtimepath:prepend(h.plugin)
-- The whole configuration.
vim.lsp.enable('marginalia')

local function marginalia_clients() return vim.lsp.get_clients({ name = 'marginalia' }) end

local function run()
  check('plugin loaded by Neovim', vim.g.loaded_marginalia == true and vim.fn.exists(':MarginaliaCheck') == 2,
    ('loaded_marginalia=%s'):format(vim.g.loaded_marginalia))
  local config = vim.lsp.config.marginalia or {}
  check('config from lsp/marginalia.lua', vim.deep_equal(config.cmd, { 'marginalia', 'lsp' })
    and vim.deep_equal(config.root_markers, { 'marginalia.toml', 'sources' })
    and vim.tbl_contains(config.filetypes or {}, 'markdown') and config.workspace_required == true
    and vim.tbl_get(config, 'init_options', 'sourceTextDocuments') == true,
    vim.inspect({ config.cmd, config.root_markers, config.filetypes, config.workspace_required, config.init_options })
      :gsub('%s+', ' '))

  -- A Markdown file outside any workspace: no server (workspace_required). Neovim starts a client at once when it
  -- starts one, and it would show in the list before it answered.
  local outside = vim.fn.tempname() .. '/loose/readme.md'
  vim.fn.mkdir(vim.fs.dirname(outside), 'p')
  vim.fn.writefile({ '# Not a note', 'Cites [@tidal-survey].' }, outside)
  vim.cmd.edit(vim.fn.fnameescape(outside))
  vim.wait(300)
  check('no server outside a workspace', #marginalia_clients() == 0 and vim.bo.filetype == 'markdown',
    ('%d clients for %s (%s)'):format(#marginalia_clients(), outside, vim.bo.filetype))

  local note = h.open(ws .. '/notes/enable.md')
  if not note then return end
  local client = h.attached
  check('root', client.root_dir == ws, client.root_dir)
  check('sourceTextDocuments sent', vim.tbl_get(client.config, 'init_options', 'sourceTextDocuments') == true,
    vim.inspect(client.config.init_options))
  -- The plugin's LspAttach part, with no setup call: built-in completion with its 'completeopt', and whole items.
  local whole_items = vim.api.nvim_get_autocmds({ group = 'marginalia_complete_' .. note, event = 'CompleteDone' })
  check('completion set up', vim.bo[note].completeopt == 'menuone,noselect,popup' and #whole_items == 1,
    ('completeopt=%s, CompleteDone autocommands: %d'):format(vim.bo[note].completeopt, #whole_items))

  -- The quotation of line 2 is not in the article.
  local diagnostic = h.await_diagnostic(note, 'quote-not-found')
  check('diagnostic: wrong quote', diagnostic ~= nil and diagnostic.lnum == 1,
    diagnostic and ('%d:%d %s'):format(diagnostic.lnum, diagnostic.col, diagnostic.message) or 'none')

  -- Hover on the quotation of line 1, retried until the index is ready, names the page its words are on.
  local line = vim.api.nvim_buf_get_lines(note, 0, 1, false)[1]
  vim.api.nvim_win_set_cursor(0, { 1, line:find(QUOTED, 1, true) + 3 })
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  local text = h.hover_until(note, params, 'p. 2')
  check('hover', text:find('`tidal-survey`, p. 2', 1, true) ~= nil, text)

  -- Definition opens the PDF's text through the plugin's BufReadCmd, with no setup call.
  vim.lsp.buf.definition()
  local landed = vim.wait(T, function()
    return vim.endswith(vim.api.nvim_buf_get_name(0), '/sources/tidal-survey.pdf.txt')
  end, 20)
  local pdf = vim.api.nvim_get_current_buf()
  local shown = table.concat(vim.api.nvim_buf_get_lines(pdf, 0, -1, false), '\n'):gsub('%s+', ' ')
  check('PDF text opened', landed and vim.startswith(vim.api.nvim_buf_get_name(pdf), 'marginalia:///')
    and shown:find(QUOTED, 1, true) ~= nil and not vim.bo[pdf].modifiable,
    ('%s: %d lines'):format(vim.api.nvim_buf_get_name(pdf), vim.api.nvim_buf_line_count(pdf)))

  -- setup() as well (the Neovim 0.10 way, kept in a configuration shared with 0.10): still one client, which the
  -- next note of the workspace attaches to.
  require('marginalia').setup({})
  vim.cmd.edit(vim.fn.fnameescape(ws .. '/notes/second.md'))
  local second = vim.api.nvim_get_current_buf()
  vim.wait(T, function() return #vim.lsp.get_clients({ bufnr = second, name = 'marginalia' }) > 0 end, 20)
  vim.wait(300) -- a second client, if one were started, would be listed by now
  local attached = vim.lsp.get_clients({ bufnr = second, name = 'marginalia' })
  check('setup() too: one client', #marginalia_clients() == 1 and #attached == 1 and attached[1].id == client.id,
    ('%d clients, the second note attached to %s'):format(#marginalia_clients(),
      vim.inspect(vim.tbl_map(function(c) return c.id end, attached))))
  finish()
end

h.run(run)
