"""Customer visits (拜访), reps' daily and weekly work reports (日报/周报) and targets."""

from __future__ import annotations
