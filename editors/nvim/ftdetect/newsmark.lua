-- `*.news` and `*.news.md` are filetype `newsmark`.
require("newsmark.filetype").add()
