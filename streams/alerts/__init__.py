"""Alert subscriptions: state rebuilt from events, matching, triggers (pure Python)."""
