"""The CMMC rules, pure and clock-free: ``score`` (SPRS score and § 170.21 eligibility), ``credibility``
(the POA&M lint, one small class per rule behind ``interface.Rule``) and ``timeline`` (the 180-day
countdown). Text judgements the rules share live in ``heuristics``.
"""
