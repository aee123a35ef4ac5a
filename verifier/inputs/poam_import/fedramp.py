"""The FedRAMP POA&M template (v2.1: header A5; v3.0: B5 on Open, A2 on Closed): Open and Closed sheets.

The sheet decides the status (Open / Closed POA&M Items; Configuration Findings are open items);
milestones are the numbered, dated lines of one "Planned Milestones" (v3.0: "Remediation Plan") cell.
"""

from __future__ import annotations

# Header texts only FedRAMP's template has (normalised), for --format auto.
MARKERS = frozenset({"weakness detector source", "weakness source identifier", "weakness name"})
