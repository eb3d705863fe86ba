-- Test of editors/nvim/lspconfig/marginalia.lua, the configuration offered to nvim-lspconfig, run headless by
-- tests/editors.rs, without the plugin:
--   MARGINALIA_BIN=/path/to/marginalia MARGINALIA_WS=/path/to/workspace nvim --headless --clean -u lspconfig.lua
-- The file has the shape of nvim-lspconfig's lsp/*.lua (a `---@brief` header, `---@type vim.lsp.Config`, a table
-- and no require), loads with dofile, and, put on 'runtimepath' as lsp/marginalia.lua the way nvim-lspconfig ships
-- its configurations, starts the server with `vim.lsp.enable('marginalia')`. The workspace holds sources/dock.txt
-- and notes/a.md, whose first line quotes the article and whose second line quotes words that are not in it.
-- Prints one PASS/FAIL line per check and `N passed, N failed`.
local h = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')
local ws, check, finish = h.ws, h.check, h.finish
local FILE = h.plugin .. '/lspconfig/marginalia.lua'

-- The server on PATH, as `cargo install marginalia` leaves it.
vim.env.PATH = vim.fs.dirname(h.bin) .. ':' .. vim.env.PATH
-- nvim-lspconfig's layout: the file as lsp/marginalia.lua in a folder on 'runtimepath' (here a temporary one, and
-- not the plugin's folder, whose own lsp/marginalia.lua would be merged in).
local lspconfig = vim.fn.tempname() .. '/nvim-lspconfig'
vim.fn.mkdir(lspconfig .. '/lsp', 'p')
vim.uv.fs_copyfile(FILE, lspconfig .. '/lsp/marginalia.lua')
vim.opt.runtimepath:prepend(lspconfig)
vim.lsp.enable('marginalia')

local function run()
  local source = table.concat(vim.fn.readfile(FILE), '\n')
  check('lspconfig shape', vim.startswith(source, '---@brief\n---\n--- https://')
    and source:find('\n\n---@type vim.lsp.Config\nreturn {\n', 1, true) ~= nil and not source:find('require%s*[(\'"]'),
    FILE)
  local ok, config = pcall(dofile, FILE)
  check('dofile', ok and type(config) == 'table' and vim.deep_equal(config.cmd, { 'marginalia', 'lsp' })
    and vim.tbl_contains(config.filetypes or {}, 'markdown')
    and vim.deep_equal(config.root_markers, { 'marginalia.toml', 'sources' }) and config.workspace_required == true,
    vim.inspect(config):gsub('%s+', ' '))
  local resolved = vim.lsp.config.marginalia or {}
  check('vim.lsp.config resolves it', vim.deep_equal(resolved.cmd, config.cmd) and resolved.name == 'marginalia',
    vim.inspect(vim.api.nvim_get_runtime_file('lsp/marginalia.lua', true)))

  local note = h.open(ws .. '/notes/a.md')
  if not note then return end
  local client = h.attached
  check('root', client.root_dir == ws, client.root_dir)

  local diagnostic = h.await_diagnostic(note, 'quote-not-found')
  check('diagnostic: wrong quote', diagnostic ~= nil and diagnostic.lnum == 1,
    diagnostic and ('%d:%d %s'):format(diagnostic.lnum, diagnostic.col, diagnostic.message) or 'none')

  local line = vim.api.nvim_buf_get_lines(note, 0, 1, false)[1]
  vim.api.nvim_win_set_cursor(0, { 1, (line:find('walked out', 1, true)) })
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  local text = h.hover_until(note, params, 'Dock workers')
  check('hover', text:find('Dock workers **walked out', 1, true) ~= nil, text)

  check('without the plugin', package.loaded.marginalia == nil and vim.g.loaded_marginalia == nil,
    ('marginalia module loaded: %s'):format(package.loaded.marginalia ~= nil))
  finish()
end

h.run(run)
