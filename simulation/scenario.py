"""A synthetic year of requests and how people answer them, drawn from MIEUX's history
(SEEDS-EXTRACT §5.5 and the 2009-2015 publication): of the requests, 16 % rejected and 7 %
forwarded; Actions of 4 to 7 activities; Fiches drafted in about three weeks, often a little
late; experts declining about one invitation in four.

Every draw comes from its own generator, seeded with the run's seed and what it is about
(`draw(seed, "2027-03", "psg", "DG_HOME")`): the same seed gives the same year whatever order
the workers happen to run things in.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from glossary.action import ActivityType
from glossary.country_zones import zone_of_country
from glossary.names import Region
from glossary.request import RequesterType

# Shares of how requests end (the 2009-2015 outcome table: 16 % rejected, 7 % forwarded; of
# the rest, a few withdrawn, the others completed once run to their end).
INTAKE_REJECTED = 0.12
FORWARDED = 0.07
PSG_REJECTED = 0.05  # of those that reach the PSG: 16 % rejected in all
PSG_REVISION = 0.10  # a member asks for a revision in the first round
WITHDRAWN = 0.05  # by the partner, during implementation
EXPERT_DECLINES = 0.25
EXPERT_SILENT = 0.08  # never answers: the invitation times out, the next candidate is asked
FEEDBACK_NEVER = 0.15
FOLLOW_UP_NEVER = 0.30
ADOPTED = 0.6

# Where requests came from (seed-actions.json, 84 Actions): region -> (share, countries).
REGIONS: dict[Region, tuple[float, tuple[str, ...]]] = {
    Region.SUB_SAHARAN_AFRICA: (
        0.34,
        ("Kenya", "Senegal", "Ghana", "Cabo Verde", "Ethiopia"),
    ),
    Region.LATIN_AMERICA_CARIBBEAN: (
        0.22,
        ("Peru", "Bolivia", "Costa Rica", "Paraguay", "Ecuador"),
    ),
    Region.ASIA: (0.12, ("Philippines", "Cambodia", "Nepal", "Sri Lanka")),
    Region.EU_NEIGHBOURHOOD_EAST: (0.12, ("Armenia", "Georgia", "Moldova", "Azerbaijan")),
    Region.EU_NEIGHBOURHOOD_SOUTH: (0.10, ("Jordan", "Lebanon", "Morocco", "Tunisia")),
    Region.CENTRAL_ASIA: (0.06, ("Kyrgyzstan", "Tajikistan", "Uzbekistan")),
    Region.MIDDLE_EAST: (0.04, ("Iraq", "Yemen")),
}
# Themes the demo roster has experts for, with their weight in the seeds.
THEMES = {
    "migration data": 3,
    "labour migration": 3,
    "international protection & asylum": 3,
    "irregular migration & THB": 3,
    "border management": 2,
    "migration & development": 2,
    "diaspora": 2,
    "migration legislation": 2,
    "integration": 1,
    "return & readmission": 1,
}
ACTIVITY_TYPES = {
    ActivityType.WORKSHOP: 5,
    ActivityType.TRAINING: 3,
    ActivityType.STUDY_VISIT: 2,
    ActivityType.DRAFTING_SESSION: 2,
    ActivityType.FACT_FINDING_MISSION: 1,
    ActivityType.REMOTE_SUPPORT: 1,
}


def draw(seed: int, *about: object) -> random.Random:
    """The generator for one decision: the same seed and subject, the same draws."""
    return random.Random(f"{seed}:" + ":".join(str(a) for a in about))


def _weighted(rng: random.Random, weights: dict[Any, float]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def days(rng: random.Random, low: float, mode: float, high: float) -> timedelta:
    """A delay in days, triangular: most answers near `mode`, a few late."""
    return timedelta(days=rng.triangular(low, high, mode))


@dataclass(frozen=True)
class Scenario:
    seed: int
    year: int
    requests: int
    officers: tuple[str, ...]

    def reference(self, n: int) -> str:
        return f"{self.year}-{n:02d}"

    def received_on(self, n: int) -> date:
        """Requests arrive through the year, on working days (the Year workflow starts each
        at the beginning of its day)."""
        day = date(self.year, 1, 1) + timedelta(
            days=int(draw(self.seed, "received", n).uniform(0, 350))
        )
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return day

    def request(self, n: int) -> dict[str, Any]:
        rng = draw(self.seed, "request", n)
        region = _weighted(rng, {r: share for r, (share, _) in REGIONS.items()})
        country = rng.choice(REGIONS[region][1])
        themes = sorted({_weighted(rng, THEMES) for _ in range(rng.choice((1, 1, 2)))})
        slug = country.lower().replace(" ", "-")
        return {
            "name": f"{country} {n}",
            "received_on": self.received_on(n).isoformat(),
            "requesting_authorities": [
                {
                    "institution": f"Ministry of Interior of {country}",
                    "country": country,
                    "type": str(
                        RequesterType.NATIONAL_AUTHORITY
                        if rng.random() < 0.8
                        else RequesterType.REGIONAL_ORGANISATION
                    ),
                }
            ],
            "countries": [country],
            "region": str(region),
            "themes": themes,
            "topic": themes[0],
            "partner_focal_point": {
                "name": f"Focal point {n}",
                "email": f"focal.{n}@{slug}.example.org",
                "timezone": zone_of_country(country) or "UTC",
            },
            "eudel_contact": {
                "name": f"EUDEL {country}",
                "email": f"eudel.{n}@eeas.example.eu",
                "timezone": zone_of_country(country) or "UTC",
            },
            "project_officer": self.officers[(n - 1) % len(self.officers)],
        }

    def fiche(self, n: int) -> dict[str, Any]:
        """The Action Fiche: 4-7 activities from about day 110 after the request, a few
        weeks apart, on the request's themes (what the roster matches on)."""
        rng = draw(self.seed, "fiche", n)
        request = self.request(n)
        start = self.received_on(n) + timedelta(days=int(rng.uniform(110, 150)))
        activities = []
        for number in range(1, rng.randint(4, 7) + 1):
            kind = _weighted(rng, ACTIVITY_TYPES)
            length = 0 if kind == ActivityType.REMOTE_SUPPORT else rng.randint(1, 4)
            activities.append(
                {
                    "number": number,
                    "type": str(kind),
                    "title": f"{str(kind).capitalize()} on {rng.choice(request['themes'])}",
                    "country": request["countries"][0],
                    "city": "remote" if kind == ActivityType.REMOTE_SUPPORT else "the capital",
                    "start": start.isoformat(),
                    "end": (start + timedelta(days=length)).isoformat(),
                    "expertise": request["themes"],
                    "languages": ["English"],
                }
            )
            start += timedelta(days=rng.randint(21, 49))
        return {
            "title": f"{request['countries'][0]}: {request['topic']}",
            "objective": f"Strengthen the partner's capacity on {request['topic']}",
            "activities": activities,
            "expected_outputs": [f"Recommendations on {request['topic']}"],
        }

    def activity_dates(self, n: int) -> dict[int, tuple[date, date]]:
        return {
            a["number"]: (date.fromisoformat(a["start"]), date.fromisoformat(a["end"]))
            for a in self.fiche(n)["activities"]
        }
