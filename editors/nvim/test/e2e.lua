-- End-to-end test of the Neovim plugin against a real `newsmark lsp`.
--
-- Run by editors/nvim/test/run.sh:
--   nvim --headless --clean -u NONE -i NONE -n --cmd "set rtp^=editors/nvim" \
--     -c "luafile editors/nvim/test/e2e.lua" -c "cquit 3"
-- (the last command only runs, and fails the run, if this file dies early).
-- Environment:
--   NEWSMARK           absolute path of the newsmark binary (required)
--   NEWSMARK_E2E_DIR   a scratch copy of examples/kursk (required; files get renamed in it)
--   NEWSMARK_NVIM_API  "auto" (default) or "start": which code path of setup() to use
--   NEWSMARK_NVIM_PULL "1": setup({ pull_diagnostics = true }) (expected to fail on
--                      Neovim 0.11, which ignores workspace/diagnostic/refresh)
--   NEWSMARK_E2E_TIMEOUT  milliseconds to wait for each server answer (default 20000)
--
-- Prints `PASS <step>` or `FAIL <step>: <why>` per step and a last line
-- `N passed, M failed`; exits 0 only when every step passed.

local out = function(s)
  io.stdout:write(s .. "\n")
  io.stdout:flush()
end

local script = debug.getinfo(1, "S").source:gsub("^@", "")
local plugin_dir = vim.fs.dirname(vim.fs.dirname(vim.fs.normalize(vim.fn.fnamemodify(script, ":p"))))
local server = assert(os.getenv("NEWSMARK"), "NEWSMARK is not set")
local dir = assert(os.getenv("NEWSMARK_E2E_DIR"), "NEWSMARK_E2E_DIR is not set")
local api = os.getenv("NEWSMARK_NVIM_API") or "auto"
local pull = os.getenv("NEWSMARK_NVIM_PULL") == "1"
local TIMEOUT = tonumber(os.getenv("NEWSMARK_E2E_TIMEOUT") or "") or 20000

local article = dir .. "/kursk-pows.news"
local registry = dir .. "/entities.news"

local passed, failed = 0, 0
local client, article_buf

-- Counts diagnostic updates per buffer, to tell fresh results from stale ones.
local diagnostic_updates = {}
vim.api.nvim_create_autocmd("DiagnosticChanged", {
  callback = function(ev)
    diagnostic_updates[ev.buf] = (diagnostic_updates[ev.buf] or 0) + 1
  end,
})
local updates_before_rename = 0

--- Runs one step; an error inside it fails the step, and the run goes on.
local function step(name, fn)
  local ok, err = xpcall(fn, debug.traceback)
  if ok then
    passed = passed + 1
    out("PASS " .. name)
  else
    failed = failed + 1
    out("FAIL " .. name .. ": " .. tostring(err))
  end
end

--- Waits until cond() is true; fails with what() describing the last state.
local function wait_for(what, cond, timeout)
  local ok = vim.wait(timeout or TIMEOUT, cond, 50)
  if not ok then
    error(string.format("timed out after %d ms waiting for %s", timeout or TIMEOUT, what()), 0)
  end
end

local function read_file(path)
  local f = assert(io.open(path, "r"))
  local s = f:read("*a")
  f:close()
  return s
end

--- 1-based line number of the first line containing `needle` (plain).
local function line_of(path_or_buf, needle)
  local lines = type(path_or_buf) == "number" and vim.api.nvim_buf_get_lines(path_or_buf, 0, -1, false)
    or vim.split(read_file(path_or_buf), "\n", { plain = true })
  for i, l in ipairs(lines) do
    local col = l:find(needle, 1, true)
    if col then
      return i, col
    end
  end
  error("no line contains " .. needle, 0)
end

--- Puts the cursor on the first occurrence of `needle` (plus `offset` bytes)
--- in the current buffer.
local function cursor_on(needle, offset)
  local lnum, col = line_of(vim.api.nvim_get_current_buf(), needle)
  vim.api.nvim_win_set_cursor(0, { lnum, col - 1 + (offset or 0) })
  return lnum
end

--- A synchronous request to the newsmark client (0.10 and 0.11 call styles).
local function request(method, params, bufnr)
  local resp, err
  if vim.fn.has("nvim-0.11") == 1 then
    resp, err = client:request_sync(method, params, TIMEOUT, bufnr)
  else
    resp, err = client.request_sync(method, params, TIMEOUT, bufnr)
  end
  if not resp then
    error(method .. ": no response (" .. tostring(err) .. ")", 0)
  end
  if resp.err then
    error(method .. ": error " .. vim.inspect(resp.err), 0)
  end
  return resp.result
