-- End-to-end test of a PDF as an article in Neovim with the real server, run headless by tests/editors.rs:
--   MARGINALIA_BIN=/path/to/marginalia MARGINALIA_WS=/path/to/workspace nvim --headless --clean -u pdfs.lua
-- The workspace holds tests/fixtures/pdf/tidal-survey.pdf (three pages) in sources/ and notes/survey.md, whose
-- first line quotes words from its second page. Hover names the page; definition opens the text the server
-- extracted from the PDF as a read-only `marginalia:` buffer with the cursor on the quoted words; references from
-- there lead back to the note, and the lens at its top counts the quotation. A `marginalia:` document the server
-- does not know, or one opened with no server running, is an empty buffer and a message that says why.
-- Prints one PASS/FAIL line per check and `N passed, N failed`.
local h = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')
h.setup_plugin()
local ws, T, check, finish, request = h.ws, h.T, h.check, h.finish, h.request
local QUOTED = 'no longer high enough for the tides'
local SENTENCE = 'Engineer Tomas Vellacott said the defences were "no longer high enough for the tides we now see '
  .. 'every winter".'

local function text_of(buf) return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n') end
local function squeezed(s) return vim.trim((s:gsub('%s+', ' '))) end

-- Where `words` start in `buf`, as a (1-based line, 0-based byte column) cursor position, or nil.
local function find(buf, words)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local col = line:find(words, 1, true)
    if col then return { i, col - 1 } end
  end
end

