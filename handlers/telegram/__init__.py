"""Telegram: rendering (HTML, Telegram's limits) and transport (python-telegram-bot)."""
