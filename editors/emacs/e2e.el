;;; e2e.el --- Batch test of the eglot snippet against the real marginalia server  -*- lexical-binding: t; -*-

;; emacs --batch -l e2e.el, with MARGINALIA_BIN (the server) and MARGINALIA_WS (a git-initialised workspace
;; with the sample articles in sources/ and notes/e2e.md). Prints one PASS/FAIL line per check and
;; `N passed, N failed'; exits 0 only when every check passed.

;;; Code:

(require 'markdown-mode)
(setq load-prefer-newer t)
(setq exec-path (cons (file-name-directory (getenv "MARGINALIA_BIN")) exec-path))
(setq eglot-sync-connect t)
(load (expand-file-name "marginalia-eglot.el" (file-name-directory load-file-name)) nil t)

(defvar e2e-passed 0)
(defvar e2e-failed 0)

(defun e2e-check (name ok detail)
  "Record the check NAME as passed when OK, printing DETAIL."
  (if ok (setq e2e-passed (1+ e2e-passed)) (setq e2e-failed (1+ e2e-failed)))
  (princ (format "%s %-26s %s\n" (if ok "PASS" "FAIL") name
                 (replace-regexp-in-string "\n" " " (format "%s" detail)))))

(defun e2e-wait (predicate seconds)
  "Process events until PREDICATE returns non-nil or SECONDS pass; return its value."
  (let ((deadline (+ (float-time) seconds)) value)
    (while (and (not (setq value (funcall predicate))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    value))

(defun e2e-finish ()
  "Print the totals and exit with their verdict."
  (princ (format "%d passed, %d failed\n" e2e-passed e2e-failed))
  (kill-emacs (if (and (> e2e-passed 0) (= e2e-failed 0)) 0 1)))

(condition-case err
    (let* ((ws (file-name-as-directory (getenv "MARGINALIA_WS")))
           (note (expand-file-name "notes/e2e.md" ws)))
      (find-file note)
      ;; In batch there is no command loop to run `eglot-ensure''s deferred start: run it now.
      (run-hooks 'post-command-hook)
      (let ((server (e2e-wait #'eglot-current-server 20)))
        (e2e-check "eglot connects" server (and server (eglot--project-nickname server))))
      ;; Hover on the quote of line 1, retried until the index is ready.
      (goto-char (point-min))
      (forward-char 40)
      (let ((hover (e2e-wait
                    (lambda ()
                      (let ((result (jsonrpc-request (eglot-current-server) :textDocument/hover
                                                     (eglot--TextDocumentPositionParams))))
                        (and result (plist-get (plist-get result :contents) :value))))
                    20)))
        (e2e-check "hover on a quote"
                   (and hover (string-match-p "to support its military operations in Ukraine" hover))
                   hover))
      ;; Completion after `[[Kir' on line 2.
      (goto-char (point-min))
      (forward-line 1)
      (end-of-line)
      (let* ((result (jsonrpc-request (eglot-current-server) :textDocument/completion
                                      (eglot--TextDocumentPositionParams)))
             (items (append (plist-get result :items) nil))
             (first (and items (plist-get (car items) :label))))
        (e2e-check "completion [[Kir" (equal first "John Kirby") first))
      ;; A wrong quote is reported by flymake after saving.
      (goto-char (point-min))
      (forward-line 2)
      (delete-region (line-beginning-position) (line-end-position))
      (insert "Wrong: [@000_cf61e6d1027e3aa9, \"Wagner is searching around the globe for arms suppliers\"].")
      (save-buffer)
      (let ((diagnostic
             (e2e-wait (lambda ()
                         (seq-find (lambda (d) (string-match-p "quote not found" (flymake-diagnostic-text d)))
                                   (flymake-diagnostics)))
                       20)))
        (e2e-check "diagnostic after save" diagnostic
                   (and diagnostic (flymake-diagnostic-text diagnostic))))
      (eglot-shutdown (eglot-current-server)))
  (error (e2e-check "no error" nil (error-message-string err))))
(e2e-finish)
;;; e2e.el ends here
