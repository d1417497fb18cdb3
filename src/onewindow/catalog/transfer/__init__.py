"""Moving the catalog in and out, by concept: `workbook` (the Excel format: sheets, columns, cell values),
`export` and `importer` (the Excel round trip), `national` (the national exchange CSVs). See docs/catalog.md."""
