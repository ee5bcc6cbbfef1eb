"""Alert rules, alert states, subscriptions and notification delivery."""
