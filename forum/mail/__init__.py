"""Mail: one outbox in the database (`outbox.enqueue`), one sender (`sender.send_due`).

Nothing here waits on a mail server during a request: pages queue messages in their own
transaction, and `flask --app forum mail send [--loop]` delivers them.
"""
