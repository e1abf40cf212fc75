"""`safeproxy test`: policy test cases run through the real request path, with a report."""
