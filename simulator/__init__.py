"""Demo feed: realistic traffic for the three live streams, following docs/streams.md."""
