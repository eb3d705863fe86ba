-- End-to-end test of the Neovim plugin with the real server, run headless by tests/editors.rs:
--   MARGINALIA_BIN=/path/to/marginalia MARGINALIA_WS=/path/to/workspace nvim --headless --clean -u e2e.lua
-- The workspace holds the sample articles in sources/ and notes/e2e.md. Prints one PASS/FAIL line per check
-- and a closing `N passed, N failed`; exits 0 only when every check passed.
local h = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')
h.setup_plugin()
local ws, T, ARTICLE, check, finish, request, ms = h.ws, h.T, h.ARTICLE, h.check, h.finish, h.request, h.ms

local function completion_labels(buf, params)
  local result = request(buf, 'textDocument/completion', params) or {}
  return vim.tbl_map(function(item) return item.label end, result.items or result)
end

local function run()
  local buf = h.open(ws .. '/notes/e2e.md')
  if not buf then return end
  local attached = h.attached
  check('root', attached.root_dir == ws, attached.root_dir)
  local encoding = attached.offset_encoding

  -- Completion after `[[Kir` (line 2), retried until the index is ready.
  vim.api.nvim_win_set_cursor(0, { 2, 9 })
  local params = vim.lsp.util.make_position_params(0, encoding)
  local labels = {}
  vim.wait(T, function()
    labels = completion_labels(buf, params)
    return labels[1] == 'John Kirby'
  end, 100)
  check('completion [[Kir', labels[1] == 'John Kirby', table.concat(labels, ', '))

  -- Hover on the quote of line 1 shows it inside its sentence.
  vim.api.nvim_win_set_cursor(0, { 1, 40 })
  local hover = request(buf, 'textDocument/hover', vim.lsp.util.make_position_params(0, encoding))
  local text = hover and hover.contents.value or ''
  check('hover on a quote', text:find('to support its military operations in Ukraine', 1, true) ~= nil, text)

  -- Definition opens the article with the cursor on the quoted words.
  vim.lsp.buf.definition()
  local landed = vim.wait(T, function()
    return vim.api.nvim_buf_get_name(0):find(ARTICLE .. '.txt', 1, true) ~= nil
  end, 20)
  local cursor = vim.api.nvim_win_get_cursor(0)
  local line = vim.api.nvim_get_current_line()
  check('definition opens article', landed, vim.api.nvim_buf_get_name(0))
  check('definition at the quote', cursor[1] == 3 and line:sub(cursor[2] + 1):find('^Wagner is searching') ~= nil,
    ('line %d col %d: %s'):format(cursor[1], cursor[2], line:sub(cursor[2] + 1, cursor[2] + 40)))
  vim.cmd.buffer(buf)

  -- Insert-mode completion through the omnifunc popup, as a user triggers it.
  vim.bo[buf].omnifunc = 'v:lua.vim.lsp.omnifunc'
  vim.api.nvim_win_set_cursor(0, { 4, 0 })
  local words, deadline = {}, ms() + T
  local poll = vim.uv.new_timer()
  poll:start(50, 50, vim.schedule_wrap(function()
    words = vim.tbl_map(function(i) return i.abbr ~= '' and i.abbr or i.word end,
      vim.fn.complete_info({ 'items' }).items or {})
    if #words > 0 or ms() > deadline then
      poll:stop(); poll:close()
      vim.api.nvim_input('<C-e><Esc>')
    end
  end))
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes('A [[Prigo<C-x><C-o>', true, false, true), 'xt!', false)
  check('omni popup [[Prigo', vim.tbl_contains(words, 'Yevgeny Prigozhin'), table.concat(words, ', '))

  -- Accepting an item inserts exactly the chosen text, for each kind and each way of asking: CTRL-X CTRL-O, and
  -- the list the plugin opens by itself as `[[`, `[@` or a quotation mark is typed. The plugin's 'completeopt'
  -- has noselect, so the first item is chosen with CTRL-N and accepted with CTRL-Y.
  local chosen
  vim.api.nvim_create_autocmd('CompleteDone', {
    buffer = buf,
    callback = function()
      chosen = vim.tbl_get(vim.v.completed_item or {}, 'user_data', 'nvim', 'lsp', 'completion_item')
    end,
  })
  local function accept(before, keys)
    chosen = nil
    vim.api.nvim_buf_set_lines(buf, 3, 4, false, { before })
    vim.api.nvim_win_set_cursor(0, { 4, 0 })
    local wait, until_ms, seen = vim.uv.new_timer(), ms() + T, nil
    wait:start(50, 50, vim.schedule_wrap(function()
      local items = vim.fn.complete_info({ 'items' }).items or {}
      -- The list for the whole of what was typed: asked again after each key, it settles on the best first.
      if #items > 0 and seen == #items or ms() > until_ms then
        wait:stop(); wait:close()
        vim.api.nvim_input('<C-n><C-y><Esc>')
      end
      seen = #items
    end))
    vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes('A' .. keys, true, false, true), 'xt!', false)
    return vim.api.nvim_buf_get_lines(buf, 3, 4, false)[1]
  end
  -- The words of the article's own quotation, without its closing mark and the attribution after it (a mark there
  -- would end the note's quotation).
  local quote_line = 'See [@' .. ARTICLE .. ', "Wagner is searching around the world for arms suppliers'
    .. ' to support its military operations in Ukraine"]'
  for _, case in ipairs({
    { 'accept [[Kir (omni)', 'See [[Kir', '<C-x><C-o>', 'See [[John Kirby]]' },
    { 'accept [@000_cf (omni)', 'See [@000_cf', '<C-x><C-o>', 'See [@' .. ARTICLE },
    { 'accept a quote (omni)', 'See [@' .. ARTICLE .. ', "Wagner is sea', '<C-x><C-o>', quote_line },
    { 'accept [[Kir (as typed)', 'See ', '[[Kir', 'See [[John Kirby]]' },
    { 'accept [@000_cf (as typed)', 'See ', '[@000_cf', 'See [@' .. ARTICLE },
    -- The first sentence that begins with the word, whichever it is: the line ends with exactly its text.
    { 'accept a quote (as typed)', 'See [@' .. ARTICLE .. ', ', '"Wagner', nil },
  }) do
    local accepted = accept(case[2], case[3])
    local expected = case[4]
    if not expected and chosen and chosen.textEdit then
      local typed = (case[2] .. case[3]):gsub('<[^>]+>', '')
      expected = typed:sub(1, chosen.textEdit.range.start.character) .. chosen.textEdit.newText
    end
    check(case[1], accepted == expected, accepted)
  end
  vim.api.nvim_buf_set_lines(buf, 3, 4, false, { 'Next:' })

  -- A wrong quote is reported after :write.
  vim.api.nvim_buf_set_lines(buf, 2, 3, false,
    { 'Wrong: [@' .. ARTICLE .. ', "Wagner is searching around the globe for arms suppliers"].' })
  vim.cmd('silent write')
  local diagnostic = h.await_diagnostic(buf, 'quote-not-found')
  check('diagnostic after :write', diagnostic ~= nil and diagnostic.lnum == 2
    and diagnostic.message:find('around the world for arms suppliers', 1, true) ~= nil,
    diagnostic and ('%d:%d %s'):format(diagnostic.lnum, diagnostic.col, diagnostic.message) or 'none')

  -- :help marginalia opens the plugin's help.
  local helped = pcall(vim.cmd, 'help marginalia')
  check(':help marginalia', helped and vim.api.nvim_buf_get_name(0):find('marginalia.txt', 1, true) ~= nil,
    vim.api.nvim_buf_get_name(0))

  -- :checkhealth finds the binary, its version and the workspace.
  vim.cmd('checkhealth marginalia')
  local report = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  check('checkhealth', report:find('marginalia 0', 1, true) ~= nil and report:find('workspace: ' .. ws, 1, true) ~= nil,
    report:match('marginalia %d[^\n]*') or report:sub(1, 200))

  -- :MarginaliaCheck in a workspace whose marginalia.toml is invalid: an error at the file's line, not "0 errors".
  local function check_in(dir)
    vim.cmd('enew')
    vim.cmd.lcd(vim.fn.fnameescape(dir))
    local since = #h.notified
    -- An ERROR notification inside a command is an exception here (headless): it was recorded in h.notified.
    pcall(vim.cmd, 'MarginaliaCheck')
    return table.concat(vim.list_slice(h.notified, since + 1), '\n'), vim.fn.getqflist()
  end
  local broken = vim.fn.tempname() .. '/broken'
  vim.fn.mkdir(broken .. '/notes', 'p')
  vim.fn.writefile({ 'x = [' }, broken .. '/marginalia.toml')
  vim.fn.writefile({ '# A note' }, broken .. '/notes/a.md')
  local said, qf = check_in(broken)
  check(':MarginaliaCheck bad config', said:find('invalid configuration', 1, true) ~= nil
    and not said:find('0 errors', 1, true) and #qf == 1 and qf[1].lnum == 1 and qf[1].col == 6
    and vim.api.nvim_buf_get_name(qf[1].bufnr):find('marginalia.toml', 1, true) ~= nil, said)

  -- A note that cannot be read was not checked: an error, with a quickfix entry.
  local unreadable = vim.fn.tempname() .. '/unreadable'
  vim.fn.mkdir(unreadable .. '/notes', 'p')
  vim.fn.mkdir(unreadable .. '/sources', 'p')
  local f = assert(io.open(unreadable .. '/notes/bad.md', 'wb'))
  f:write('\255\254')
  f:close()
  said, qf = check_in(unreadable)
  check(':MarginaliaCheck unreadable', said:find('1 errors', 1, true) ~= nil and #qf == 1
    and qf[1].text:find('not UTF-8', 1, true) ~= nil, said .. ' | ' .. (qf[1] and qf[1].text or 'no quickfix entry'))
  finish()
end

h.run(run)
