"""The deliberation ledger's domain: aggregates, events and the rules of musyawarah untuk mufakat."""
