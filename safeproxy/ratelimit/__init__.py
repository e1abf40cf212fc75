"""Rate limiting: the GCRA decision, an in-process store and a shared Redis store."""
