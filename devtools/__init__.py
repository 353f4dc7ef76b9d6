"""Helpers for tests and benchmarks: throwaway servers and databases. Not used by the product."""
