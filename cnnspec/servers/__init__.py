"""Long-running front ends over the public analysis API: the browser playground
(`cnnspec serve`, needs `cnnspec[serve]`) and the language server (`cnnspec lsp`, needs
`cnnspec[lsp]`). Both read a spec through `cnnspec.servers.document.inspect`, so a
browser and an editor show the same table, messages and positions as `cnnspec check`.
"""
