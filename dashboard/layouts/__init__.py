"""One module per page; each registers itself with `dash.register_page` when imported."""
