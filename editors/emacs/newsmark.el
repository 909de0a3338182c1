;;; newsmark.el --- Major mode for newsmark annotated news articles  -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "27.1"))
;; Keywords: languages, wp

;; This file is part of newsmark.

;;; Commentary:

;; `newsmark-mode' is a small major mode for `.news' files (and
;; `.news.md'): Markdown prose with newsmark's markup for entity mentions
;; (`@id', `[text](@id)'), source citations (`[^id]'), claim spans
;; (`[text]{^source @speaker status=reported}'), definitions (`[@id]: Name'
;; and `[^id]: Title' with indented `field: value' lines), front matter and
;; suppression comments (`<!-- newsmark-disable-next-line RULE -->').
;; See docs/markup.md.
;;
;; It registers the language server `newsmark lsp' with eglot:
;;
;;   (add-to-list 'load-path "/path/to/newsmark/editors/emacs")
;;   (require 'newsmark)
;;   (add-hook 'newsmark-mode-hook #'eglot-ensure)
;;
;; Diagnostics then show through Flymake; hover cards through ElDoc;
;; completion through `completion-at-point'; `xref-find-definitions',
;; `xref-find-references' and `eglot-rename' work on entities and sources.

;;; Code:

(require 'cl-lib)
(require 'subr-x)

(defgroup newsmark nil
  "Annotated news articles checked by newsmark."
  :group 'text
  :prefix "newsmark-")

(defcustom newsmark-server-command '("newsmark" "lsp")
  "Command line of the newsmark language server: program and arguments.
Read by eglot (through `newsmark-eglot-contact') each time a server
is started, so changing it takes effect on the next `eglot'."
  :type '(repeat string)
  :group 'newsmark)

(defcustom newsmark-root-marker "newsmark.toml"
  "File that marks a newsmark workspace root, or nil.
The project root eglot uses is the nearest directory above the file
holding it; when no directory above holds it, the nearest holding
`.git' (a directory, or a file in a worktree or submodule); else the
file's directory.  The server and `newsmark check' find a root the
same way, so the editor sees the workspace the checker does.  With
nil, project.el alone decides."
  :type '(choice (const :tag "None" nil) string)
  :group 'newsmark)

;;;; Faces

(defface newsmark-markup-face '((t (:inherit shadow)))
  "Brackets, braces and other punctuation of the markup.")
(defface newsmark-front-matter-delimiter-face '((t (:inherit font-lock-preprocessor-face)))
  "The `---' lines around front matter.")
(defface newsmark-front-matter-key-face '((t (:inherit font-lock-keyword-face)))
  "Keys of front matter.")
(defface newsmark-front-matter-value-face '((t (:inherit font-lock-string-face)))
  "Values of front matter.")
(defface newsmark-heading-face '((t (:inherit font-lock-function-name-face :weight bold)))
  "Heading text.")
(defface newsmark-mention-face '((t (:inherit font-lock-variable-name-face)))
  "Entity mentions `@id'.")
(defface newsmark-link-mention-face '((t (:inherit font-lock-variable-name-face :underline t)))
  "Display text of a link mention `[text](@id)'.")
(defface newsmark-citation-face '((t (:inherit font-lock-constant-face)))
  "Source citations `[^id]' and a claim's `^id'.")
(defface newsmark-claim-face '((t (:underline t)))
  "The text of a claim span (added to the faces already there).")
(defface newsmark-attribute-key-face '((t (:inherit font-lock-keyword-face)))
  "Keys in a claim's attribute list (`status=').")
(defface newsmark-attribute-value-face '((t (:inherit font-lock-string-face)))
  "Values in a claim's attribute list.")
(defface newsmark-enum-face '((t (:inherit font-lock-constant-face)))
  "Known values: `status=', `kind:' and dates.")
(defface newsmark-definition-label-face '((t (:inherit font-lock-function-name-face)))
  "The id of a definition `[@id]:' or `[^id]:'.")
(defface newsmark-definition-title-face '((t (:inherit font-lock-string-face)))
  "The name or title after a definition's label.")
(defface newsmark-field-name-face '((t (:inherit font-lock-keyword-face)))
  "Field names in a definition.")
(defface newsmark-field-value-face '((t))
  "Field values in a definition.")
(defface newsmark-field-error-face '((t (:inherit font-lock-warning-face)))
  "An indented definition line that is not `name: value'.")
(defface newsmark-suppression-face '((t (:inherit font-lock-preprocessor-face)))
  "Suppression comments `<!-- newsmark-disable … -->'.")
(defface newsmark-suppression-rule-face '((t (:inherit font-lock-constant-face)))
  "Rule ids in a suppression comment.")
(defface newsmark-code-face '((t (:inherit font-lock-string-face)))
  "Code spans and fenced code blocks.")
(defface newsmark-link-face '((t (:inherit link)))
  "Text of ordinary links, URLs and autolinks.")
(defface newsmark-url-face '((t (:inherit link)))
  "Link destinations and bare URLs.")
(defface newsmark-html-tag-face '((t (:inherit font-lock-builtin-face)))
  "One-line HTML tags.")
(defface newsmark-escape-face '((t (:inherit font-lock-builtin-face)))
  "Backslash escapes.")
(defface newsmark-list-marker-face '((t (:inherit font-lock-keyword-face)))
  "List item markers.")
(defface newsmark-italic-face '((t (:inherit italic)))
  "Emphasis `*text*' and `_text_'.")
(defface newsmark-bold-face '((t (:inherit bold)))
  "Strong emphasis `**text**' and `__text__'.")

;;;; Regular expressions

(defconst newsmark--id "[A-Za-z0-9]\\(?:[A-Za-z0-9_-]*[A-Za-z0-9]\\)?"
  "An entity or source id (docs/markup.md section 5).")

(defconst newsmark--definition-start-re
  (concat "^\\(\\[\\)\\([@^]" newsmark--id "\\)\\(\\]:\\)\\(.*\\)$")
  "The first line of a definition.")

(defconst newsmark--kinds
  '("person" "org" "place" "unit" "event" "work" "other"
    "official" "agency" "press" "expert" "witness" "document" "social" "anonymous")
  "Values of `kind:' for entities and sources.")

(defconst newsmark--statuses
  '("confirmed" "reported" "disputed" "unverified" "false")
  "Values of a claim's `status='.")

(defconst newsmark--opaque-faces
  '(font-lock-comment-face font-lock-comment-delimiter-face
    newsmark-code-face newsmark-suppression-face newsmark-suppression-rule-face
    newsmark-front-matter-delimiter-face newsmark-front-matter-key-face
    newsmark-front-matter-value-face newsmark-definition-label-face
    newsmark-definition-title-face newsmark-field-name-face newsmark-field-value-face
    newsmark-field-error-face newsmark-url-face newsmark-html-tag-face)
  "Faces of text that is not prose: no markup is looked for in it.")

;;;; Blocks: front matter, fenced code, definitions

(defun newsmark--front-matter-end ()
  "Position after the front matter, or nil when the file has none."
  (save-match-data
   (save-excursion
    (save-restriction
      (widen)
      (goto-char (point-min))
      (when (looking-at "---[ \t]*$")
        (forward-line 1)
        (let ((end nil))
          (while (and (not end) (not (eobp)))
            (cond ((looking-at "\\(?:---\\|\\.\\.\\.\\)[ \t]*$")
                   (setq end (line-end-position)))
                  ((looking-at "\\(?:[A-Za-z0-9_-]+:\\|[ \t]\\|[ \t]*$\\)")
                   (forward-line 1))
                  ;; No closing line: the front matter stops here.
                  (t (setq end (point)))))
          (or end (point-max))))))))

(defun newsmark--fenced-blocks (&optional upto)
  "List of (BEG . END) of the fenced code blocks starting before UPTO."
  (save-match-data
   (save-excursion
    (save-restriction
      (widen)
      (goto-char (or (newsmark--front-matter-end) (point-min)))
      (let ((blocks nil) (upto (or upto (point-max))))
        (while (and (< (point) upto)
                    (re-search-forward "^ \\{0,3\\}\\(`\\{3,\\}\\|~\\{3,\\}\\)" upto t))
          (let* ((beg (match-beginning 0))
                 (fence (match-string 1))
                 (close (format "^ \\{0,3\\}%s\\{%d,\\}[ \t]*$"
                                (regexp-quote (substring fence 0 1)) (length fence))))
            (forward-line 1)
            (let ((end (if (re-search-forward close nil t) (match-end 0) (point-max))))
              (push (cons beg end) blocks)
              (goto-char end))))
        (nreverse blocks))))))

(defun newsmark--definition-start (pos)
  "Start of the definition whose field lines hold POS, or nil."
  (save-match-data
    (save-excursion
      (goto-char pos)
      (beginning-of-line)
      (while (and (not (bobp)) (looking-at "[ \t]+[^ \t\n]"))
        (forward-line -1))
      (and (looking-at newsmark--definition-start-re) (point)))))

(defvar font-lock-beg)
(defvar font-lock-end)

(defun newsmark--extend-region ()
  "Extend the font-lock region to whole code blocks and definitions."
  (let ((changed nil))
    (let ((fm (newsmark--front-matter-end)))
      (when (and fm (< font-lock-beg fm))
        (setq font-lock-beg (point-min) changed t)))
    (dolist (block (newsmark--fenced-blocks font-lock-end))
      (when (and (< (car block) font-lock-beg) (> (cdr block) font-lock-beg))
        (setq font-lock-beg (car block) changed t))
      (when (and (< (car block) font-lock-end) (> (cdr block) font-lock-end))
        (setq font-lock-end (cdr block) changed t)))
    (let ((def (newsmark--definition-start font-lock-beg)))
      (when (and def (< def font-lock-beg))
        (setq font-lock-beg def changed t)))
    changed))

(defun newsmark--match-front-matter (limit)
  "Font-lock matcher for front matter lines before LIMIT."
  (let ((end (newsmark--front-matter-end)))
    (when (and end (< (point) end))
      (re-search-forward
       "^\\(?:\\(---\\|\\.\\.\\.\\)\\|\\([A-Za-z0-9_-]+\\)\\(:\\)\\(.*\\)\\)$"
       (min limit end) t))))

(defun newsmark--match-fenced-code (limit)
  "Font-lock matcher for fenced code blocks starting before LIMIT."
  (let ((found nil))
    (dolist (block (newsmark--fenced-blocks limit))
      (when (and (not found) (>= (car block) (point)))
        (setq found block)))
    (when found
      (set-match-data (list (car found) (cdr found)))
      (goto-char (cdr found))
      t)))

(defun newsmark--match-field (limit)
  "Font-lock matcher for field lines of definitions before LIMIT."
  (let ((found nil))
    (while (and (not found)
                (re-search-forward
                 "^[ \t]+\\(?:\\([A-Za-z0-9_-]+\\)\\(:\\)\\(.*\\)\\|\\([^ \t\n].*\\)\\)$"
                 limit t))
      (when (newsmark--definition-start (match-beginning 0))
        (setq found t)))
    found))

(defun newsmark--field-value-face ()
  "Face of the value of the field just matched."
  (let ((name (match-string 1))
        (value (string-trim (or (match-string 3) ""))))
    (cond ((and (equal name "kind") (member value newsmark--kinds)) 'newsmark-enum-face)
          ((and (member name '("date" "accessed"))
                (string-match-p "\\`[0-9]\\{4\\}\\(?:-[0-9][0-9]\\)\\{0,2\\}\\'" value))
           'newsmark-enum-face)
          ((and (equal name "by") (string-match-p (concat "\\`@" newsmark--id "\\'") value))
           'newsmark-mention-face)
          ((member name '("url" "archive")) 'newsmark-url-face)
          (t 'newsmark-field-value-face))))

;;;; Prose

(defun newsmark--opaque-p (pos)
  "Non-nil when POS is in text that is not prose (code, comment, …)."
  (let ((face (get-text-property pos 'face))
        (fm (newsmark--front-matter-end)))
    (or (and fm (< pos fm))
        (cl-some (lambda (f) (memq f newsmark--opaque-faces))
                 (if (listp face) face (list face)))
        (nth 4 (save-match-data (save-excursion (syntax-ppss pos)))))))

(defun newsmark--prose (regexp)
  "A font-lock matcher for REGEXP that skips matches outside prose."
  (lambda (limit)
    (let ((found nil))
      (while (and (not found) (re-search-forward regexp limit t))
        (unless (newsmark--opaque-p (match-beginning 0))
          (setq found t)))
      found)))

(defun newsmark--match-code-span (limit)
  "Font-lock matcher for code spans before LIMIT.
A run of backticks is closed by a run of the same length in the
same block (no blank line between)."
  (let ((found nil))
    (while (and (not found) (re-search-forward "`+" limit t))
      (let* ((open (match-beginning 0))
             (run (- (match-end 0) open))
             (bound (save-excursion
                      (if (re-search-forward "^[ \t]*$" nil t) (match-beginning 0) (point-max))))
             (close nil))
        (unless (or (eq (char-before open) ?\\) (newsmark--opaque-p open))
          (while (and (not close) (re-search-forward "`+" bound t))
            (when (= (- (match-end 0) (match-beginning 0)) run)
              (setq close (match-end 0))))
          (if close
              (progn (set-match-data (list open close))
                     (goto-char close)
                     (setq found t))
            (goto-char (+ open run))))))
    found))

(defconst newsmark--claim-re
  (concat "\\(\\[\\)"
          ;; The claim: text, escapes, a wrapped line, one level of brackets.
          "\\(\\(?:[^][\\\n]\\|\\\\.\\|\n[ \t]*[^][ \t\n\\]"
          "\\|\\[[^][\n]*\\]\\(?:([^()\n]*)\\)?\\)*\\)"
          "\\(\\]{\\)\\([^}\n]*\\)\\(}\\)")
  "A claim span `[text]{attributes}'.")

(defconst newsmark--mention-re
  (concat "\\(?:^\\|[[:space:]([{\"'“‘—–/*_]\\)\\(@" newsmark--id "\\)")
  "An entity mention `@id' (group 1).")

(defconst newsmark--font-lock-keywords
  `(;; Code first: nothing inside it is markup.
    (newsmark--match-fenced-code (0 'newsmark-code-face t))
    (newsmark--match-front-matter
     (1 'newsmark-front-matter-delimiter-face t t)
     (2 'newsmark-front-matter-key-face t t)
     (3 'newsmark-markup-face t t)
     (4 'newsmark-front-matter-value-face t t))
    (newsmark--match-code-span (0 'newsmark-code-face t))
    ;; Suppression comments (HTML comments are comments by syntax).
    ("<!--[ \t\n]*\\(newsmark-\\(?:disable-next-line\\|disable\\|enable\\)\\)\\>\\(\\(?:.\\|\n\\)*?\\)-->"
     (0 'newsmark-suppression-face t)
     ("\\<[a-z][a-z-]*[a-z]\\>"
      (progn (goto-char (match-beginning 2)) (match-end 2))
      (goto-char (match-end 0))
      (0 'newsmark-suppression-rule-face t)))
    ;; Definitions.
    (,newsmark--definition-start-re
     (1 'newsmark-markup-face t) (2 'newsmark-definition-label-face t)
     (3 'newsmark-markup-face t) (4 'newsmark-definition-title-face t))
    (newsmark--match-field
     (1 'newsmark-field-name-face t t)
     (2 'newsmark-markup-face t t)
     (3 (newsmark--field-value-face) t t)
     (4 'newsmark-field-error-face t t))
    ;; URLs, tags, escapes.
    (,(newsmark--prose "<\\(?:https?:\\|mailto:\\)[^>[:space:]]*>") (0 'newsmark-url-face))
    ;; A bare URL: sentence punctuation and an unbalanced `)' at the end
    ;; are not part of it.
    (,(newsmark--prose (concat "\\<\\(?:https?://\\|www\\.\\)"
                               "\\(?:[^][:space:]<>()]\\|([^()[:space:]<>]*)\\)*"
                               "\\(?:[^][:space:]<>()'\".,;:!?]\\|([^()[:space:]<>]*)\\)"))
     (0 'newsmark-url-face))
    (,(newsmark--prose "</?[A-Za-z][A-Za-z0-9-]*\\(?:[ \t][^<>\n]*\\)?/?>") (0 'newsmark-html-tag-face))
    (,(newsmark--prose "\\\\[]!-/:-@[\\^-`{-~]") (0 'newsmark-escape-face))
    ;; Link mentions, links and images, citations, mentions.
    (,(newsmark--prose (concat "\\(\\[\\)\\([^][\n]*\\)\\(\\]([ \t]*\\)\\(@" newsmark--id "\\)\\([ \t]*)\\)"))
     (1 'newsmark-markup-face) (2 'newsmark-link-mention-face)
     (3 'newsmark-markup-face) (4 'newsmark-mention-face) (5 'newsmark-markup-face))
    (,(newsmark--prose "!?\\(\\[\\)\\([^][\n]*\\)\\(\\](\\)\\([^)[:space:]]*\\)\\()\\)")
     (1 'newsmark-markup-face) (2 'newsmark-link-face)
     (3 'newsmark-markup-face) (4 'newsmark-url-face) (5 'newsmark-markup-face))
    (,(newsmark--prose (concat "\\[\\^" newsmark--id "\\]")) (0 'newsmark-citation-face))
    (,(newsmark--prose newsmark--mention-re) (1 'newsmark-mention-face))
    ;; Claim spans and their attributes.
    (,(newsmark--prose newsmark--claim-re)
     (1 'newsmark-markup-face) (2 'newsmark-claim-face append)
     (3 'newsmark-markup-face) (5 'newsmark-markup-face)
     (,(concat "\\(?:\\=\\|[ \t]\\)\\(?:\\(\\^" newsmark--id "\\)\\|\\(@" newsmark--id "\\)"
               "\\|\\([A-Za-z0-9_-]+\\)\\(=\\)\\(\"[^\"]*\"\\|[^ \t}\"]+\\)?\\)")
      (progn (goto-char (match-beginning 4)) (match-end 4))
      (goto-char (match-end 0))
      (1 'newsmark-citation-face nil t)
      (2 'newsmark-mention-face nil t)
      (3 'newsmark-attribute-key-face nil t)
      (4 'newsmark-markup-face nil t)
      (5 (if (and (equal (match-string 3) "status")
                  (member (match-string 5) newsmark--statuses))
             'newsmark-enum-face
           'newsmark-attribute-value-face)
         nil t)))
    ;; Emphasis (added to what is there, so `*@id*' stays a mention).
    (,(newsmark--prose "\\(?:^\\|[^*\\]\\)\\(\\*\\*[^*[:space:]]\\(?:.*?[^*[:space:]\\]\\)?\\*\\*\\)")
     (1 'newsmark-bold-face append))
    (,(newsmark--prose "\\(?:^\\|[^*\\]\\)\\(\\*[^*[:space:]]\\(?:[^*\n]*[^*[:space:]\\]\\)?\\*\\)\\(?:[^*]\\|$\\)")
     (1 'newsmark-italic-face append))
    (,(newsmark--prose "\\(?:^\\|[^[:alnum:]_\\]\\)\\(__[^_[:space:]]\\(?:.*?[^_[:space:]\\]\\)?__\\)\\(?:[^[:alnum:]_]\\|$\\)")
     (1 'newsmark-bold-face append))
    (,(newsmark--prose "\\(?:^\\|[^[:alnum:]_\\]\\)\\(_[^_[:space:]]\\(?:[^_\n]*[^_[:space:]\\]\\)?_\\)\\(?:[^[:alnum:]_]\\|$\\)")
     (1 'newsmark-italic-face append))
    ;; Blocks: headings, list and quote markers, breaks, table pipes.
    (,(newsmark--prose "^ \\{0,3\\}\\(#\\{1,6\\}\\)\\(?:[ \t]+\\(.*?\\)\\)?\\(?:[ \t]+#+\\)?[ \t]*$")
     (1 'newsmark-markup-face) (2 'newsmark-heading-face append t))
    (,(newsmark--prose "^[ \t]*\\([-*_]\\)\\(?:[ \t]*\\1\\)\\{2,\\}[ \t]*$") (0 'newsmark-markup-face))
    (,(newsmark--prose "^[ \t]*\\([-*+]\\|[0-9]\\{1,9\\}[.)]\\)[ \t]+[^ \t\n]") (1 'newsmark-list-marker-face))
    (,(newsmark--prose "^[ \t]*\\(>\\)") (1 'newsmark-markup-face))
    (,(newsmark--prose "^[ \t]*|.*$")
     ("\\(?:^\\|[^\\]\\)\\(|\\)" (progn (goto-char (match-beginning 0)) (match-end 0)) nil
      (1 'newsmark-markup-face))))
  "Font-lock keywords of `newsmark-mode'.")

;;;; Syntax

(defvar newsmark-mode-syntax-table
  (let ((st (make-syntax-table text-mode-syntax-table)))
    (modify-syntax-entry ?\" "." st)
    (modify-syntax-entry ?\\ "\\" st)
    st)
  "Syntax table of `newsmark-mode'.")

(defconst newsmark--syntax-propertize
  (syntax-propertize-rules
   ;; HTML comments, as in `sgml-mode': `<' of `<!--' and `>' of `-->'.
   ("\\(<\\)!--" (1 "< b"))
   ("--[ \t\n]*\\(>\\)" (1 "> b")))
  "Marks HTML comments for the syntax machinery.")

;;;; Project root and eglot

(declare-function project-try-vc "project" (dir))
(declare-function project-root "project" (project))

(defun newsmark--project-find (dir)
  "A project.el finder with the server's root rule, for DIR.
The nearest directory holding `newsmark-root-marker', else the nearest
holding `.git'.  For a `.git' root, project.el's VC project, which lists
files as git does, when its root is that one: in a submodule it is the
super-project, not the root the server uses."
  (when-let* ((marker newsmark-root-marker))
    (if-let* ((root (locate-dominating-file dir marker)))
        (cons 'transient (file-name-as-directory (expand-file-name root)))
      (when-let* ((root (locate-dominating-file dir ".git")))
        (let ((root (file-name-as-directory (expand-file-name root)))
              (vc (ignore-errors (project-try-vc dir))))
          (if (and vc (equal (file-truename (project-root vc)) (file-truename root)))
              vc
            (cons 'transient root)))))))

;;;###autoload
(defun newsmark-eglot-contact (&optional _interactive)
  "The eglot contact for `newsmark-mode': `newsmark-server-command'."
  (copy-sequence newsmark-server-command))

;;;###autoload
(with-eval-after-load 'eglot
  (when (boundp 'eglot-server-programs)
    (add-to-list 'eglot-server-programs '(newsmark-mode . newsmark-eglot-contact))))

;;;; Preview

(declare-function eglot-current-server "eglot" ())
(declare-function eglot--TextDocumentIdentifier "eglot" ())
(declare-function eglot--signal-textDocument/didChange "eglot" ())
(declare-function jsonrpc-request "jsonrpc" (connection method params &rest args))
(declare-function jsonrpc-async-request "jsonrpc" (connection method params &rest args))

(defcustom newsmark-preview-delay 0.5
  "Seconds after the last edit before the preview file is rewritten.
nil: rewrite it only when `newsmark-preview' is run again."
  :type '(choice (number :tag "Seconds") (const :tag "Never" nil))
  :group 'newsmark)

(defvar-local newsmark--preview-file nil
  "The file this buffer's preview is written to, kept for the session.")
(defvar-local newsmark--preview-timer nil)

(defun newsmark--preview-params ()
  "The `workspace/executeCommand' parameters that render this buffer."
  (list :command "newsmark.render"
        :arguments (vector (list :uri (plist-get (eglot--TextDocumentIdentifier) :uri)
                                 :format "html"))))

(defun newsmark--preview-write (result)
  "Write the page of RESULT (the server's answer) to this buffer's preview file."
  (let ((text (plist-get result :text)))
    (unless (stringp text) (error "newsmark: the server sent no page"))
    (unless newsmark--preview-file
      (setq newsmark--preview-file
            (make-temp-file (concat "newsmark-"
                                    (file-name-base (or buffer-file-name (buffer-name)))
                                    "-")
                            nil ".html")))
    (let ((coding-system-for-write 'utf-8-unix))
      (write-region text nil newsmark--preview-file nil 'silent))
    newsmark--preview-file))

(defun newsmark--preview-refresh (buffer)
  "Render BUFFER again and rewrite its preview file, without waiting."
  (when (buffer-live-p buffer)
    (with-current-buffer buffer
      (setq newsmark--preview-timer nil)
      (when-let* ((server (eglot-current-server)))
        (eglot--signal-textDocument/didChange)
        (jsonrpc-async-request
         server :workspace/executeCommand (newsmark--preview-params)
         :success-fn (lambda (result)
                       (when (buffer-live-p buffer)
                         (with-current-buffer buffer
                           (newsmark--preview-write result))))
         :error-fn (lambda (err)
                     (message "newsmark: preview failed: %s" (plist-get err :message))))))))

(defun newsmark--preview-schedule (&rest _)
  "Rewrite the preview once edits pause for `newsmark-preview-delay' seconds."
  (when newsmark-preview-delay
    (when (timerp newsmark--preview-timer)
      (cancel-timer newsmark--preview-timer))
    ;; A plain timer restarted by each edit, not an idle timer: the page follows a burst of
    ;; typing once it pauses, even while Emacs is busy elsewhere.
    (setq newsmark--preview-timer
          (run-with-timer newsmark-preview-delay nil
                          #'newsmark--preview-refresh (current-buffer)))))

;;;###autoload
(defun newsmark-preview ()
  "Render this article to HTML as readers will see it, and open it in a browser.
The language server renders the buffer as it is, unsaved edits included
\(the `newsmark.render' command); the page is written to a temporary file
and opened with `browse-url-of-file'.  Edits then rewrite the same file
\(see `newsmark-preview-delay'): reload the page to see them.  The page runs
no script: its Content-Security-Policy forbids it."
  (interactive)
  (require 'eglot)
  (let ((server (or (eglot-current-server)
                    (user-error "newsmark: no language server for this buffer (M-x eglot)"))))
    ;; eglot sends edits after a pause; the server must render what is on screen.
    (eglot--signal-textDocument/didChange)
    (let* ((result (jsonrpc-request server :workspace/executeCommand
                                    (newsmark--preview-params)))
           (file (newsmark--preview-write result)))
      (add-hook 'after-change-functions #'newsmark--preview-schedule nil t)
      (browse-url-of-file file)
      file)))

;;;; The mode

;;;###autoload
(define-derived-mode newsmark-mode text-mode "newsmark"
  "Major mode for newsmark annotated news articles (`.news').
Highlights the markup of docs/markup.md; HTML comments are comments.
Start the language server with \\[eglot] (or `eglot-ensure' from
`newsmark-mode-hook'); its command is `newsmark-server-command'."
  :syntax-table newsmark-mode-syntax-table
  :group 'newsmark
  (setq-local comment-start "<!-- ")
  (setq-local comment-end " -->")
  (setq-local comment-start-skip "<!--[ \t]*")
  (setq-local comment-end-skip "[ \t]*--[ \t\n]*>")
  (setq-local comment-multi-line t)
  (setq-local syntax-propertize-function newsmark--syntax-propertize)
  (setq-local font-lock-defaults '(newsmark--font-lock-keywords nil nil))
  (setq-local font-lock-multiline t)
  (add-hook 'font-lock-extend-region-functions #'newsmark--extend-region nil t)
  (add-hook 'project-find-functions #'newsmark--project-find nil t))

;;;###autoload
(add-to-list 'auto-mode-alist '("\\.news\\'" . newsmark-mode))
;;;###autoload
(add-to-list 'auto-mode-alist '("\\.news\\.md\\'" . newsmark-mode))

(provide 'newsmark)
;;; newsmark.el ends here
