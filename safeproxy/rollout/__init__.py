"""Safe rollouts: a candidate policy in shadow or canary beside a route's active one, analysed
interval by interval, promoted or rolled back by itself (controller.py is the entry point)."""
