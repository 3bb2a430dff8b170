"""Organisation health (seed 004): each team's operating state week by week, computed from
the signals the other domains hold against thresholds in its working agreement, with every
transition recorded and a slide to barely functioning told to those who can act; and the
diagnostic that asks every team seed 004's nine questions and answers them from the record.
"""