-- What Neovim told the user since message number `since`, once it said something.
local function told(since)
  vim.wait(T, function() return #h.notified > since end, 20)
  return table.concat(vim.list_slice(h.notified, since + 1), ' | ')
end

local function run()
  local note = h.open(ws .. '/notes/survey.md')
  if not note then return end
  local client = h.attached
  local encoding = client.offset_encoding
  check('sourceTextDocuments sent', vim.tbl_get(client.config, 'init_options', 'sourceTextDocuments') == true,
    vim.inspect(client.config.init_options))

  -- Hover on the quote, retried until the index is ready, names the page the words are on.
  local line = vim.api.nvim_buf_get_lines(note, 0, 1, false)[1]
  vim.api.nvim_win_set_cursor(0, { 1, line:find(QUOTED, 1, true) + 3 })
  local params = vim.lsp.util.make_position_params(0, encoding)
  local text = h.hover_until(note, params, 'p. 2')
  check('hover names the page', text:find('`tidal-survey`, p. 2', 1, true) ~= nil, text)

  -- Definition opens the extracted text as a marginalia: buffer, with the cursor on the quoted words.
  vim.lsp.buf.definition()
  local landed = vim.wait(T, function()
    local name = vim.api.nvim_buf_get_name(0)
    return vim.startswith(name, 'marginalia:///') and vim.endswith(name, '/sources/tidal-survey.pdf.txt')
  end, 20)
  local pdf = vim.api.nvim_get_current_buf()
  if not check('definition opens the text', landed, vim.api.nvim_buf_get_name(pdf)) then return finish() end
  local shown = text_of(pdf)
  check('the PDF text is shown', squeezed(shown):find(SENTENCE, 1, true) ~= nil
    and select(2, shown:gsub('\f', '')) == 2, ('%d lines, %d pages'):format(vim.api.nvim_buf_line_count(pdf),
      select(2, shown:gsub('\f', '')) + 1))
  local cursor = vim.api.nvim_win_get_cursor(0)
  local words = find(pdf, 'no longer high')
  local here = vim.api.nvim_get_current_line():sub(cursor[2] + 1)
  check('definition at the words', words ~= nil and cursor[1] == words[1] and cursor[2] == words[2],
    ('line %d col %d: %s (the words are at %s)'):format(cursor[1], cursor[2], here:sub(1, 40), vim.inspect(words)))
  -- Each page after the first starts with a form feed.
  local before = table.concat(vim.api.nvim_buf_get_lines(pdf, 0, cursor[1] - 1, false), '\n')
    .. vim.api.nvim_get_current_line():sub(1, cursor[2])
  local breaks = select(2, before:gsub('\f', ''))
  check('the words are on page 2', breaks == 1, ('%d page breaks before them'):format(breaks))

  local bo = vim.bo[pdf]
  check('read-only buffer', not bo.modifiable and bo.readonly and bo.buftype == 'nofile' and not bo.swapfile
    and bo.filetype == 'text' and not bo.modified, ('modifiable=%s readonly=%s buftype=%s swapfile=%s filetype=%s')
    :format(bo.modifiable, bo.readonly, bo.buftype, bo.swapfile, bo.filetype))
  local edited = pcall(vim.cmd, 'normal! x')
  check('cannot be edited', not edited and text_of(pdf) == shown, edited and 'x deleted a character' or 'E21')

  -- The client is attached to it: references on the quoted sentence lead back to the note.
  local attached = vim.wait(T, function() return #vim.lsp.get_clients({ bufnr = pdf, name = 'marginalia' }) > 0 end,
    20)
  check('attached to the text', attached, vim.inspect(vim.tbl_map(function(c) return c.name end,
    vim.lsp.get_clients({ bufnr = pdf }))))
  local position = vim.lsp.util.make_position_params(0, encoding)
  position.context = { includeDeclaration = false }
  local found = request(pdf, 'textDocument/references', position) or {}
  check('references lead to the note', #found == 1 and found[1].uri == vim.uri_from_fname(ws .. '/notes/survey.md')
    and found[1].range.start.line == 0, vim.inspect(found):gsub('%s+', ' '))

  -- The lens at the top of the text counts the quotation.
  local lens = ''
  vim.wait(T, function()
    for _, l in ipairs(vim.lsp.codelens.get(pdf)) do
      if l.command and l.command.title then lens = l.command.title end
    end
    return lens ~= ''
  end, 50)
  check('lens at the top', lens:find('quoted', 1, true) ~= nil, lens)

  -- A marginalia: document the server has no text for: an empty buffer, and the server's reason.
  local since = #h.notified
  vim.cmd.edit('marginalia:///nowhere/missing.pdf.txt')
  local missing = vim.api.nvim_get_current_buf()
  check('unknown document: message', told(since):find('is not an article', 1, true) ~= nil, told(since))
  check('unknown document: empty', text_of(missing) == '' and not vim.bo[missing].modifiable
    and vim.bo[missing].buftype == 'nofile', vim.inspect(text_of(missing)))

  -- With no server running, the message says what to do; done, :edit shows the text.
  local uri = vim.api.nvim_buf_get_name(pdf)
  vim.cmd.bwipeout(pdf)
  vim.lsp.stop_client(client.id, true)
  vim.wait(T, function() return #vim.lsp.get_clients({ name = 'marginalia' }) == 0 end, 20)
  since = #h.notified
  vim.cmd.edit(uri)
  pdf = vim.api.nvim_get_current_buf()
  check('no server: message', text_of(pdf) == '' and told(since):find('no marginalia server is running', 1, true)
    ~= nil, told(since))
  vim.cmd.buffer(note)
  vim.cmd.edit() -- the note was loaded already: read again, it starts the server again
  vim.wait(T, function()
    local hover = #vim.lsp.get_clients({ bufnr = note }) > 0 and request(note, 'textDocument/hover', params)
    return hover and hover.contents.value:find('p. 2', 1, true) ~= nil
  end, 100)
  vim.cmd.buffer(pdf)
  vim.cmd.edit()
  check('then :edit shows it', squeezed(text_of(pdf)):find(SENTENCE, 1, true) ~= nil
    and #vim.lsp.get_clients({ bufnr = pdf, name = 'marginalia' }) == 1,
    ('%d lines, attached: %d'):format(vim.api.nvim_buf_line_count(pdf), #vim.lsp.get_clients({ bufnr = pdf })))
  finish()
end

h.run(run)
