-- :checkhealth marginalia: the Neovim version and how the server is started, the server program and its version,
-- and the workspace of each running client.
local M = {}

function M.check()
  local marginalia = require('marginalia')
  local health = vim.health
  health.start('marginalia')

  if vim.fn.has('nvim-0.10') == 0 then
    health.error('Neovim 0.10 or later is required')
  elseif vim.lsp.enable then
    local version = 'Neovim ' .. tostring(vim.version())
    if not vim.lsp.is_enabled then
      health.info(version .. ": the server starts after vim.lsp.enable('marginalia') (or setup())")
    elseif vim.lsp.is_enabled(marginalia.name) then
      health.ok(version .. ": the server is enabled (vim.lsp.enable('marginalia'))")
    else
      health.warn(version .. ': the server is not enabled', {
        "Add vim.lsp.enable('marginalia') to your configuration (or call require('marginalia').setup())",
      })
    end
    for _, file in ipairs(vim.api.nvim_get_runtime_file('lsp/marginalia.lua', true)) do
      health.info('configuration: ' .. file)
    end
  else
    health.ok('Neovim ' .. tostring(vim.version()) .. ': the server is started with vim.lsp.start by setup()')
  end

  local cmd = marginalia.server_config().cmd
  if type(cmd) ~= 'table' then
    health.info('the server command is a function of your configuration: not checked')
  else
    local problem = marginalia.unstartable(cmd)
    if problem then
      health.error(('the server cannot be started: %s'):format(problem), marginalia.install_advice())
    else
      local path = vim.fn.exepath(cmd[1])
      local version = vim.system({ path, '--version' }, { text = true }):wait()
      if version.code == 0 then
        health.ok(('%s (%s)'):format(vim.trim(version.stdout), path))
      else
        health.error(('%s --version failed: %s'):format(path, version.stderr or ''), marginalia.install_advice())
      end
    end
  end

  local clients = vim.lsp.get_clients({ name = marginalia.name })
  for _, client in ipairs(clients) do
    local root = client.root_dir or '?'
    local config = vim.fs.joinpath(root, 'marginalia.toml')
    health.ok(('workspace: %s%s'):format(root, vim.uv.fs_stat(config) and ' (marginalia.toml)' or ' (sources/)'))
  end
  if #clients == 0 then
    local root = marginalia.root(vim.fn.bufnr('#') > 0 and vim.fn.bufnr('#') or 0)
    if root then
      health.info(('workspace %s found, but no client is running yet: open a Markdown note in it'):format(root))
    else
      health.info('no client is running: open a Markdown note in a folder with marginalia.toml or sources/')
    end
  end
end

return M
