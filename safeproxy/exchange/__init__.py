"""One request end to end: its state, identity, admission, guard, output hook and decision."""
