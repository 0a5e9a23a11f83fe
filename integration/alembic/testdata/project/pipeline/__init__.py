"""A Metaxy project's Python package, as the switching guide's test sees it."""
