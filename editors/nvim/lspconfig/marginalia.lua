---@brief
---
--- https://github.com/marginalia-lsp/marginalia
---
--- marginalia is a language server for Markdown research notes that cite their sources: it completes source ids
--- (`[@source-id]`), quotations of an article and `[[Entity]]` names, checks that every quotation is in its article,
--- and leads from a quotation to the article and back.
---
--- Install it with Cargo:
--- ```sh
--- cargo install marginalia
--- ```
---
--- The server starts only inside a marginalia workspace: a folder with `marginalia.toml` or a `sources/` folder
--- (`marginalia.toml` first, as the server itself decides). The `text` and `html` filetypes are the articles
--- (text files and saved web pages in `sources/`), where references list the notes that quote a sentence.
---
--- The server's options are initialization options, for example:
--- ```lua
--- vim.lsp.config('marginalia', {
---   init_options = { diagnostics = 'onSave', inlayHints = false },
--- })
--- ```

---@type vim.lsp.Config
return {
  cmd = { 'marginalia', 'lsp' },
  filetypes = { 'markdown', 'text', 'html' },
  root_markers = { 'marginalia.toml', 'sources' },
  workspace_required = true,
}
