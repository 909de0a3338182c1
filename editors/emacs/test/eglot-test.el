;;; eglot-test.el --- Batch test: newsmark-mode, eglot and flymake against `newsmark lsp'  -*- lexical-binding: t; -*-

;; Run by editors/emacs/test/run.sh:
;;
;;   emacs --batch -Q -l editors/emacs/test/eglot-test.el
;;
;; Environment:
;;   NEWSMARK          absolute path of the newsmark binary (required)
;;   NEWSMARK_E2E_DIR  a scratch copy of examples/kursk (required)
;;   NEWSMARK_E2E_TIMEOUT  seconds to wait for each server answer (default 30)
;;
;; Prints `PASS <step>' or `FAIL <step>: <why>' per step and a last line
;; `N passed, M failed' on standard output; exits 0 only when every step passed.

;;; Code:

(require 'cl-lib)
(require 'subr-x)

;; Debian's elpa-eglot (Emacs 28) installs under /usr/share/emacs/site-lisp/elpa,
;; which -Q does not activate; Emacs 29 and later have eglot built in.
(require 'package)
(dolist (dir '("/usr/share/emacs/site-lisp/elpa" "/usr/share/emacs/site-lisp/elpa-src"))
  (when (file-directory-p dir)
    (add-to-list 'package-directory-list dir)))
(package-initialize)

(defconst nm-test-dir
  (file-name-directory (or load-file-name buffer-file-name)))
(add-to-list 'load-path (expand-file-name ".." nm-test-dir))

(defconst nm-server (or (getenv "NEWSMARK") (error "NEWSMARK is not set")))
(defconst nm-dir (file-name-as-directory
                  (file-truename (or (getenv "NEWSMARK_E2E_DIR") (error "NEWSMARK_E2E_DIR is not set")))))
(defconst nm-timeout (string-to-number (or (getenv "NEWSMARK_E2E_TIMEOUT") "30")))
(defconst nm-article (expand-file-name "kursk-pows.news" nm-dir))
(defconst nm-registry (expand-file-name "entities.news" nm-dir))

;; The three findings of examples/README.md: exactly these, nothing else.
(defconst nm-expected-diagnostics
  '("incomplete-source@39" "vague-attribution@17" "vague-attribution@23"))

(defvar nm-passed 0)
(defvar nm-failed 0)
(defvar nm-buffer nil)
(defvar nm-server-object nil)

(defun nm-out (fmt &rest args)
  "Print FMT with ARGS and a newline on standard output."
  (princ (concat (apply #'format fmt args) "\n")))

(defmacro nm-step (name &rest body)
  "Run BODY as the test step NAME; an error in it fails the step."
  (declare (indent 1))
  `(condition-case err
       (progn ,@body
              (setq nm-passed (1+ nm-passed))
              (nm-out "PASS %s" ,name))
     (error
      (setq nm-failed (1+ nm-failed))
      (nm-out "FAIL %s: %s" ,name (error-message-string err)))))

