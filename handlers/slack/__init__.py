"""Slack adapter: Block Kit rendering, commands and buttons (Bolt, async), the notifier the
delivery service uses, and the app wiring (HTTP mode and Socket Mode)."""
