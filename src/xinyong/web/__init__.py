"""The web platform: the JSON API agencies integrate with and the public portal."""
