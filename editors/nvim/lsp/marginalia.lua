-- The marginalia language server for Neovim 0.11's `vim.lsp.enable('marginalia')` (see |lsp-config|): Neovim reads
-- this file when the server's configuration is first needed. It is the plugin's client configuration
-- (require('marginalia').client_config(), from the options of M.defaults or of setup()):
--
--   cmd                 { 'marginalia', 'lsp' }, or the path given to setup()
--   filetypes           { 'markdown', 'text', 'html' }: notes, and articles (text files, saved web pages)
--   root_markers        { 'marginalia.toml', 'sources' }: a workspace, found as the server finds it
--   workspace_required  true: not started for a note outside a workspace
--   init_options        { sourceTextDocuments = true }: the plugin opens `marginalia:` documents (PDF texts)
--
-- Change any of it with your own `vim.lsp.config('marginalia', { … })`, which takes precedence over this file.

---@type vim.lsp.Config
return require('marginalia').client_config()
