" Vim syntax file
" Language:    newsmark (annotated news articles, *.news)
" Reference:   docs/markup.md
"
" Regex highlighting for the whole markup. It stays active when the language
" server adds semantic tokens: those are drawn on top (priority 125) where the
" server sends them, and this file colours everything else.

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syntax case match
" Articles are short and front matter, fenced code and HTML comments can be
" long: always parse from the start of the file.
syntax sync fromstart
" Prose is spell checked; ids, URLs, code and attribute lists are not.
syntax spell toplevel

" An id: `[A-Za-z0-9][A-Za-z0-9_-]*`, not ending in `-` or `_` (markup.md §5).
let s:id = '[A-Za-z0-9]\%([A-Za-z0-9_-]*[A-Za-z0-9]\)\='

" ---------------------------------------------------------------------------
" Inline markup (prose: paragraphs, headings, list items, blockquotes, tables)
" ---------------------------------------------------------------------------

syntax cluster newsmarkInline contains=newsmarkEscape,newsmarkCode,newsmarkComment,newsmarkSuppression,newsmarkHtmlTag,newsmarkUrl,newsmarkAutolink,newsmarkMention,newsmarkLinkText,newsmarkImage,newsmarkLinkMentionText,newsmarkCitation,newsmarkClaim,newsmarkBold,newsmarkItalic

" Emphasis (one line). `*@blinken*` is a mention in italics.
syntax match newsmarkItalic /\%(^\|[^*\\]\)\@<=\*[^*[:space:]]\%([^*]*[^*[:space:]\\]\)\=\*\*\@!/ contains=newsmarkEscape,newsmarkCode,newsmarkMention,newsmarkLinkMentionText,newsmarkLinkText,newsmarkCitation
syntax match newsmarkItalic /\%(^\|[^[:alnum:]_\\]\)\@<=_[^_[:space:]]\%([^_]*[^_[:space:]\\]\)\=_[[:alnum:]_]\@!/ contains=newsmarkEscape,newsmarkCode,newsmarkMention,newsmarkLinkMentionText,newsmarkLinkText,newsmarkCitation
syntax match newsmarkBold /\\\@<!\*\*[^*[:space:]]\%(.\{-}[^*[:space:]\\]\)\=\*\*/ contains=newsmarkEscape,newsmarkCode,newsmarkMention,newsmarkLinkMentionText,newsmarkLinkText,newsmarkCitation,newsmarkItalic
syntax match newsmarkBold /\%(^\|[^[:alnum:]_\\]\)\@<=__[^_[:space:]]\%(.\{-}[^_[:space:]\\]\)\=__[[:alnum:]_]\@!/ contains=newsmarkEscape,newsmarkCode,newsmarkMention,newsmarkLinkMentionText,newsmarkLinkText,newsmarkCitation,newsmarkItalic

" Table rows: the unescaped pipes are delimiters.
syntax match newsmarkTableRow /^\s*|.*$/ contains=newsmarkTablePipe,@newsmarkInline
syntax match newsmarkTablePipe /\\\@<!|/ contained

" Entity mention `@id`: after the start of a line, whitespace, an opening
" bracket or quote, a dash, `/`, or an emphasis marker (markup.md §6).
execute 'syntax match newsmarkMention #\%(^\|[[:space:]([{"''“‘—–/*_]\)\@<=@' . s:id . '# contains=@NoSpell'

" Ordinary link `[text](address)` and image `![alt](address)`: the text is
" prose, the address is not.
syntax region newsmarkLinkText matchgroup=newsmarkLinkDelimiter start=/\\\@<!\[\ze\%(\\.\|[^][\\]\)*\](\%(\s*@\)\@!/ end=/\]\ze(/ keepend oneline contains=newsmarkEscape,newsmarkCode,newsmarkMention,newsmarkItalic,newsmarkBold nextgroup=newsmarkLinkAddress
syntax region newsmarkLinkAddress matchgroup=newsmarkLinkDelimiter start=/(/ end=/)/ contained oneline contains=@NoSpell
syntax match newsmarkImage /\\\@<!!\[[^]]*\]([^)]*)/ contains=@NoSpell

