"""One module per feature; callbacks are thin: inputs → data_access / pure logic → outputs."""
