"""Safety filters: the filter contract, normalisation and detectors."""
