"""The directory: people, teams (and pods), components, absences, and org-as-code.

``logic`` holds the plain specs and the read model used by time queries; ``orgfile`` reads,
checks and writes ``org.yaml``; ``service`` is every write; ``timequery`` answers working-time
questions over a directory loaded from the database or straight from a file.
"""
