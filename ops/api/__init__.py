"""The subscriptions API: HTTP routes, bearer tokens and the subscription book it serves.

The role that serves it is assembled in ``ops.roles.api``.
"""
