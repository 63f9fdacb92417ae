"""The seat ledger, then the rules runner, plan, chargeback, tax, suppressions, terms: a Report."""
