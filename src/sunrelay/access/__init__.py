"""Access that expires (seed 004: least privilege, short-lived, automatically revoked): the
systems people are granted access to, each role's least privilege, requests and approvals,
expiry with a signed revoke webhook through the outbox, rotation of long-lived credentials,
and the audit trail of who had what, when."""
