"""Benchmarks: scripts that print figures. Performance claims in this project come from
these, run with `make bench`, never from a timed unit test."""
