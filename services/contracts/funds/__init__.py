"""The institute's financial ecology: the venture funds it backs, their investments in
companies, and the portfolio that adds the equity its converted grants became. Part of the
contracts service (money under the same rules as contracts), shaped like a service of its own:
domain (pure rules), repository, service (the transactions), api (thin routes)."""
