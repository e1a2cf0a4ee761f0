"""Scenario: what one run asks (the case, the plan's overrides, the levers, the state a chain hands on), which
units stand in a year (fleet) and the time structure (representative days)."""
