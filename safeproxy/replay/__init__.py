"""`safeproxy replay`: what a candidate policy would have decided on recorded traffic."""