(defun nm-wait (what pred)
  "Wait until PRED returns non-nil, running timers and process output.
Signal an error naming WHAT (a function returning a description of the
current state) after `nm-timeout' seconds."
  (let ((deadline (+ (float-time) nm-timeout)))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.03)
      ;; File notifications (eglot's watchers) arrive as events, which batch
      ;; Emacs handles only while reading one; the command loop would.
      (read-event nil nil 0.02))
    (or (funcall pred)
        (error "timed out after %ss waiting for %s" nm-timeout (funcall what)))))

(defun nm-line-of (needle)
  "Line number of the first line of the current buffer holding NEEDLE."
  (save-excursion
    (goto-char (point-min))
    (unless (search-forward needle nil t)
      (error "no line contains %s" needle))
    (line-number-at-pos)))

(defun nm-diagnostics ()
  "The flymake diagnostics of the article as sorted \"rule@line\" strings."
  (with-current-buffer nm-buffer
    (sort (mapcar
           (lambda (d)
             (let* ((lsp (alist-get 'eglot-lsp-diag (flymake-diagnostic-data d)))
                    (code (or (plist-get lsp :code)
                              (and (string-match "\\[\\([a-z-]+\\)\\]" (flymake-diagnostic-text d))
                                   (match-string 1 (flymake-diagnostic-text d))))))
               (format "%s@%d" code (line-number-at-pos (flymake-diagnostic-beg d)))))
           (flymake-diagnostics))
          #'string<)))

;;;; Steps

(nm-out "# %s; eglot %s; server %s" (car (split-string (emacs-version) "\n"))
        (or (locate-library "eglot") "missing") nm-server)

(nm-step "load"
  ;; newsmark first: its eglot registration must run when eglot loads.
  (require 'newsmark)
  (require 'eglot)
  (let ((entry (assq 'newsmark-mode eglot-server-programs)))
    (unless entry (error "no newsmark-mode entry in eglot-server-programs"))
    (let ((contact (cdr entry)))
      (unless (equal (if (functionp contact) (funcall contact nil) contact) '("newsmark" "lsp"))
        (error "default contact is %S" contact))))
  (setq newsmark-server-command (list nm-server "lsp"))
  (unless (equal (newsmark-eglot-contact nil) (list nm-server "lsp"))
    (error "newsmark-server-command is not respected")))

;; The server's rule, which `newsmark check' follows too: the nearest
;; newsmark.toml, else the nearest .git (a directory, or a file as in a
;; submodule), else the file's directory.  No server is started here.
(nm-step "project root"
  (let* ((top (file-name-as-directory (file-truename (make-temp-file "newsmark-root" t))))
         (put (lambda (file &optional text)
                (let ((path (expand-file-name file top)))
                  (make-directory (file-name-directory path) t)
                  (write-region (or text "") nil path nil 'silent))))
         (root-of (lambda (file)
                    (let ((buffer (find-file-noselect (expand-file-name file top))))
                      (unwind-protect
                          (with-current-buffer buffer
                            (unless (eq major-mode 'newsmark-mode)
                              (error "%s opens in %s" file major-mode))
                            ;; As eglot does: no project is the file's directory.
                            (let ((project (project-current)))
                              (file-name-as-directory
                               (file-truename (if project (project-root project) default-directory)))))
                        (kill-buffer buffer))))))
    (unwind-protect
        (progn
          (make-directory (expand-file-name "repo/.git" top) t)
          (funcall put "repo/entities.news")
          (funcall put "repo/desk/story.news")
          (funcall put "repo/module/.git" "gitdir: ../.git/modules/module\n")
          (funcall put "repo/module/desk/c.news")
          (funcall put "repo/paper/newsmark.toml")
          (funcall put "repo/paper/sub/.git" "gitdir: ../../.git/modules/sub\n")
          (funcall put "repo/paper/sub/desk/b.news")
          (funcall put "loose/a.news")
          (dolist (check '(("repo/desk/story.news" . "repo/")
                           ("repo/module/desk/c.news" . "repo/module/")
                           ("repo/paper/sub/desk/b.news" . "repo/paper/")
                           ("loose/a.news" . "loose/")))
            (let ((got (funcall root-of (car check)))
                  (want (expand-file-name (cdr check) top)))
              (unless (equal got want)
                (error "root of %s is %s, expected %s" (car check) got want)))))
      (delete-directory top t))))

(nm-step "mode"
  (setq nm-buffer (find-file-noselect nm-article))
  (with-current-buffer nm-buffer
    (unless (eq major-mode 'newsmark-mode) (error "major mode is %s" major-mode))
    (unless (equal comment-start "<!-- ") (error "comment-start is %S" comment-start))
    (unless (equal comment-end " -->") (error "comment-end is %S" comment-end)))
  (let ((mode (assoc-default "/x/draft.news.md" auto-mode-alist #'string-match)))
    (unless (eq mode 'newsmark-mode) (error "*.news.md opens in %s" mode)))
  (with-temp-buffer
    (insert "A line\n")
    (newsmark-mode)
    (comment-region (point-min) (1- (point-max)))
    (unless (equal (buffer-string) "<!-- A line -->\n")
      (error "comment-region gives %S" (buffer-string)))))

(nm-step "font-lock"
  (with-current-buffer nm-buffer
    (font-lock-mode 1)
    (font-lock-ensure)
    (dolist (check '(("title:" 0 newsmark-front-matter-key-face)
                     ("# North Korean" 3 newsmark-heading-face)
                     ("alongside @Russia" 11 newsmark-mention-face)
                     ("(@blinken)" 1 newsmark-mention-face)
                     ("[Antony Blinken]" 1 newsmark-link-mention-face)
                     (".[^general-staff-2025-01-07]" 3 newsmark-citation-face)
                     ("status=reported" 8 newsmark-enum-face)
                     ("newsmark-disable-next-line" 0 newsmark-suppression-face)
                     ("The headline goes" 0 font-lock-comment-face)
                     ("[^micek-identification]:" 2 newsmark-definition-label-face)
                     ("  kind: expert" 2 newsmark-field-name-face)))
      (goto-char (point-min))
      (unless (search-forward (car check) nil t)
        (error "no text %S" (car check)))
      (let* ((pos (+ (match-beginning 0) (nth 1 check)))
             (face (get-text-property pos 'face)))
        (unless (memq (nth 2 check) (if (listp face) face (list face)))
          (error "face at %S is %S, expected %s" (car check) face (nth 2 check)))))))

(nm-step "eglot connects"
  (with-current-buffer nm-buffer
    (setq eglot-autoreconnect nil)
    (apply #'eglot (eglot--guess-contact))
    (nm-wait (lambda () "eglot to manage the article")
             (lambda () (and (eglot-current-server)
                             (bound-and-true-p eglot--managed-mode))))
    (setq nm-server-object (eglot-current-server))
    (let ((root (file-name-as-directory
                 (file-truename (project-root (eglot--project nm-server-object))))))
      (unless (equal root nm-dir)
        (error "project root %s, expected %s" root nm-dir)))
    (let ((command (process-command (jsonrpc--process nm-server-object))))
      (unless (equal (car command) nm-server)
        (error "server started as %S" command)))))

(nm-step "flymake diagnostics"
  (unless nm-server-object (error "no server"))
  (with-current-buffer nm-buffer
    (unless (bound-and-true-p flymake-mode) (error "flymake-mode is off"))
    ;; Batch Emacs has no command loop, so Flymake's deferred start never
    ;; comes: start it by hand; eglot then reports each publishDiagnostics.
    (flymake-start)
    (nm-wait (lambda () (format "diagnostics %S, have %S" nm-expected-diagnostics (nm-diagnostics)))
             (lambda () (equal (nm-diagnostics) nm-expected-diagnostics)))
    (dolist (d (flymake-diagnostics))
      (unless (eq (flymake-diagnostic-type d) 'eglot-warning)
        (error "diagnostic %S is of type %s" (flymake-diagnostic-text d) (flymake-diagnostic-type d))))))

(nm-step "xref definition"
  (unless nm-server-object (error "no server"))
  (with-current-buffer nm-buffer
    (goto-char (point-min))
    (search-forward "(@blinken)")
    (goto-char (+ (match-beginning 0) 3))
    (let* ((id (xref-backend-identifier-at-point 'eglot))
           (defs (xref-backend-definitions 'eglot id))
           (loc (and defs (xref-item-location (car defs))))
           (file (and loc (xref-location-group loc)))
           (line (and loc (xref-location-line loc)))
           (want (with-temp-buffer (insert-file-contents nm-registry) (nm-line-of "[@blinken]:"))))
      (unless (and file (string-suffix-p "/entities.news" file) (equal line want))
        (error "definition at %S:%S, expected entities.news:%d" file line want)))))

;; Completion as eglot's `completion-at-point' does it: the items are filtered
;; by a case-sensitive prefix of their filterText, the chosen one's insertText
;; goes in, and its textEdit replaces it on exit.
(defun nm-complete (typed)
  "Complete at the end of TYPED on a scratch line; return the line after it."
  (with-current-buffer nm-buffer
    (goto-char (point-min))
    (search-forward "[^micek-identification]:")
    (beginning-of-line)
    (let ((start (point)))
      (insert typed "\n\n")
      (unwind-protect
          (progn
            (goto-char (+ start (length typed)))
            (eglot--signal-textDocument/didChange)
            (let ((completion-auto-help nil))
              (completion-at-point))
            (buffer-substring-no-properties (line-beginning-position) (line-end-position)))
        (goto-char start)
        (delete-region start (progn (forward-line 2) (point)))
        (eglot--signal-textDocument/didChange)))))

(nm-step "completion by name"
  (unless nm-server-object (error "no server"))
  (dolist (case '(("He met @Ant" . "He met @blinken")
                  ("He met @Antony" . "He met @blinken")
                  ("Troops of @DPRK" . "Troops of @north-korea")
                  ("He met @Blin" . "He met @blinken")))
    (let ((got (nm-complete (car case))))
      (unless (equal got (cdr case))
        (error "completing %S gives %S, expected %S" (car case) got (cdr case))))))

;; eglot sends the diagnostics under the region as the context: with the
;; line selected, the fix of a finding further along it is offered.
(nm-step "quick fix for a finding further along the line"
  (unless nm-server-object (error "no server"))
  (with-current-buffer nm-buffer
    (goto-char (point-min))
    (forward-line 22)
    (let* ((actions (eglot-code-actions (line-beginning-position) (line-end-position) "quickfix"))
           (cite (cl-find-if (lambda (a) (string-prefix-p "Cite [^" (plist-get a :title))) actions)))
      (unless cite
        (error "no Cite action; got %S" (mapcar (lambda (a) (plist-get a :title)) actions)))
      (eglot--apply-workspace-edit (plist-get cite :edit))
      (eglot--signal-textDocument/didChange)
      (let ((want '("incomplete-source@39" "vague-attribution@17")))
        (nm-wait (lambda () (format "diagnostics %S, have %S" want (nm-diagnostics)))
                 (lambda () (equal (nm-diagnostics) want)))))))

;; M-x newsmark-preview: the server renders the buffer as it is (an unsaved
;; edit included), the page goes to a file handed to `browse-url-of-file'
;; (stubbed: no browser here), and a later edit rewrites that file.
(nm-step "preview"
  (unless nm-server-object (error "no server"))
  (with-current-buffer nm-buffer
    (let ((opened nil)
          (newsmark-preview-delay 0.1)
          (end (point-max)))
      (unwind-protect
          (cl-letf (((symbol-function 'browse-url-of-file)
                     (lambda (file) (push file opened))))
            (goto-char (point-max))
            (insert "\nUnsaved preview words about @tuva.\n")
            (newsmark-preview)
            (unless (= (length opened) 1) (error "browse-url-of-file called %d times" (length opened)))
            (let* ((file (car opened))
                   (page (with-temp-buffer
                           (insert-file-contents file)
                           (buffer-string)))
                   (visible (replace-regexp-in-string
                             "<[^>]*>" ""
                             (replace-regexp-in-string
                              "<\\(script\\|style\\)[^>]*>\\(.\\|\n\\)*?</\\1>" "" page))))
              (unless (string-suffix-p ".html" file) (error "not an .html file: %s" file))
              (unless (string-prefix-p "<!DOCTYPE html>" page) (error "not a page: %s" (substring page 0 100)))
              (unless (string-match-p "Unsaved preview words about" page)
                (error "the unsaved edit is not in the page"))
              (dolist (syntax '("[^" "](@" "{^" "status=" "<!--"))
                (when (string-match-p (regexp-quote syntax) visible)
                  (error "annotation syntax %s in the page" syntax)))
              (when (string-match "@[[:alpha:]][[:alnum:]_-]*" visible)
                (error "a raw mention in the page: %s" (match-string 0 visible)))
              ;; Following the buffer: an edit rewrites the same file.
              (goto-char (point-max))
              (insert "\nA second unsaved paragraph.\n")
              (nm-wait (lambda () "the preview file to hold the second edit")
                       (lambda ()
                         (with-temp-buffer
                           (insert-file-contents file)
                           (string-match-p "A second unsaved paragraph" (buffer-string)))))
              (unless (= (length opened) 1) (error "the page was opened again"))))
        (delete-region end (point-max))
        (set-buffer-modified-p nil)
        (eglot--signal-textDocument/didChange)))))

(defun nm-write-as-git (file text)
  "Write TEXT to FILE as git does: a new file renamed over the old one."
  (let ((tmp (concat file ".lock")))
    (write-region text nil tmp nil 'silent)
    (rename-file tmp file t)))

;; A registry changed behind Emacs's back (a `git checkout'): eglot watches
;; files for the server (workspace/didChangeWatchedFiles).
(nm-step "registry changed on disk"
  (unless nm-server-object (error "no server"))
  (let* ((original (with-temp-buffer (insert-file-contents nm-registry) (buffer-string)))
         (without (replace-regexp-in-string "^\\[@micek\\]:[^[]*" "" original))
         (has-micek-error
          (lambda ()
            (with-current-buffer nm-buffer
              (cl-some (lambda (d)
                         (let ((lsp (alist-get 'eglot-lsp-diag (flymake-diagnostic-data d))))
                           (and (equal (plist-get lsp :code) "undefined-entity")
                                (string-match-p "micek" (flymake-diagnostic-text d)))))
                       (flymake-diagnostics))))))
    (when (equal without original) (error "no [@micek] entry to remove"))
    (nm-write-as-git nm-registry without)
    (nm-wait (lambda () (format "an undefined-entity for @micek, have %S" (nm-diagnostics)))
             has-micek-error)
    (nm-write-as-git nm-registry original)
    (nm-wait (lambda () (format "no finding for @micek, have %S" (nm-diagnostics)))
             (lambda () (not (funcall has-micek-error))))))

(nm-out "%d passed, %d failed" nm-passed nm-failed)

(when nm-server-object
  (ignore-errors (eglot-shutdown nm-server-object)))
(kill-emacs (if (and (zerop nm-failed) (> nm-passed 0)) 0 1))

;;; eglot-test.el ends here
