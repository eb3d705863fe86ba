;;; marginalia-eglot.el --- Use the marginalia language server for Markdown notes with eglot  -*- lexical-binding: t; -*-

;; Load this file (or copy its two forms into your init file) to start marginalia in Markdown notes.
;; The `marginalia' binary must be on `exec-path'.

;;; Code:

(require 'eglot)

(add-to-list 'eglot-server-programs '(markdown-mode . ("marginalia" "lsp")))
(add-hook 'markdown-mode-hook #'eglot-ensure)

(provide 'marginalia-eglot)
;;; marginalia-eglot.el ends here
