"""Build-time tools, not shipped in the package: the injection classifier's data and training."""
