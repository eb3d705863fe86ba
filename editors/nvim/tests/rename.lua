-- End-to-end test of document links and renames in Neovim with the real server, run headless by tests/editors.rs:
--   MARGINALIA_BIN=/path/to/marginalia MARGINALIA_WS=/path/to/workspace nvim --headless --clean -u rename.lua
-- The workspace holds the sample articles in sources/ and three notes: notes/open.md, the one opened here, and
-- notes/closed.md and notes/people.md, which cite the same article and mention the same person but are never
-- opened by the test. Prints one PASS/FAIL line per check and a closing `N passed, N failed`; exits 0 only when
-- every check passed.
local h = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')
h.setup_plugin()
local ws, T, ARTICLE, check, request = h.ws, h.T, h.ARTICLE, h.check, h.request
local NEW = 'wagner-arms'

local function read(path)
  local file = io.open(path, 'rb')
  if not file then return nil end
  local text = file:read('*a')
  file:close()
  return text
end

local function exists(path) return vim.uv.fs_stat(path) ~= nil end

local function text_of(buf) return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n') .. '\n' end

-- The loaded buffer of `path`, if Neovim has one.
local function buffer_of(path)
  local buf = vim.fn.bufnr(path)
  return buf ~= -1 and vim.api.nvim_buf_is_loaded(buf) and buf or nil
end

-- What Neovim told the user since message number `since`, or `otherwise`.
local function told(since, otherwise)
  local said = vim.list_slice(h.notified, since + 1)
  return #said > 0 and table.concat(said, ' | ') or otherwise
end

