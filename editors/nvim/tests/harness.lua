-- What the headless Neovim end-to-end scripts share (loaded with dofile by each of them): the environment they are
-- given, PASS/FAIL lines with a closing `N passed, N failed`, the plugin loaded and set up with setup() (for the
-- scripts that ask), requests to the server, and the run from VimEnter under a watchdog.
local M = {}

M.plugin = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h:h')
M.bin = assert(os.getenv('MARGINALIA_BIN'), 'MARGINALIA_BIN is not set')
M.ws = assert(os.getenv('MARGINALIA_WS'), 'MARGINALIA_WS is not set')
M.T = tonumber(os.getenv('E2E_TIMEOUT_MS') or '') or 15000
M.ARTICLE = '000_cf61e6d1027e3aa9'

local t0 = vim.uv.hrtime()
local failures, checks = 0, 0

function M.out(s) io.stdout:write(s .. '\n') end
function M.ms() return math.floor((vim.uv.hrtime() - t0) / 1e6) end

--- One PASS/FAIL line; returns `ok`.
function M.check(name, ok, detail)
  checks = checks + 1
  M.out(('%s %-26s %5d ms  %s'):format(ok and 'PASS' or 'FAIL', name, M.ms(), tostring(detail or ''):gsub('\n', ' ')))
  if not ok then failures = failures + 1 end
  return ok
end

function M.finish()
  M.out(('%d passed, %d failed'):format(checks - failures, failures))
  vim.cmd(failures == 0 and 'qall!' or 'cquit! 1')
end

--- What Neovim told the user through vim.notify (errors from the server land here), oldest first.
M.notified = {}
local notify = vim.notify
vim.notify = function(msg, level, opts)
  table.insert(M.notified, tostring(msg))
  return notify(msg, level, opts)
end

vim.o.showmode = false
vim.o.swapfile = false
vim.opt.shortmess:append('c')
--- Loads the plugin the way a plugin manager does, then configures it with setup() and the server's full path (the
--- way of Neovim 0.10, which works on 0.11 too). enable.lua does without: the plugin on 'runtimepath' and
--- vim.lsp.enable() only.
function M.setup_plugin()
  vim.opt.runtimepath:prepend(M.plugin)
  vim.cmd('runtime! plugin/marginalia.lua')
  require('marginalia').setup({ cmd = { M.bin, 'lsp' } })
end

vim.api.nvim_create_autocmd('LspAttach', {
  callback = function(a) M.attached = M.attached or vim.lsp.get_client_by_id(a.data.client_id) end,
})

--- Edits `path` and waits until the server attached; checks it (a failed attach ends the run).
function M.open(path)
  vim.cmd.edit(vim.fn.fnameescape(path))
  local attached = vim.wait(M.T, function() return M.attached ~= nil end, 20)
  if not M.check('attach', attached,
      M.attached and (M.attached.name .. ' at ' .. (M.attached.root_dir or '?')) or 'no client attached') then
    M.finish()
    return nil
  end
  return vim.api.nvim_get_current_buf()
end

--- The result of a request to the server, or nil and the error.
function M.request(buf, method, params)
  local res, err = vim.lsp.buf_request_sync(buf, method, params, M.T)
  for _, r in pairs(res or {}) do
    if r.result then return r.result end
    if r.err then err = r.err.message or vim.inspect(r.err) end
  end
  return nil, err
end

--- The first diagnostic of `buf` with `code`, waited for up to T; nil when none came.
function M.await_diagnostic(buf, code)
  local found
  vim.wait(M.T, function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.code == code then found = d end
    end
    return found ~= nil
  end, 20)
  return found
end

--- The text of the hover at `params` in `buf` once it contains `needle` (retried while the index gets ready), or
--- the last text within T.
function M.hover_until(buf, params, needle)
  local text = ''
  vim.wait(M.T, function()
    local hover = M.request(buf, 'textDocument/hover', params)
    text = hover and hover.contents.value or ''
    return text:find(needle, 1, true) ~= nil
  end, 100)
  return text
end

--- Runs `fn` once Neovim has started; an error in it is a failure, and the whole run has 8·T to finish.
function M.run(fn)
  vim.api.nvim_create_autocmd('VimEnter', {
    once = true,
    callback = function()
      vim.schedule(function()
        local ok, err = xpcall(fn, debug.traceback)
        if not ok then
          M.out('ERROR ' .. tostring(err))
          failures = failures + 1
          M.finish()
        end
      end)
    end,
  })
  vim.defer_fn(function()
    M.out('TIMEOUT: the whole test took over ' .. (M.T * 8) .. ' ms')
    vim.cmd('cquit! 2')
  end, M.T * 8)
end

return M
