"""A whole scorecard loads each channel's figures once per year, not once per figure."""

from __future__ import annotations

from collections import Counter

import pytest

from xieshang.consultations import metrics as consultation_metrics
from xieshang.opinions import scoring as opinion_scoring
from xieshang.proposals import metrics as proposal_metrics
from xieshang.scorecard import selectors

pytestmark = pytest.mark.django_db


def test_the_scorecard_loads_the_proposal_scope_and_the_year_figures_once_per_year(w, monkeypatch):
    counts: Counter[str] = Counter()

    def counting(name, fn):
        def wrapper(*args, **kwargs):
            counts[name] += 1
            return fn(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(proposal_metrics, "load_scope", counting("proposals", proposal_metrics.load_scope))
    monkeypatch.setattr(opinion_scoring, "adoption_counts", counting("opinions", opinion_scoring.adoption_counts))
    monkeypatch.setattr(
        consultation_metrics, "year_conversion", counting("consultations", consultation_metrics.year_conversion)
    )
    year = 2022
    years = 2 if year - 1 in selectors.years(w.committee) else 1
    sections = selectors.scorecard(w.committee, year)
    assert counts == {"proposals": years, "opinions": years, "consultations": years}
    # every figure of those apps is still there (six proposal figures, six of consultations, three of opinions)
    keys = {f.indicator.key for s in sections for f in s.figures}
    assert {"closure_rate", "satisfaction_rate", "inspections", "experts_invited", "opinion_reports"} <= keys
