-- cnnspec in Neovim (0.10+): put in init.lua. Needs `pip install 'cnnspec[lsp]'`.
vim.filetype.add({ extension = { cnn = "cnnspec" } })
vim.api.nvim_create_autocmd("FileType", {
  pattern = "cnnspec",
  callback = function(args)
    vim.bo[args.buf].commentstring = "# %s"
    vim.lsp.start({ name = "cnnspec", cmd = { "cnnspec", "lsp" }, root_dir = vim.fs.root(args.buf, { ".git" }) or vim.fn.getcwd() })
  end,
})
-- Inlay hints (each line's output shape): vim.lsp.inlay_hint.enable(true)
