"""The subscription book lives in schemas (every package folds the same events)."""

from schemas.subscription_book import SubscriptionBook

__all__ = ["SubscriptionBook"]
