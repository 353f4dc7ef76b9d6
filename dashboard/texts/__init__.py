"""Page-specific UI texts, one module per page or feature: `ID = {...}` and `EN = {...}`.

`dashboard.i18n` merges every module here into its table, so pages add words without all editing
one file. A key must not be defined twice (checked when the table is built).
"""
