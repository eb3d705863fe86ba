-- End-to-end test of saved web pages as articles in Neovim with the real server, run headless by tests/editors.rs:
--   MARGINALIA_BIN=/path/to/marginalia MARGINALIA_WS=/path/to/workspace nvim --headless --clean -u pages.lua
-- The workspace holds the pages of tests/fixtures/pages in sources/ and notes/pages.md, whose first line quotes
-- words that stand across an inline tag in harbour-strike.html. Completion shows the page's title, hover quotes
-- the passage with the page's line, definition opens the .html with the cursor on the quoted bytes, and references
-- from there lead back to the note. Prints one PASS/FAIL line per check and `N passed, N failed`.
local h = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')
h.setup_plugin()
local ws, T, check, finish, request = h.ws, h.T, h.check, h.finish, h.request

local function run()
  local buf = h.open(ws .. '/notes/pages.md')
  if not buf then return end
  local encoding = h.attached.offset_encoding

  -- Completion after `[@harb` (line 2): the page's id, with its title from the page's metadata.
  vim.api.nvim_win_set_cursor(0, { 2, 11 })
  local params = vim.lsp.util.make_position_params(0, encoding)
  local item
  vim.wait(T, function()
    local result = request(buf, 'textDocument/completion', params) or {}
    item = (result.items or result)[1]
    return item ~= nil and item.label == 'harbour-strike'
  end, 100)
  local shown = item and table.concat({ item.label, item.detail or '', vim.tbl_get(item, 'labelDetails', 'description')
    or '' }, ' ') or 'none'
  check('completion [@harb', item ~= nil and item.label == 'harbour-strike'
    and shown:find('Dockers walk out at Port Aldane', 1, true) ~= nil, shown)

  -- Hover on the quote (line 1) shows it in its passage, with the line of the page it stands on.
  vim.api.nvim_win_set_cursor(0, { 1, 40 })
  local hover = request(buf, 'textDocument/hover', vim.lsp.util.make_position_params(0, encoding))
  local text = hover and hover.contents.value or ''
  check('hover on a quote', text:find('three per cent', 1, true) ~= nil and text:find('line 30', 1, true) ~= nil,
    text)

  -- Definition opens the page itself with the cursor on the quoted words, markup and all.
  vim.lsp.buf.definition()
  local landed = vim.wait(T, function()
    return vim.api.nvim_buf_get_name(0):find('harbour-strike.html', 1, true) ~= nil
  end, 20)
  local cursor = vim.api.nvim_win_get_cursor(0)
  local line = vim.api.nvim_get_current_line()
  check('definition opens the page', landed, vim.api.nvim_buf_get_name(0))
  check('definition at the words', line:sub(cursor[2] + 1):find('^offered a <em>three per cent</em> rise') ~= nil,
    ('line %d col %d: %s'):format(cursor[1], cursor[2], line:sub(cursor[2] + 1, cursor[2] + 40)))

  -- References on a word of the page lead back to the note.
  local page = vim.api.nvim_get_current_buf()
  local attached = vim.wait(T, function() return #vim.lsp.get_clients({ bufnr = page }) > 0 end, 20)
  check('attached to the page', attached, vim.bo[page].filetype)
  vim.api.nvim_win_set_cursor(0, { cursor[1], cursor[2] + 16 })
  local position = vim.lsp.util.make_position_params(0, encoding)
  position.context = { includeDeclaration = false }
  local found = request(page, 'textDocument/references', position) or {}
  check('references from the page', #found == 1 and found[1].uri:find('notes/pages.md', 1, true) ~= nil,
    #found == 1 and found[1].uri or vim.inspect(found))
  finish()
end

h.run(run)
