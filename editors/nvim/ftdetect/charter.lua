-- `.charter` files are Charter sources.
if vim.filetype and vim.fn.has('nvim-0.8') == 1 then
  vim.filetype.add({ extension = { charter = 'charter' } })
else
  -- Neovim 0.7 only consults vim.filetype.add with `g:do_filetype_lua`, so use an autocmd.
  vim.cmd('autocmd BufRead,BufNewFile *.charter setfiletype charter')
end
