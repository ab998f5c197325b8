"""Forward plans: what each partner plans to commission or fund in the next 18 months, the partnership's pipeline
page with its timeline and overlaps, joint commissions started from overlapping plans, and the public pipeline."""
