"""Chat adapters (Telegram, Slack): parse a command, call one service in bot/, render, send."""
