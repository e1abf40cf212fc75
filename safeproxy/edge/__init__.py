"""The edge: everything that faces aiohttp's server side: listeners, protocol, handlers, the
request pipeline, body reading and the relay."""
