"""The deep-check judges (Llama Guard, moderation, HTTP webhook, local) and their factory."""
