"""The clearing house (CCP) role: margin mathematics and, later, the margin service around it."""
