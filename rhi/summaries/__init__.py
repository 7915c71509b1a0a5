"""Summaries: the PDF made for each recipient when an interview is finished (`pdf`), rendered
with a fetcher that may load only rhi's own assets (`fetcher`)."""
