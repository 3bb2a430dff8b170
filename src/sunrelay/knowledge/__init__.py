"""Knowledge: where an organisation depends on one head. The truck factor of a repository or a
component from its git history (``truckfactor``), the exclusion rules it applies
(``exclusions``), who is who across e-mail addresses and names (``identities``), and reading
the history itself (``gitlog``)."""
