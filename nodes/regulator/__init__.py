"""The regulator (FSC) observer node: its own copy of the chain, alert queue, reports, analytics."""
