"""Channel updates: subscriptions with filters, feed polling and the outbox of posts (no Discord here)."""
