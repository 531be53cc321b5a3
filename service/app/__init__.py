"""The application layer: Mufakat's use cases, its access policy, receipts and idempotency records."""
