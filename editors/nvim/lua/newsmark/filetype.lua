-- Filetype detection for newsmark articles: `*.news` and `*.news.md`.
-- Used by ftdetect/newsmark.lua and by setup() (so that setup() is enough
-- when the plugin is put on 'runtimepath' after startup).
local M = {}

function M.add()
  vim.filetype.add({
    extension = {
      news = "newsmark",
    },
    -- Patterns with the default priority are tried before extensions, so
    -- `story.news.md` is `newsmark`, not `markdown`.
    pattern = {
      [".*%.news%.md"] = "newsmark",
    },
  })
end

return M