end

local function position_params()
  return vim.lsp.util.make_position_params(0, client.offset_encoding)
end

local function diagnostics_summary(bufnr)
  local got = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(got, string.format("%s@%d:%d", tostring(d.code), d.lnum + 1, d.col + 1))
  end
  table.sort(got)
  return got
end

-- The two findings of examples/README.md: exactly these, nothing else.
local EXPECTED_DIAGNOSTICS = { "incomplete-source@39:1", "missing-source@17:1" }

local function wait_for_expected_diagnostics(bufnr)
  wait_for(function()
    return "diagnostics " .. vim.inspect(EXPECTED_DIAGNOSTICS) .. ", have " .. vim.inspect(diagnostics_summary(bufnr))
  end, function()
    return vim.deep_equal(diagnostics_summary(bufnr), EXPECTED_DIAGNOSTICS)
  end)
end

-- Setup ----------------------------------------------------------------------

-- run.sh puts the plugin on 'runtimepath' with --cmd, before startup, as an
-- init.lua would; when this file is run on its own, do it here.
if not vim.tbl_contains(vim.api.nvim_list_runtime_paths(), plugin_dir) then
  vim.opt.runtimepath:prepend(plugin_dir)
  vim.cmd("runtime! ftdetect/newsmark.lua")
end
vim.cmd("filetype plugin on")
vim.cmd("syntax on")
vim.o.swapfile = false
vim.o.more = false
vim.o.shortmess = vim.o.shortmess .. "IWF"
vim.lsp.set_log_level("WARN")

out(string.format("# nvim %s, api=%s, pull_diagnostics=%s, server %s", tostring(vim.version()), api, tostring(pull), server))

step("setup", function()
  require("newsmark").setup({ cmd = { server, "lsp" }, api = api, pull_diagnostics = pull })
end)

step("filetype", function()
  vim.cmd.edit(vim.fn.fnameescape(article))
  article_buf = vim.api.nvim_get_current_buf()
  assert(vim.bo.filetype == "newsmark", "filetype is " .. vim.bo.filetype)
  assert(vim.b.current_syntax == "newsmark", "syntax is " .. tostring(vim.b.current_syntax))
  assert(vim.bo.commentstring == "<!-- %s -->", "commentstring is " .. vim.bo.commentstring)
  -- iskeyword keeps the sigil with the id.
  cursor_on("(@blinken)", 3)
  local word = vim.fn.expand("<cword>")
  assert(word == "@blinken", "<cword> on the mention is " .. word)
  -- `.news.md` is newsmark too.
  local ft = vim.filetype.match({ filename = dir .. "/draft.news.md" })
  assert(ft == "newsmark", "*.news.md detected as " .. tostring(ft))
  -- A few syntax groups.
  local function group_at(needle, offset)
    local lnum, col = line_of(article_buf, needle)
    return vim.fn.synIDattr(vim.fn.synID(lnum, col + (offset or 0), 0), "name")
  end
  local checks = {
    { "title:", 0, "newsmarkFrontMatterKey" },
    { "# North Korean", 3, "newsmarkHeading" },
    { "alongside @Russia", 11, "newsmarkMention" },
    { "[^micek-identification]:", 2, "newsmarkSourceLabel" },
    { "newsmark-disable-next-line", 0, "newsmarkSuppressionDirective" },
    { "<!-- The headline", 6, "newsmarkComment" },
    { "status=reported", 8, "newsmarkClaimStatus" },
    { ".[^general-staff-2025-01-07]", 3, "newsmarkCitation" },
  }
  for _, c in ipairs(checks) do
    local g = group_at(c[1], c[2])
    assert(g == c[3], string.format("syntax at %q is %q, expected %q", c[1], g, c[3]))
  end
end)

step("attach", function()
  wait_for(function()
    return "the newsmark client to attach and initialize"
  end, function()
    local c = vim.lsp.get_clients({ bufnr = article_buf, name = "newsmark" })[1]
    if c and c.initialized then
      client = c
      return true
    end
    return false
  end)
  local want = vim.fs.normalize(vim.uv.fs_realpath(dir))
  local root = client.root_dir and vim.fs.normalize(vim.uv.fs_realpath(client.root_dir) or client.root_dir)
  assert(root == want, string.format("root_dir %s, expected %s", tostring(root), want))
  assert(client.server_capabilities.hoverProvider, "server has no hoverProvider")
end)

step("diagnostics", function()
  assert(client, "no client")
  wait_for_expected_diagnostics(article_buf)
  for _, d in ipairs(vim.diagnostic.get(article_buf)) do
    assert(d.source == "newsmark", "diagnostic source " .. tostring(d.source))
    assert(d.severity == vim.diagnostic.severity.WARN, "severity " .. tostring(d.severity))
  end
end)

