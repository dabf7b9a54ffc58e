"""AWS access: one context per connection, typed errors, the per-run snapshot."""
