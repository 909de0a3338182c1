-- `:checkhealth newsmark`: is the server there, which version, does it start,
-- and whether files changed outside Neovim are seen (the server watches them
-- itself; Neovim 0.11 on Linux offers no file watching).

local M = {}

local health = vim.health

--- One LSP message framed for stdio.
local function frame(message)
  local body = vim.json.encode(message)
  return ("Content-Length: %d\r\n\r\n%s"):format(#body, body)
end

--- Starts `cmd` on its own, initializes it with this Neovim's client
--- capabilities (as the plugin sends them), shuts it down, and returns the
--- `initialize` result, or nil and what went wrong.
local function probe(cmd)
  local caps = vim.lsp.protocol.make_client_capabilities()
  caps.textDocument.diagnostic = nil -- as the plugin's before_init
  local input = frame({
    jsonrpc = "2.0",
    id = 1,
    method = "initialize",
    params = { processId = vim.NIL, rootUri = vim.NIL, capabilities = caps },
  }) .. frame({ jsonrpc = "2.0", method = "initialized", params = vim.empty_dict() }) .. frame({
    jsonrpc = "2.0",
    id = 2,
    method = "shutdown",
  }) .. frame({ jsonrpc = "2.0", method = "exit" })
  local ok, job = pcall(vim.system, cmd, { stdin = input })
  if not ok then
    return nil, tostring(job)
  end
  local done = job:wait(10000)
  if done.signal and done.signal ~= 0 then
    return nil, ("killed by signal %d"):format(done.signal)
  end
  local out, at = done.stdout or "", 1
  while true do
    local header_end, length = out:match("Content%-Length: (%d+)\r\n\r\n()", at)
    if not header_end then
      break
    end
    -- `match` returns the captures in order: the length, then the body's start.
    length, header_end = tonumber(header_end), length
    local okd, decoded = pcall(vim.json.decode, out:sub(header_end, header_end + length - 1))
    if okd and decoded.id == 1 and decoded.result then
      return decoded.result
    end
    at = header_end + length
  end
  return nil, ("no answer to initialize (exit %s): %s"):format(tostring(done.code), vim.trim(done.stderr or ""))
end

function M.check()
  health.start("newsmark")
  local opts = require("newsmark").options
  local cmd = type(opts.cmd) == "string" and { opts.cmd, "lsp" } or opts.cmd
  if type(cmd) ~= "table" or not cmd[1] then
    health.error("no server command: require('newsmark').setup({ cmd = { 'newsmark', 'lsp' } })")
    return
  end
  local binary = vim.fn.exepath(cmd[1])
  if binary == "" then
    health.error(("%s not found"):format(cmd[1]), {
      "cargo install --path . (in a checkout of newsmark)",
      "or give its full path: require('newsmark').setup({ cmd = { '/path/to/newsmark', 'lsp' } })",
    })
    return
  end
  health.ok(("binary: %s"):format(binary))

  local version = vim.system({ binary, "--version" }, { text = true }):wait(5000)
  if version.code == 0 then
    health.ok(("version: %s"):format(vim.trim(version.stdout or "")))
  else
    health.warn(("`%s --version` failed: %s"):format(binary, vim.trim(version.stderr or "")))
  end

  local run = vim.deepcopy(cmd)
  run[1] = binary
  local result, err = probe(run)
  if not result then
    health.error(("the server does not start: %s"):format(err))
    return
  end
  local info = result.serverInfo or {}
  health.ok(("server starts: %s %s"):format(info.name or "?", info.version or ""))

  local ours = vim.tbl_get(result, "capabilities", "experimental", "newsmark") or {}
  local neovim = ours.clientWatching and "Neovim watches them too" or "Neovim offers no file watching here"
  if ours.fileWatching == "native" then
    health.ok(("file watching: the server watches the files (system notifications); %s"):format(neovim))
  elseif ours.fileWatching == "polling" then
    health.ok(("file watching: the server polls the files every 2 s (no system notifications); %s"):format(neovim))
  elseif ours.fileWatching == "none" then
    if ours.clientWatching then
      health.warn("file watching: only Neovim's; the server could start no watcher of its own")
    else
      health.warn("file watching: none; changes made outside Neovim (git checkout) are seen only after a restart")
    end
  else
    health.info("file watching: the server does not say (an older newsmark)")
  end

  local clients = vim.lsp.get_clients({ name = "newsmark" })
  if #clients == 0 then
    health.info("no newsmark client running now (open a .news file)")
  end
  for _, client in ipairs(clients) do
    health.info(("client %d: root %s"):format(client.id, tostring(client.root_dir)))
  end
end

return M
