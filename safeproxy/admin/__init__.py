"""The admin listener's endpoints: bearer tokens, generations (reload, rollback), the review
queue, and the safety breakers' kill-switch. Every mutation is a POST and an audit record."""
