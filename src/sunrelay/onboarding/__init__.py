"""Onboarding, deliberately (seeds 001 and 002): a programme from a person's start date, Day-0
readiness, a tech and a culture buddy, two weeks of paired tasks, the week-one checklist (a
doc, a dashboard and a PR, ticked from evidence where there is some), 30/60/90-day goals,
and the manager's weekly review until day 90."""
