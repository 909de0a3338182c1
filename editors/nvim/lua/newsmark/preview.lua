-- `:NewsmarkPreview`: the article as readers will see it. The server renders
-- the buffer (unsaved edits included: Neovim sends pending changes before a
-- request) with `workspace/executeCommand` `newsmark.render`; the page is
-- written to a temporary file and opened with `vim.ui.open` (the system's
-- browser). While the buffer stays loaded, edits rewrite that same file
-- (debounced), so reloading the browser tab shows the latest text. The page
-- carries its own Content-Security-Policy: no script runs in it.

local M = {}

-- How long typing must pause before the page is written again.
M.debounce_ms = 400

local augroup = vim.api.nvim_create_augroup("newsmark.preview", { clear = true })

local function notify(message, level)
  vim.notify("newsmark: " .. message, level or vim.log.levels.ERROR)
end

local function client_of(bufnr)
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  return get({ bufnr = bufnr, name = "newsmark" })[1]
end

-- Neovim 0.11 calls client methods with `:`, 0.10 with `.`.
local function send(client, method, params, handler, bufnr)
  if vim.fn.has("nvim-0.11") == 1 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

--- The file the preview of `bufnr` is written to: one per buffer, kept for the
--- session, so a browser tab stays on it.
---@param bufnr integer
---@return string
function M.path(bufnr)
  local path = vim.b[bufnr].newsmark_preview_path
  if not path then
    local name = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ":t:r")
    if name == "" then
      name = "untitled"
    end
    path = vim.fn.tempname() .. "-" .. name:gsub("[^%w._-]", "_") .. ".html"
    vim.b[bufnr].newsmark_preview_path = path
  end
  return path
end

local function write(path, text)
  local f, err = io.open(path, "wb")
  if not f then
    return false, err
  end
  f:write(text)
  f:close()
  return true
end

--- Renders `bufnr` and writes the page; `done(path)` runs after a successful
--- write, on the main loop.
---@param bufnr integer
---@param done? fun(path: string)
function M.render(bufnr, done)
  local client = client_of(bufnr)
  if not client then
    notify("no newsmark language server is attached to this buffer")
    return
  end
  local params = {
    command = "newsmark.render",
    arguments = { { uri = vim.uri_from_bufnr(bufnr), format = "html" } },
  }
  send(client, "workspace/executeCommand", params, function(err, result)
    if err then
      notify("preview failed: " .. (err.message or vim.inspect(err)))
      return
    end
    if not (result and result.text) then
      notify("preview failed: the server sent no page")
      return
    end
    local path = M.path(bufnr)
    local ok, werr = write(path, result.text)
    if not ok then
      notify("cannot write the preview to " .. path .. ": " .. tostring(werr))
      return
    end
    if done then
      done(path)
    end
  end, bufnr)
end

-- Rewrites the page as the buffer changes, once typing pauses.
local function follow(bufnr)
  if vim.b[bufnr].newsmark_preview_following then
    return
  end
  vim.b[bufnr].newsmark_preview_following = true
  local timer = vim.uv.new_timer()
  vim.api.nvim_create_autocmd({ "TextChanged", "TextChangedI", "BufWritePost" }, {
    group = augroup,
    buffer = bufnr,
    desc = "Rewrite the newsmark preview",
    callback = function()
      timer:stop()
      timer:start(
        M.debounce_ms,
        0,
        vim.schedule_wrap(function()
          if vim.api.nvim_buf_is_valid(bufnr) and client_of(bufnr) then
            M.render(bufnr)
          end
        end)
      )
    end,
  })
  vim.api.nvim_create_autocmd("BufUnload", {
    group = augroup,
    buffer = bufnr,
    once = true,
    callback = function()
      timer:stop()
      timer:close()
    end,
  })
end

--- `:NewsmarkPreview`: renders the current buffer, writes the page and opens it.
---@param bufnr? integer
function M.open(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  M.render(bufnr, function(path)
    follow(bufnr)
    local _, err = vim.ui.open(path)
    if err then
      notify("cannot open " .. path .. ": " .. err)
    end
  end)
end

return M
