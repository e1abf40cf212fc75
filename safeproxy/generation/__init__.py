"""The immutable runtime generation: what a policy change touches, built, swapped and reloaded.

generation.py  Generation (frozen) and the Builder that compiles one from Settings
holder.py      GenerationHolder: the current generation, swapped as one reference
reload.py      Reloader: load, validate, compile off the loop, swap; last-known-good
source.py      ConfigSource: where a reload reads the config from (file, overrides)
status.py      per-worker status files (the hash each worker serves)
watch.py       reload when the config file changes (`serve --watch-config S`)
admin.py       the admin listener's status, reload and rollback endpoints
"""
