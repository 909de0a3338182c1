-- newsmark for Neovim: starts `newsmark lsp` for `newsmark` buffers.
--
--   require("newsmark").setup({
--     cmd = { "newsmark", "lsp" },                 -- the server command
--     settings = {},                               -- sent as workspace settings
--     root_markers = { "newsmark.toml", ".git" },  -- what marks a workspace root
--   })
--
-- `:NewsmarkPreview` renders the current buffer to HTML (the server's
-- `newsmark.render` command) and opens it with `vim.ui.open`; see
-- lua/newsmark/preview.lua.
--
-- Neovim 0.11+: registers the config with `vim.lsp.config("newsmark", …)` and
-- calls `vim.lsp.enable("newsmark")`. Neovim 0.10: a FileType autocmd calls
-- `vim.lsp.start` for every newsmark buffer.

local M = {}

---@class newsmark.Options
---@field cmd? string[]|string Server command. Default `{ "newsmark", "lsp" }`;
---  a string is taken as the path of the binary (`{ path, "lsp" }`).
---@field settings? table Settings sent to the server (`workspace/configuration`).
---@field root_markers? string[] Files or directories that mark the workspace
---  root, tried in order (a nested list would give them equal priority, unlike
---  the server).
---@field filetypes? string[] Filetypes to attach to. Default `{ "newsmark" }`.
---@field init_options? table `initializationOptions` for `initialize`.
---@field capabilities? table Client capabilities (merged over Neovim's own).
---@field on_attach? fun(client: vim.lsp.Client, bufnr: integer)
---@field before_init? fun(params: lsp.InitializeParams, config: vim.lsp.ClientConfig)
---@field pull_diagnostics? boolean Default false: the server pushes diagnostics.
---  Neovim 0.10 and 0.11 advertise pull diagnostics but do not answer the
---  server's `workspace/diagnostic/refresh`, so pulled diagnostics would stay
---  stale after the workspace is indexed or another file changes. Set true only
---  with a Neovim that handles the refresh request.
---@field api? "auto"|"config"|"start" `auto`: `vim.lsp.config` on 0.11+, else
---  `vim.lsp.start`. `start` forces the 0.10 code path (FileType autocmd).

---@type newsmark.Options
M.defaults = {
  cmd = { "newsmark", "lsp" },
  settings = {},
  root_markers = { "newsmark.toml", ".git" },
  filetypes = { "newsmark" },
  init_options = nil,
  capabilities = nil,
  on_attach = nil,
  before_init = nil,
  pull_diagnostics = false,
  api = "auto",
}

---@type newsmark.Options
M.options = vim.deepcopy(M.defaults)

local augroup = "newsmark.lsp"

--- The workspace root for a buffer: the markers are tried in order, each up to
--- `/` (`vim.fs.root`), so with the defaults the nearest `newsmark.toml` wins
--- over any `.git`, and `.git` (a directory, or a file in a worktree or
--- submodule) counts only with no `newsmark.toml` above; else the file's own
--- directory. The server and `newsmark check` find a root the same way.
--- `nil` for a buffer with no file.
---@param bufnr integer
---@param markers? string[]
---@return string?
function M.root_dir(bufnr, markers)
  markers = markers or M.options.root_markers
  local root = vim.fs.root(bufnr, markers)
  if root then
    return root
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == "" or name:match("^%a[%w+.-]*://") then
    return nil
  end
  return vim.fs.dirname(vim.fs.normalize(name))
end

-- Runs just before `initialize` is sent, on the capabilities actually sent
-- (whatever `vim.lsp.config("*", …)` or a completion plugin merged in).
local function before_init(opts)
  return function(params, config)
    if not opts.pull_diagnostics and params.capabilities and params.capabilities.textDocument then
      -- Without `textDocument.diagnostic` the server pushes diagnostics
      -- (publishDiagnostics) on open, on change and after indexing.
      params.capabilities.textDocument.diagnostic = nil
    end
    if opts.before_init then
      opts.before_init(params, config)
    end
  end
end

local function capabilities(opts)
  local caps = vim.lsp.protocol.make_client_capabilities()
  if opts.capabilities then
    caps = vim.tbl_deep_extend("force", caps, opts.capabilities)
  end
  return caps
end

local function use_config_api(opts)
  if opts.api == "start" then
    return false
  end
  local has = vim.fn.has("nvim-0.11") == 1 and type(vim.lsp.config) ~= "nil" and vim.lsp.enable ~= nil
  if opts.api == "config" and not has then
    error("newsmark: api = 'config' needs Neovim 0.11 or later")
  end
  return has
end

-- Neovim 0.11+: vim.lsp.config + vim.lsp.enable.
local function setup_config(opts)
  vim.lsp.config("newsmark", {
    cmd = opts.cmd,
    filetypes = opts.filetypes,
    root_markers = opts.root_markers,
    root_dir = function(bufnr, on_dir)
      on_dir(M.root_dir(bufnr, opts.root_markers))
    end,
    settings = opts.settings,
    init_options = opts.init_options,
    capabilities = opts.capabilities,
    on_attach = opts.on_attach,
    before_init = before_init(opts),
  })
  vim.lsp.enable("newsmark")
end

-- Neovim 0.10: FileType autocmd + vim.lsp.start.
local function start(bufnr, opts)
  if not vim.api.nvim_buf_is_valid(bufnr) or vim.bo[bufnr].buftype ~= "" then
    return
  end
  vim.lsp.start({
    name = "newsmark",
    cmd = opts.cmd,
    root_dir = M.root_dir(bufnr, opts.root_markers),
    settings = opts.settings,
    init_options = opts.init_options,
    capabilities = capabilities(opts),
    on_attach = opts.on_attach,
    before_init = before_init(opts),
  }, { bufnr = bufnr })
end

local function setup_start(opts)
  local group = vim.api.nvim_create_augroup(augroup, { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = opts.filetypes,
    desc = "Start the newsmark language server",
    callback = function(ev)
      start(ev.buf, opts)
    end,
  })
  -- Buffers opened before setup() (e.g. when lazy-loaded on `ft`).
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(opts.filetypes, vim.bo[bufnr].filetype) then
      start(bufnr, opts)
    end
  end
end

---@param user? newsmark.Options
function M.setup(user)
  user = user or {}
  local opts = vim.tbl_deep_extend("force", vim.deepcopy(M.defaults), user)
  -- Lists replace the defaults; they are never merged index by index.
  for _, key in ipairs({ "cmd", "root_markers", "filetypes" }) do
    if type(user[key]) == "table" then
      opts[key] = vim.deepcopy(user[key])
    end
  end
  if type(opts.cmd) == "string" then
    opts.cmd = { opts.cmd, "lsp" }
  end
  M.options = opts
  require("newsmark.filetype").add()
  -- Semantic token highlights (also set by syntax/newsmark.vim; needed here
  -- when syntax highlighting is off).
  require("newsmark.highlight").apply()
  vim.api.nvim_create_user_command("NewsmarkPreview", function()
    require("newsmark.preview").open(0)
  end, { desc = "newsmark: render the buffer to HTML and open it in the browser" })
  if use_config_api(opts) then
    setup_config(opts)
  else
    setup_start(opts)
  end
  return M
end

return M
