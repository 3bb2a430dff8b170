"""Taking deliveries in: GitHub's payloads, other CI systems' deployments and local git
history read into facts, and the facts written in bulk."""
