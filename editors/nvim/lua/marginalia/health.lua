-- :checkhealth marginalia
local M = {}

function M.check()
  local marginalia = require('marginalia')
  local health = vim.health
  health.start('marginalia')

  if vim.fn.has('nvim-0.10') == 0 then
    health.error('Neovim 0.10 or later is required')
  elseif vim.lsp.config and vim.lsp.enable then
    health.ok('Neovim ' .. tostring(vim.version()) .. ': the server is registered with vim.lsp.config')
  else
    health.ok('Neovim ' .. tostring(vim.version()) .. ': the server is started with vim.lsp.start')
  end

  local binary = marginalia.config.cmd[1]
  local path = vim.fn.exepath(binary)
  if path == '' then
    health.error(('`%s` is not on PATH'):format(binary), {
      'Install it with `cargo install --path .` in the marginalia repository,',
      'or pass the full path: require("marginalia").setup({ cmd = { "/path/to/marginalia", "lsp" } })',
    })
  else
    local version = vim.system({ path, '--version' }, { text = true }):wait()
    if version.code == 0 then
      health.ok(('%s (%s)'):format(vim.trim(version.stdout), path))
    else
      health.error(('%s --version failed: %s'):format(path, version.stderr or ''))
    end
  end

  local clients = vim.lsp.get_clients({ name = 'marginalia' })
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
