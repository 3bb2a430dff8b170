"""The delivery figures: the DORA keys (Four Keys' way and Sunrelay's), pull-request flow
in working time, and the rows they read."""
