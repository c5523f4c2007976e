"""The shop's rules and use cases. Imports nothing from Telegram or the database."""
