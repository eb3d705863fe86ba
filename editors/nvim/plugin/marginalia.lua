-- Commands of the marginalia plugin; the language server itself starts after require('marginalia').setup().
if vim.g.loaded_marginalia then
  return
end
vim.g.loaded_marginalia = true

vim.api.nvim_create_user_command('MarginaliaCheck', function()
  require('marginalia').check()
end, { desc = 'Check every note of the workspace and fill the quickfix list' })
