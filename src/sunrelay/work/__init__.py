"""Work in flight: initiatives and the organisation's agreements about them (seed 004).

An initiative (project, epic, migration) belongs to a team, has a DRI, a class from the team's
shed order, exit criteria and a timeline. The team's agreement is enforced rather than shown:
a start beyond the team's WIP limit queues, a third assignment for one engineer is refused, a
capacity signal must be answered by the people the agreement names within their working time
or it climbs, a dependency's slip tells the teams that depend on it, and pre-decided
pressure-release valves pause the least sacred work when their trigger fires and their openers
confirm.
"""
