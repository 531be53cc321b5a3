"""Read models rebuilt from the event log: decision history, transparency feed, participation."""
