-- End-to-end test of a server that cannot be started, run headless by tests/editors.rs: the plugin on
-- 'runtimepath', `vim.lsp.enable('marginalia')`, and no `marginalia` on PATH:
--   MARGINALIA_BIN=/path/to/marginalia MARGINALIA_WS=/path/to/workspace nvim --headless --clean -u missing.lua
-- Neovim 0.11 alone would start nothing and say nothing (a line in its LSP log). The plugin says once, where the
-- server would start, what to do; :checkhealth says it too; done what it says (the path given with vim.lsp.config),
-- :edit starts the server. The workspace holds sources/dock.txt and the notes notes/a.md and notes/b.md.
-- Prints one PASS/FAIL line per check and `N passed, N failed`.
local h = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h') .. '/harness.lua')
local ws, T, check, finish = h.ws, h.T, h.check, h.finish

-- PATH without any folder that holds a `marginalia` (a `cargo install` of the developer's own, say).
local path = vim.tbl_filter(function(dir) return vim.fn.executable(dir .. '/marginalia') == 0 end,
  vim.split(vim.env.PATH or '', ':', { plain = true }))
vim.env.PATH = table.concat(path, ':')
vim.opt.runtimepath:prepend(h.plugin)
vim.lsp.enable('marginalia')

-- What the plugin said about the server, since message number `since`.
local function said(since)
  return vim.tbl_filter(function(message) return message:find('cannot start', 1, true) ~= nil end,
    vim.list_slice(h.notified, since + 1))
end

local function run()
  check('no marginalia on PATH', vim.fn.executable('marginalia') == 0, vim.fn.exepath('marginalia'))

  -- Outside a workspace the server would not start anyway: nothing to say.
  local outside = vim.fn.tempname() .. '/loose/readme.md'
  vim.fn.mkdir(vim.fs.dirname(outside), 'p')
  vim.fn.writefile({ '# Not a note' }, outside)
  vim.cmd.edit(vim.fn.fnameescape(outside))
  check('nothing said outside a workspace', #said(0) == 0, table.concat(said(0), ' | '))

  -- Two notes of the workspace: one message, which says what to do.
  vim.cmd.edit(vim.fn.fnameescape(ws .. '/notes/a.md'))
  vim.cmd.edit(vim.fn.fnameescape(ws .. '/notes/b.md'))
  local note = vim.api.nvim_get_current_buf()
  vim.wait(300) -- a message scheduled by anything else would be here by now
  local messages = said(0)
  local message = messages[1] or ''
  check('told once', #messages == 1, ('%d messages: %s'):format(#messages, table.concat(messages, ' | ')))
  check('what to do', message:find('`marginalia` is not on PATH', 1, true) ~= nil
    and message:find('cargo install marginalia', 1, true) ~= nil
    and message:find("vim.lsp.config('marginalia', { cmd = {", 1, true) ~= nil, message)
  check('no client', #vim.lsp.get_clients({ name = 'marginalia' }) == 0,
    #vim.lsp.get_clients({ name = 'marginalia' }) .. ' clients')

  -- :checkhealth marginalia says it as an error, with the same advice.
  vim.cmd('checkhealth marginalia')
  local report = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  check('checkhealth', report:find('ERROR the server cannot be started: `marginalia` is not on PATH', 1, true) ~= nil
    and report:find('cargo install marginalia', 1, true) ~= nil,
    report:match('[^\n]*cannot be started[^\n]*') or report:sub(1, 300))

  -- Done what it says: the path given with vim.lsp.config, and the note read again with :edit.
  vim.lsp.config('marginalia', { cmd = { h.bin, 'lsp' } })
  vim.cmd.buffer(note)
  vim.cmd.edit()
  local attached = vim.wait(T, function() return h.attached ~= nil end, 20)
  check('then :edit starts it', attached and h.attached.root_dir == ws and #said(0) == 1,
    ('root %s, %d messages'):format(h.attached and h.attached.root_dir, #said(0)))
  finish()
end

h.run(run)
