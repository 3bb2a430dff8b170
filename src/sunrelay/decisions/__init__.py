"""Decisions: ADRs, RFCs and design docs, their review against deadlines measured in each
reviewer's working time, and lossless two-way sync with Markdown folders kept in git.

``logic`` holds the rules (statuses, transitions, templates, review periods, the escalation
ladder); ``markdown`` and ``folder`` read and write the folder formats without Django;
``service`` and ``review`` are the only writers; ``sync`` moves records between folders and
the database.
"""