-- Renames what is under the cursor as a user does with `:lua vim.lsp.buf.rename()`: Neovim asks the server
-- (prepareRename), prompts with its placeholder, and applies the workspace edit the server answers. The prompt is
-- answered with `new_name`; returns the placeholder it offered. Waits until `done()` or until Neovim says something.
local function rename(new_name, done)
  local since, offered = #h.notified, nil
  local input = vim.ui.input
  vim.ui.input = function(opts, on_confirm)
    offered = opts.default
    on_confirm(new_name)
  end
  vim.lsp.buf.rename()
  vim.wait(T, function() return done() or #h.notified > since end, 20)
  vim.ui.input = input
  return offered, since
end

local function links_of(buf)
  return request(buf, 'textDocument/documentLink', { textDocument = vim.lsp.util.make_text_document_params(buf) })
    or {}
end

local function link_on(links, line)
  for _, link in ipairs(links) do
    if link.range.start.line == line then return link end
  end
end

local function describe(link, buf)
  if not link then return 'no link' end
  local r = link.range
  local text = vim.api.nvim_buf_get_text(buf, r.start.line, r.start.character, r['end'].line, r['end'].character, {})
  return ('%d:%d-%d %q -> %s'):format(r.start.line, r.start.character, r['end'].character, text[1] or '',
    tostring(link.target))
end

local function run()
  local article, renamed = ws .. '/sources/' .. ARTICLE .. '.txt', ws .. '/sources/' .. NEW .. '.txt'
  local closed, people = ws .. '/notes/closed.md', ws .. '/notes/people.md'
  local article_text, closed_text, people_text = read(article), read(closed), read(people)
  local buf = h.open(ws .. '/notes/open.md')
  if not buf then return end
  local client = h.attached

  -- Neovim can apply what a source rename answers: edits of several notes and the rename of a file.
  local edits = vim.tbl_get(client.capabilities, 'workspace', 'workspaceEdit') or {}
  check('client renames files', vim.tbl_contains(edits.resourceOperations or {}, 'rename'),
    'workspace.workspaceEdit = ' .. vim.inspect(edits, { newline = ' ', indent = '' }))
  check('server renames', vim.tbl_get(client.server_capabilities, 'renameProvider', 'prepareProvider') == true
    and client.server_capabilities.documentLinkProvider ~= nil,
    vim.inspect({ client.server_capabilities.renameProvider, client.server_capabilities.documentLinkProvider },
      { newline = ' ', indent = '' }))

  -- Each cited id links to its article's file, asked again until the index is ready.
  local article_uri = vim.uri_from_fname(article)
  local links = {}
  vim.wait(T, function()
    links = links_of(buf)
    return link_on(links, 0) ~= nil and link_on(links, 2) ~= nil
  end, 100)
  for _, line in ipairs({ 0, 2 }) do
    local link = link_on(links, line)
    local r = link and link.range
    local linked = r and vim.api.nvim_buf_get_text(buf, line, r.start.character, line, r['end'].character, {})[1]
    check('document link, line ' .. (line + 1), link ~= nil and link.target == article_uri and linked == ARTICLE
      and exists(vim.uri_to_fname(link.target)), describe(link, buf))
  end

  -- The article is a place too: references on its quoted sentence list the notes that quote it (this one, open,
  -- and notes/closed.md, never opened, which quotes the end of the sentence), and its lens says how the notes use it.
  vim.cmd.edit(vim.fn.fnameescape(article))
  local article_buf = vim.api.nvim_get_current_buf()
  local quoted_line
  for i, line in ipairs(vim.api.nvim_buf_get_lines(article_buf, 0, -1, false)) do
    if not quoted_line and line:find('Wagner is searching around the world', 1, true) then quoted_line = i - 1 end
  end
  local places = {}
  local found = quoted_line and vim.wait(T, function()
    local params = vim.lsp.util.make_position_params(0, 'utf-16')
    params.position = { line = quoted_line, character = 3 }
    params.context = { includeDeclaration = false }
    local answer = request(article_buf, 'textDocument/references', params) or {}
    places = vim.tbl_map(function(l) return vim.fs.basename(vim.uri_to_fname(l.uri)) .. ':' .. l.range.start.line end, answer)
    return #places > 0
  end, 100)
  check('references from the article', found and vim.deep_equal(places, { 'closed.md:0', 'open.md:0' }),
    quoted_line and table.concat(places, ', ') or 'the quoted sentence is not in the article')
  local lens
  vim.wait(T, function()
    lens = (vim.lsp.codelens.get(article_buf) or {})[1]
    return lens ~= nil and lens.command ~= nil
  end, 100)
  local title = lens and lens.command and lens.command.title or 'no lens'
  check('lens on the article', title == 'cited in 2 notes (4 citations) · quoted 2 times', title)
  -- (Closed again: Neovim writes a loaded buffer it renames, which would add an end of line to the file.)
  vim.cmd.buffer(buf)
  vim.cmd.bwipeout(article_buf)

  -- Renaming the id, cursor on it in the first citation: the prompt offers the id itself.
  local expected = text_of(buf):gsub(ARTICLE, NEW)
  local closed_was_loaded = buffer_of(closed) ~= nil
  vim.api.nvim_win_set_cursor(0, { 1, 12 })
  local offered, since = rename(NEW, function() return exists(renamed) end)
  check('rename prompt', offered == ARTICLE, tostring(offered))
  local why = told(since, 'nothing said')
  -- Every citation of this note names the new id.
  check('rename: this note', text_of(buf) == expected, text_of(buf) == expected and NEW or why)
  -- The article's file was renamed on disk, with its text.
  check('rename: article file', exists(renamed) and not exists(article) and read(renamed) == article_text,
    exists(renamed) and renamed or why)
  -- The note that was never opened: Neovim edits it in a buffer of its own, and :wall writes it.
  local closed_expected = closed_text:gsub(ARTICLE, NEW)
  local closed_buf = buffer_of(closed)
  check('rename: closed note', not closed_was_loaded and closed_buf ~= nil and text_of(closed_buf) == closed_expected,
    closed_was_loaded and 'notes/closed.md was open before the rename'
    or closed_buf and text_of(closed_buf) or ('no buffer for notes/closed.md; ' .. why))
  vim.cmd('silent wall')
  check(':wall writes it', read(closed) == closed_expected, read(closed))
  check(':wall writes this note', read(ws .. '/notes/open.md') == expected, read(ws .. '/notes/open.md'))

  -- The server follows: the new id is a known source (no unknown-source diagnostic) linked to the renamed file.
  local renamed_uri, link, unknown = vim.uri_from_fname(renamed), nil, nil
  local followed = exists(renamed) and vim.wait(T, function()
    link = link_on(links_of(buf), 0)
    unknown = nil
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.code == 'unknown-source' then unknown = d end
    end
    return link ~= nil and link.target == renamed_uri and unknown == nil
  end, 100)
  check('server knows the new id', followed, not exists(renamed) and 'nothing was renamed'
    or unknown and ('%d:%d %s'):format(unknown.lnum, unknown.col, unknown.message) or describe(link, buf))

  -- An entity renamed to another of its names: every mention, here and in notes/people.md (never opened).
  vim.api.nvim_buf_set_lines(buf, -1, -1, false, { 'See [[Kirby]] again.' })
  local last = vim.api.nvim_buf_line_count(buf)
  vim.api.nvim_win_set_cursor(0, { last, 7 })
  offered, since = rename('John Kirby', function()
    return vim.api.nvim_buf_get_lines(buf, last - 1, last, false)[1] ~= 'See [[Kirby]] again.'
  end)
  why = told(since, 'nothing said')
  check('entity prompt', offered == 'Kirby', tostring(offered))
  local mention = vim.api.nvim_buf_get_lines(buf, last - 1, last, false)[1]
  check('entity: this note', mention == 'See [[John Kirby]] again.', mention .. '; ' .. why)
  local people_buf = buffer_of(people)
  local people_expected = people_text:gsub('%[%[Kirby%]%]', '[[John Kirby]]')
  check('entity: other note', people_buf ~= nil and text_of(people_buf) == people_expected,
    people_buf and text_of(people_buf) or ('no buffer for notes/people.md; ' .. why))
  h.finish()
end

h.run(run)
