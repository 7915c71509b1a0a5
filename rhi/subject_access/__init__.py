"""Subject access: everything held about one child, exported as a ZIP (a readable PDF and
machine-readable JSON) for a request, each export written to the disclosure log."""
