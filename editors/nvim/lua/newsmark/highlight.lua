-- Highlight groups for the semantic tokens of `newsmark lsp`.
--
-- Neovim draws a semantic token with `@lsp.type.<type>.newsmark` (priority
-- 125), then `@lsp.mod.<modifier>.newsmark` for each modifier (126) and
-- `@lsp.typemod.<type>.<modifier>.newsmark` (127); the attributes of the
-- layers combine (a modifier that only underlines keeps the type's colour).
-- Everything the server sends no token for keeps the colours of
-- syntax/newsmark.vim, which stays on underneath.
--
-- All links are defaults (`:hi def link`): a colour scheme or your config
-- wins, and they survive `:colorscheme` / `:hi clear`. To colour entities by
-- kind, for example:
--
--   vim.api.nvim_set_hl(0, "@lsp.type.person.newsmark", { link = "@variable" })
--   vim.api.nvim_set_hl(0, "@lsp.type.place.newsmark", { link = "@type" })

local M = {}

--- The server's legend (src/features/semantic_tokens.rs), in protocol order.
M.token_types = {
  "person",
  "organization",
  "place",
  "unit",
  "event",
  "work",
  "entity",
  "citation",
  "claim",
  "number",
  "property",
  "comment",
}
M.token_modifiers = {
  "definition",
  "confirmed",
  "reported",
  "disputed",
  "unverified",
  "false",
  "unattributed",
  "unsourced",
  "directive",
}

--- Default highlight of each token type: the syntax group of the same
--- construct, so both layers agree and `:hi link newsmarkMention …` recolours
--- both.
M.types = {
  person = "newsmarkMention",
  organization = "newsmarkMention",
  place = "newsmarkMention",
  unit = "newsmarkMention",
  event = "newsmarkMention",
  work = "newsmarkMention",
  entity = "newsmarkMention",
  citation = "newsmarkCitation",
  claim = "newsmarkClaim", -- underlined
  number = "@number",
  property = "newsmarkFieldName",
  comment = "newsmarkSuppression", -- only suppression comments are tokens
}

--- Default highlight of each modifier, drawn over the type's.
M.modifiers = {
  -- `[@id]:` / `[^id]:` labels: bold (the colour comes from the typemod
  -- groups below).
  definition = { bold = true },
  -- Claim spans by status: the underline of the claim takes the colour of
  -- the diagnostic severity closest to the status.
  confirmed = "DiagnosticUnderlineOk",
  reported = "DiagnosticUnderlineInfo",
  unverified = "DiagnosticUnderlineHint",
  disputed = "DiagnosticUnderlineWarn",
  ["false"] = "DiagnosticUnderlineError",
  -- Numbers nobody is on record for, and numbers attributed in prose whose
  -- sentence cites no source: underlined like the warnings that report them.
  unattributed = "DiagnosticUnderlineWarn",
  unsourced = "DiagnosticUnderlineWarn",
  directive = "newsmarkSuppressionDirective",
}

--- Type-and-modifier groups: definition labels look as the syntax file draws
--- them (`[@id]:` newsmarkEntityLabel, `[^id]:` newsmarkSourceLabel).
M.typemods = {}
for _, t in ipairs({ "person", "organization", "place", "unit", "event", "work", "entity" }) do
  M.typemods[t .. ".definition"] = "newsmarkEntityLabel"
end
M.typemods["citation.definition"] = "newsmarkSourceLabel"

--- The syntax groups linked to above, with the links syntax/newsmark.vim
--- gives them: used only when the syntax file has not run (`:syntax off`),
--- so that semantic highlighting alone still colours the markup.
M.syntax_fallbacks = {
  newsmarkMention = "Identifier",
  newsmarkCitation = "Special",
  newsmarkClaim = "@markup.underline",
  newsmarkFieldName = "Keyword",
  newsmarkSuppression = "PreProc",
  newsmarkSuppressionDirective = "PreProc",
  newsmarkEntityLabel = "Function",
  newsmarkSourceLabel = "Function",
}

local function set_default(name, spec)
  if type(spec) == "string" then
    spec = { link = spec }
  else
    spec = vim.deepcopy(spec)
  end
  spec.default = true
  vim.api.nvim_set_hl(0, name, spec)
end

--- Every group name this module defines, mapped to its default.
---@return table<string, string|table>
function M.groups()
  local out = {}
  for _, t in ipairs(M.token_types) do
    out["@lsp.type." .. t .. ".newsmark"] = M.types[t]
  end
  for _, m in ipairs(M.token_modifiers) do
    out["@lsp.mod." .. m .. ".newsmark"] = M.modifiers[m]
  end
  for tm, spec in pairs(M.typemods) do
    out["@lsp.typemod." .. tm .. ".newsmark"] = spec
  end
  return out
end

--- Defines the default highlight groups (idempotent; never overrides a group
--- that is already set).
function M.apply()
  for name, target in pairs(M.syntax_fallbacks) do
    set_default(name, target)
  end
  for name, spec in pairs(M.groups()) do
    set_default(name, spec)
  end
end

return M
