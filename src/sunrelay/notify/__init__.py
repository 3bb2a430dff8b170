"""Notifications: one outbox every message goes through.

A notification is stored before anything is sent, carries an idempotency key (the same key is
never queued twice), waits for the recipient's working hours unless it is urgent, is retried
with exponential backoff and ends in the dead-letter list after its last try. Channels deliver
it; the hub's inbox is always one of them.
"""
