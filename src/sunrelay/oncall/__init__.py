"""On-call: schedules with layers, rotations, restrictions and overrides (and follow-the-sun
coverage); alert intake from Alertmanager and generic webhooks, routed to a component's team;
escalation policies that page people through the outbox until someone acknowledges."""
