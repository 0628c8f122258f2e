"""Demo data: the demo organisation and complaints from the source stories (``seed_demo``)."""

from __future__ import annotations

from complaints.demo.seed import (
    DEMO_PASSWORD,
    DemoResult,
    demo_complaints,
    demo_seed,
    demo_stage_counts,
)

__all__ = ["DEMO_PASSWORD", "DemoResult", "demo_complaints", "demo_seed", "demo_stage_counts"]
