"""What the roles run on: brokers, child processes, ports, provisioning and the supervisor."""