" Link mention `[display text](@id)`: the text is covered by the mention.
syntax region newsmarkLinkMentionText matchgroup=newsmarkLinkMentionDelimiter start=/\\\@<!\[\ze\%(\\.\|[^][\\]\)*\](\s*@/ end=/\]\ze(/ keepend oneline contains=newsmarkEscape,newsmarkCode,newsmarkItalic,newsmarkBold nextgroup=newsmarkLinkMentionTarget
syntax match newsmarkLinkMentionTarget /([^)]*)/ contained contains=newsmarkLinkMentionId,@NoSpell
execute 'syntax match newsmarkLinkMentionId /@' . s:id . '/ contained'

" Source citation `[^id]`.
execute 'syntax match newsmarkCitation /\\\@<!\[\^' . s:id . '\]/ contains=@NoSpell'

" Claim span `[claim text]{^source @speaker status=… key=value}`. The text is
" prose (it may hold mentions and link mentions, one level of brackets) and
" may run over lines of one paragraph; the attribute list closes at the first
" `}` of the same block.
let s:claimtext = '\%(\\\_.\|[^][\\]\|\n\%(\s*\n\)\@!\|\[\%(\\.\|[^][\\]\)*\]\%(([^()]*)\)\=\)*'
let s:claimattrs = '{\%([^}\n]\|\n\%(\s*\n\)\@!\)*}'
execute 'syntax region newsmarkClaim matchgroup=newsmarkClaimDelimiter start=/\\\@<!\[\ze' . s:claimtext . '\]' . s:claimattrs . '/ end=/\]\ze{/ keepend contains=@newsmarkInline nextgroup=newsmarkClaimAttributes'
syntax region newsmarkClaimAttributes matchgroup=newsmarkClaimDelimiter start=/{/ end=/}/ contained contains=newsmarkClaimSource,newsmarkClaimSpeaker,newsmarkClaimKey,@NoSpell
execute 'syntax match newsmarkClaimSource /\%([{[:space:]]\)\@<=\^' . s:id . '/ contained'
execute 'syntax match newsmarkClaimSpeaker /\%([{[:space:]]\)\@<=@' . s:id . '/ contained'
syntax match newsmarkClaimKey /\%([{[:space:]]\)\@<=[A-Za-z0-9_-]\+\ze=/ contained nextgroup=newsmarkClaimEquals
syntax match newsmarkClaimEquals /=/ contained nextgroup=newsmarkClaimValue,newsmarkClaimStatus
syntax match newsmarkClaimValue /"[^"]*"\|[^[:space:]}"]\+/ contained
syntax match newsmarkClaimStatus /\%(status=\)\@<=\%(confirmed\|reported\|disputed\|unverified\|false\)\%([[:space:]}]\)\@=/ contained