step("hover", function()
  assert(client, "no client")
  cursor_on("(@blinken)", 2)
  local result = request("textDocument/hover", position_params(), article_buf)
  assert(result and result.contents, "no hover")
  local lines = vim.lsp.util.convert_input_to_markdown_lines(result.contents)
  local text = table.concat(lines, "\n")
  assert(text:find("Antony Blinken", 1, true), "hover card lacks the name:\n" .. text)
  assert(text:find("person", 1, true), "hover card lacks the kind:\n" .. text)
end)

step("definition", function()
  assert(client, "no client")
  vim.api.nvim_set_current_buf(article_buf)
  cursor_on("(@blinken)", 2)
  vim.lsp.buf.definition()
  local want_line = line_of(registry, "[@blinken]:")
  wait_for(function()
    return string.format(
      "the cursor in entities.news:%d, it is in %s:%d",
      want_line,
      vim.api.nvim_buf_get_name(0),
      vim.api.nvim_win_get_cursor(0)[1]
    )
  end, function()
    return vim.endswith(vim.api.nvim_buf_get_name(0), "/entities.news") and vim.api.nvim_win_get_cursor(0)[1] == want_line
  end)
  vim.api.nvim_set_current_buf(article_buf)
end)

step("completion", function()
  assert(client, "no client")
  vim.api.nvim_set_current_buf(article_buf)
  -- A new paragraph before the source definitions: "He met @Blin".
  local before = line_of(article_buf, "[^micek-identification]:") - 1
  vim.api.nvim_buf_set_lines(article_buf, before, before, false, { "He met @Blin", "" })
  local ok, err = pcall(function()
    vim.api.nvim_win_set_cursor(0, { before + 1, #"He met @Blin" })
    local params = position_params()
    params.context = { triggerKind = 1 }
    local result = request("textDocument/completion", params, article_buf)
    local items = result and (result.items or result) or {}
    local labels = {}
    for _, item in ipairs(items) do
      table.insert(labels, item.label)
    end
    local found = false
    for _, item in ipairs(items) do
      local new_text = item.textEdit and item.textEdit.newText or item.insertText or item.label
      if item.label == "blinken" or new_text == "blinken" then
        found = true
      end
    end
    assert(found, "`blinken` not offered after @Blin; got " .. vim.inspect(labels))
  end)
  vim.api.nvim_buf_set_lines(article_buf, before, before + 2, false, {})
  if not ok then
    error(err, 0)
  end
end)

step("rename", function()
  assert(client, "no client")
  vim.api.nvim_set_current_buf(article_buf)
  cursor_on("(@blinken)", 2)
  local params = position_params()
  local prepared = request("textDocument/prepareRename", params, article_buf)
  assert(prepared, "prepareRename refused")
  params.newName = "antony-blinken"
  local edit = request("textDocument/rename", params, article_buf)
  assert(edit and (edit.changes or edit.documentChanges), "empty rename edit")
  updates_before_rename = diagnostic_updates[article_buf] or 0
  vim.lsp.util.apply_workspace_edit(edit, client.offset_encoding)
  vim.cmd("silent wall")
  local a, r = read_file(article), read_file(registry)
  assert(a:find("(@antony-blinken)", 1, true), "article on disk lacks (@antony-blinken)")
  assert(not a:find("@blinken[^-%w_]"), "article on disk still mentions @blinken")
  assert(r:find("[@antony-blinken]: Antony Blinken", 1, true), "entities.news on disk lacks [@antony-blinken]:")
  assert(not r:find("[@blinken]:", 1, true), "entities.news on disk still defines [@blinken]")
end)

step("diagnostics after rename", function()
  assert(client, "no client")
  -- Mentions and the definition were renamed together: after a fresh
  -- analysis, still only the two findings (no undefined-entity).
  wait_for(function()
    return "a diagnostics update after the rename"
  end, function()
    return (diagnostic_updates[article_buf] or 0) > updates_before_rename
  end)
  wait_for_expected_diagnostics(article_buf)
end)

out(string.format("%d passed, %d failed", passed, failed))
for _, c in ipairs(vim.lsp.get_clients()) do
  if vim.fn.has("nvim-0.11") == 1 then
    c:stop()
  else
    c.stop()
  end
end
vim.wait(2000, function()
  return #vim.lsp.get_clients() == 0
end, 50)
if failed == 0 then
  vim.cmd("qall!")
else
  vim.cmd("cquit 1")
end
