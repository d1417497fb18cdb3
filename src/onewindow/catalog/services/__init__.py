"""Writes to the catalog, by concept: `items` (versions, status), `records` (departments, window categories,
canonical materials, an item's materials), `permissions` (the catalog admin role). Callers import from the
module that owns the function."""