" Code spans: a run of backticks closed by a run of the same length.
syntax region newsmarkCode matchgroup=newsmarkCodeDelimiter start=/\\\@<!\z(`\+\)`\@!/ end=/`\@<!\z1`\@!/ end=/^\s*$/ keepend contains=@NoSpell

" Bare URLs and autolinks.
" Trailing sentence punctuation and an unbalanced `)` are not part of them.
syntax match newsmarkUrl /\<\%(https\=:\/\/\|www\.\)[^[:space:]<>]\{-}\%([^[:space:]<>.,;:!?'"()\]]\|([^[:space:]()<>]*)\)\%([.,;:!?'")\]]*\%([[:space:]<>]\|$\)\)\@=/ contains=@NoSpell
syntax match newsmarkAutolink /<\%(https\=:\|mailto:\)[^>[:space:]]*>/ contains=@NoSpell

" One-line HTML tags.
syntax match newsmarkHtmlTag /<\/\=[A-Za-z][A-Za-z0-9-]*\%(\s[^<>]*\)\=\/\=>/ contains=@NoSpell

" HTML comments, and suppression comments (markup.md §15), which the checker
" reads. Defined after newsmarkComment so that they win where both match.
syntax region newsmarkComment start=/<!--/ end=/-->/ contains=@Spell
syntax region newsmarkSuppression matchgroup=newsmarkSuppressionDelimiter start=/<!--\ze\s*newsmark-\%(disable-next-line\|disable\|enable\)\>/ end=/-->/ contains=newsmarkSuppressionDirective,newsmarkSuppressionRule,@NoSpell
syntax match newsmarkSuppressionRule /\<[a-z][a-z-]*[a-z]\>/ contained
syntax match newsmarkSuppressionDirective /newsmark-\%(disable-next-line\|disable\|enable\)\>/ contained

" Backslash escapes.
syntax match newsmarkEscape "\\[!-/:-@[-`{-~]"

" ---------------------------------------------------------------------------
" Blocks
" ---------------------------------------------------------------------------

" Thematic break.
syntax match newsmarkRule /^\s*\([-*_]\)\%(\s*\1\)\{2,}\s*$/

" List item and blockquote markers.
syntax match newsmarkListMarker /^\s*\%([-*+]\|\d\{1,9}[.)]\)\ze[ \t]\+\S/
syntax match newsmarkBlockquoteMarker /^\s*>/

" ATX heading (one line). The marker and a closing run of `#` are delimiters.
syntax match newsmarkHeading /^ \{0,3}#\{1,6}\%([ \t].*\)\=$/ contains=newsmarkHeadingMarker,@newsmarkInline
syntax match newsmarkHeadingMarker /^ \{0,3}#\{1,6}\%([ \t]\|$\)/ contained
syntax match newsmarkHeadingMarker /[ \t]\zs#\+\s*$/ contained

" Definitions (markup.md §9): `[@id]: Canonical name` or `[^id]: Title` at
" column 0, then indented `name: value` field lines, up to the first blank or
" unindented line.
execute 'syntax region newsmarkDefinition start=/^\[[@^]' . s:id . '\]:/ end=/^\ze\S/ end=/^\s*$/ keepend contains=newsmarkEntityLabel,newsmarkSourceLabel,newsmarkField,newsmarkFieldError,@NoSpell'
execute 'syntax match newsmarkEntityLabel /^\[@' . s:id . '\]:/ contained contains=newsmarkLabelDelimiter nextgroup=newsmarkDefinitionTitle'
execute 'syntax match newsmarkSourceLabel /^\[\^' . s:id . '\]:/ contained contains=newsmarkLabelDelimiter nextgroup=newsmarkDefinitionTitle'
syntax match newsmarkLabelDelimiter /\[\|\]:/ contained
syntax match newsmarkDefinitionTitle /.*$/ contained
" An indented line that is not `name: value` is a syntax error.
syntax match newsmarkFieldError /^[ \t]\+\%([A-Za-z0-9_-]\+:\)\@!\S.*$/ contained
syntax match newsmarkField /^[ \t]\+[A-Za-z0-9_-]\+:.*$/ contained contains=newsmarkFieldName,newsmarkFieldValue
syntax match newsmarkFieldName /\%(^[ \t]\+\)\@<=[A-Za-z0-9_-]\+\ze:/ contained
syntax match newsmarkFieldValue /:\zs.*$/ contained contains=newsmarkFieldMention,newsmarkFieldUrl,newsmarkFieldKind,newsmarkFieldDate
execute 'syntax match newsmarkFieldMention /@' . s:id . '/ contained'
syntax match newsmarkFieldUrl /\%(https\=:\/\/\|www\.\)\S*/ contained
syntax match newsmarkFieldKind /\%(^[ \t]\+kind:\s*\)\@<=\%(person\|org\|place\|unit\|event\|work\|other\|official\|agency\|press\|expert\|witness\|document\|social\|anonymous\)\s*$/ contained
syntax match newsmarkFieldDate /\%(^[ \t]\+\%(date\|accessed\):\s*\)\@<=\d\{4}\%(-\d\d\)\{0,2}\s*$/ contained

" Fenced code blocks: nothing inside is analysed.
syntax region newsmarkCodeBlock matchgroup=newsmarkCodeDelimiter start=/^ \{0,3}\z(```\+\).*$/ end=/^ \{0,3}\z1`*\s*$/ keepend contains=@NoSpell
syntax region newsmarkCodeBlock matchgroup=newsmarkCodeDelimiter start=/^ \{0,3}\z(\~\~\~\+\).*$/ end=/^ \{0,3}\z1\~*\s*$/ keepend contains=@NoSpell

" Front matter: `---` on line 1, `key: value` lines, `---` or `...`.
syntax region newsmarkFrontMatter matchgroup=newsmarkFrontMatterDelimiter start=/\%^---\s*$/ end=/^\%(---\|\.\.\.\)\s*$/ keepend contains=newsmarkFrontMatterKey,@NoSpell
syntax match newsmarkFrontMatterKey /^[A-Za-z0-9_-]\+\ze:/ contained nextgroup=newsmarkFrontMatterColon
syntax match newsmarkFrontMatterColon /:/ contained nextgroup=newsmarkFrontMatterValue
syntax match newsmarkFrontMatterValue /.*$/ contained

" ---------------------------------------------------------------------------
" Highlight links. Roughly the scopes of a TextMate grammar: markup.heading,
" markup.italic/bold, markup.raw, markup.underline.link, comment,
" meta.preprocessor (suppressions), keyword (field and attribute names),
" variable (entities), constant (sources, enumerated values), string (values).
" ---------------------------------------------------------------------------

hi def link newsmarkFrontMatterDelimiter PreProc
hi def link newsmarkFrontMatterKey       Keyword
hi def link newsmarkFrontMatterColon     Delimiter
hi def link newsmarkFrontMatterValue     String

hi def link newsmarkHeading              @markup.heading
hi def link newsmarkHeadingMarker        Delimiter
hi def link newsmarkRule                 PreProc
hi def link newsmarkListMarker           Statement
hi def link newsmarkBlockquoteMarker     Comment
hi def link newsmarkTablePipe            Delimiter

hi def link newsmarkMention              Identifier
hi def link newsmarkLinkMentionText      @markup.link
hi def link newsmarkLinkMentionDelimiter Delimiter
hi def link newsmarkLinkMentionTarget    Delimiter
hi def link newsmarkLinkMentionId        Identifier

hi def link newsmarkCitation             Special

hi def link newsmarkClaim                @markup.underline
hi def link newsmarkClaimDelimiter       Delimiter
hi def link newsmarkClaimAttributes      Delimiter
hi def link newsmarkClaimSource          Special
hi def link newsmarkClaimSpeaker         Identifier
hi def link newsmarkClaimKey             Keyword
hi def link newsmarkClaimEquals          Operator
hi def link newsmarkClaimValue           String
hi def link newsmarkClaimStatus          Constant

hi def link newsmarkDefinition           Normal
hi def link newsmarkEntityLabel          Function
hi def link newsmarkSourceLabel          Function
hi def link newsmarkLabelDelimiter       Delimiter
hi def link newsmarkDefinitionTitle      String
hi def link newsmarkFieldName            Keyword
hi def link newsmarkFieldValue           Normal
hi def link newsmarkFieldMention         Identifier
hi def link newsmarkFieldUrl             Underlined
hi def link newsmarkFieldKind            Constant
hi def link newsmarkFieldDate            Number
hi def link newsmarkFieldError           Error

hi def link newsmarkComment              Comment
hi def link newsmarkSuppression          PreProc
hi def link newsmarkSuppressionDelimiter PreProc
hi def link newsmarkSuppressionDirective PreProc
hi def link newsmarkSuppressionRule      Constant

hi def link newsmarkItalic               @markup.italic
hi def link newsmarkBold                 @markup.strong
hi def link newsmarkLinkText             @markup.link
hi def link newsmarkLinkDelimiter        Delimiter
hi def link newsmarkLinkAddress          Underlined
hi def link newsmarkImage                Underlined
hi def link newsmarkUrl                  Underlined
hi def link newsmarkAutolink             Underlined
hi def link newsmarkHtmlTag              Tag
hi def link newsmarkCode                 String
hi def link newsmarkCodeDelimiter        Delimiter
hi def link newsmarkCodeBlock            String
hi def link newsmarkEscape               SpecialChar

" Semantic tokens. When the server sends them, Neovim draws them over this
" file (priority 125 and up) with the groups @lsp.type.<type>.newsmark,
" @lsp.mod.<modifier>.newsmark and @lsp.typemod.<type>.<modifier>.newsmark;
" everything they do not cover keeps the colours above. lua/newsmark/highlight.lua
" links every type and modifier of the server's legend, mostly to the groups
" above so that both layers agree (mentions of every kind: newsmarkMention;
" claim spans underlined in the colour of their status; unattributed and
" unsourced numbers: DiagnosticUnderlineWarn; definition labels bold).
if has('nvim')
  " (Skipped if the syntax file is used without the rest of the plugin.)
  lua local ok, hl = pcall(require, 'newsmark.highlight'); if ok then hl.apply() end
endif

let b:current_syntax = 'newsmark'

let &cpo = s:cpo_save
unlet s:cpo_save
