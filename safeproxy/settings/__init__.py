"""The configuration: schema (one model per subsystem), policy schema, shared types, loading."""
