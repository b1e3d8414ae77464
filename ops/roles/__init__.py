"""Every long-running role, assembled from Settings: the stack's composition root.

``policywatch <role>`` runs exactly one of these; the supervisor starts each one as
its own process, as docker-compose would. Each role announces readiness by writing
its ready file (JSON endpoints).
"""
