"""Fault drills: each breaks one part of a running portal and checks that nothing is lost (docs/reliability.md)."""
