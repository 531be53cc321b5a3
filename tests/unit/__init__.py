"""Unit tests of the domain: aggregates and rules, no I/O."""
