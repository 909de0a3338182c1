-- Buffer settings for newsmark articles (prose with light markup).
if vim.b.did_ftplugin then
  return
end
vim.b.did_ftplugin = 1

local bo = vim.bo

-- `gc` (Neovim 0.10+) and other comment tools use HTML comments, which is
-- also how suppression comments are written.
bo.commentstring = "<!-- %s -->"

-- Ids are letters, digits, `-` and `_`; keep `@` and `^` in the word so that
-- `*`, `<cword>` and keyword completion treat `@blinken` and `^ssu-2025-01-11`
-- as one word. (45 is `-`, `@-@` the literal `@`, 94 `^`.)
bo.iskeyword = "@,48-57,_,192-255,45,@-@,94"

-- Prose: paragraphs are usually one long line; soft-wrap them at word
-- boundaries. (Spell checking is left to you: `:setlocal spell` works well,
-- since the syntax file keeps ids, URLs and code out of it.)
vim.opt_local.wrap = true
vim.opt_local.linebreak = true
vim.opt_local.breakindent = true

vim.b.undo_ftplugin = table.concat({
  "setlocal commentstring< iskeyword<",
  "setlocal wrap< linebreak< breakindent<",
}, " | ")
