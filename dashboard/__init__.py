"""The Dash side of the command center: pages (layouts), features (callbacks), live push."""
