"""Incident command: declare, page, run the room (roles, timeline, decisions, status updates),
resolve, and follow through (postmortems due in the commander's working time, owned action
items reminded until done). Reports: MTTA and MTTR by severity and team."""
