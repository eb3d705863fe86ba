-- marginalia for Neovim, loaded at startup from 'runtimepath': what the plugin does however the server is started.
-- On Neovim 0.11 that is `vim.lsp.enable('marginalia')` with the configuration in lsp/marginalia.lua, and no setup
-- call; on 0.10, require('marginalia').setup().
--
-- The autocommands below are what vim.lsp.enable alone would miss: the plugin's part of each buffer the server
-- attaches to, the reader of `marginalia:` documents (the text of a PDF, which lsp/marginalia.lua tells the server
-- this plugin can open), and a message when the server cannot be started. Each loads the plugin's module only when
-- it has something to do.
if vim.g.loaded_marginalia then
  return
end
vim.g.loaded_marginalia = true

local group = vim.api.nvim_create_augroup('marginalia', { clear = true })

vim.api.nvim_create_autocmd('LspAttach', {
  group = group,
  desc = 'marginalia: completion in notes, the lens in articles',
  callback = function(args)
    local client = vim.lsp.get_client_by_id(args.data.client_id)
    if client and client.name == 'marginalia' then
      require('marginalia').on_attach(client, args.buf)
    end
  end,
})

vim.api.nvim_create_autocmd('BufReadCmd', {
  group = group,
  pattern = 'marginalia://*',
  desc = 'marginalia: the text the server extracted from a PDF',
  callback = function(args) require('marginalia').read_source_text(args.buf) end,
})

-- Neovim 0.11 does not start a server whose program is missing or not executable, and says so only in its LSP log:
-- where the server would start, the user is told once what to do. (On 0.10, setup() checks before starting; a
-- Neovim without vim.lsp.is_enabled, 0.11.0, cannot tell whether the server is enabled, and :checkhealth says it.)
vim.api.nvim_create_autocmd('FileType', {
  group = group,
  desc = 'marginalia: say once why the server cannot be started',
  callback = function(args)
    if vim.lsp.is_enabled and vim.lsp.is_enabled('marginalia') then
      require('marginalia').can_start(args.buf)
    end
  end,
})

vim.api.nvim_create_user_command('MarginaliaCheck', function()
  require('marginalia').check()
end, { desc = 'Check every note of the workspace and fill the quickfix list' })
