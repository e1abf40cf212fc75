"""The console: server-rendered pages for reviewers and on-call engineers on the admin listener."""
