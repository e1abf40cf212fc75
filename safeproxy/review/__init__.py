"""The human review queue: items a person should look at, their labels, and the FP/FN rates."""
