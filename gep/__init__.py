"""GEP (生态产品总值) accounting system."""
