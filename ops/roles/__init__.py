"""Every long-running role, assembled from Settings: the stack's composition root.

``policywatch <role>`` runs exactly one of these, and the supervisor of the
embedded stack starts each as its own process, as docker-compose would:

- ``sink``      the warehouse sink (and, with chDB, the SQL endpoint)
- ``worker``    the Faust classify worker (classification, stories, alert evaluation)
- ``api``       the subscriptions API
- ``delivery``  alert delivery, and commitment scans against the warehouse
- ``producers`` every web source at its interval
- ``intake``    the HTTP intake
- ``stack``     ``policywatch up``: a broker and all of the above as child processes

Each role announces readiness by writing its ready file (JSON endpoints). ``kafka``
says how roles publish; ``serve`` is the serve loop of the HTTP roles.
"""
