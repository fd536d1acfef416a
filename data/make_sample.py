"""Generate Segmenta's bundled sample table, ``data/mall_customers.csv``.

Run ``.venv/bin/python data/make_sample.py`` to rewrite the CSV. It has the schema and the shape
of the classic "Mall Customers" tutorial data (200 customers, five groups in Annual Income x
Spending Score), but every row is synthetic, so the app can ship it without anyone's data.

The five segments sit in separate regions of Income x Spending, so K-Means with k=5 on the two
standard-scaled columns finds them again; ``make_mall_customers`` returns the generating
segment next to the table so tests can check that. The CSV itself leaves the segment out, as an
analyst's file would.

Every random draw comes from ``random.Random(SEED).random()``: Python promises that this one
method gives the same sequence for the same seed in every version, whereas numpy's and the
other ``random`` methods (``gauss``, ``randint``, ``shuffle``) may change. So the committed CSV
is reproducible byte for byte, and a test checks it.
"""

import random
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

SEED = 2024
FEMALE_SHARE = 0.56
CSV_PATH = Path(__file__).resolve().parent / "mall_customers.csv"
COLUMNS = ["CustomerID", "Gender", "Age", "Annual Income (k$)", "Spending Score (1-100)"]


@dataclass(frozen=True)
class Range:
    """A triangular distribution: values between ``low`` and ``high``, most often near ``peak``."""

    low: float
    peak: float
    high: float

    def draw(self, rng: random.Random) -> int:
        """Inverse-CDF draw from one ``rng.random()`` value, rounded to a whole number."""
        u = rng.random()
        split = (self.peak - self.low) / (self.high - self.low)
        if u < split:
            value = self.low + ((self.high - self.low) * (self.peak - self.low) * u) ** 0.5
        else:
            value = self.high - ((self.high - self.low) * (self.high - self.peak) * (1 - u)) ** 0.5
        return round(value)


@dataclass(frozen=True)
class Segment:
    """One customer group: how many, and where its incomes, scores and ages lie."""

    name: str
    size: int
    income: Range
    score: Range
    age: Range


# Sizes, ranges and ages follow the classic data: the young spend much on a small income, the
# average group is the largest and oldest, the careful rich are middle-aged.
SEGMENTS = (
    Segment("low income, low spending", 23, Range(15, 24, 39), Range(3, 18, 40), Range(19, 46, 67)),
    Segment(
        "low income, high spending", 22, Range(15, 24, 39), Range(60, 79, 99), Range(18, 23, 35)
    ),
    Segment("average", 81, Range(41, 56, 73), Range(37, 50, 61), Range(18, 52, 70)),
    Segment(
        "high income, low spending", 35, Range(71, 82, 137), Range(1, 16, 38), Range(19, 43, 59)
    ),
    Segment(
        "high income, high spending", 39, Range(70, 80, 137), Range(63, 82, 97), Range(27, 32, 40)
    ),
)


def _shuffled(items: list, rng: random.Random) -> list:
    """Fisher-Yates on ``rng.random()`` only (``random.shuffle`` is not stable across versions)."""
    items = list(items)
    for i in range(len(items) - 1, 0, -1):
        j = int(rng.random() * (i + 1))
        items[i], items[j] = items[j], items[i]
    return items


def make_mall_customers(seed: int = SEED) -> tuple[pd.DataFrame, pd.Series]:
    """The sample table and, aligned with its rows, the segment each customer was drawn from.

    Rows are ordered by income (then spending score, then age) and numbered ``0001``... in that
    order, as in the classic file, so the ID says nothing about the segment beyond income.
    """
    rng = random.Random(seed)
    customers = [
        (segment.income.draw(rng), segment.score.draw(rng), segment.age.draw(rng), segment.name)
        for segment in SEGMENTS
        for _ in range(segment.size)
    ]
    customers.sort(key=lambda customer: customer[:3])
    females = round(FEMALE_SHARE * len(customers))
    genders = _shuffled(["Female"] * females + ["Male"] * (len(customers) - females), rng)
    table = pd.DataFrame(
        {
            "CustomerID": [f"{number:04d}" for number in range(1, len(customers) + 1)],
            "Gender": genders,
            "Age": [age for _, _, age, _ in customers],
            "Annual Income (k$)": [income for income, _, _, _ in customers],
            "Spending Score (1-100)": [score for _, score, _, _ in customers],
        },
        columns=COLUMNS,
    )
    segment = pd.Series([name for *_, name in customers], name="segment")
    return table, segment


def csv_text(table: pd.DataFrame) -> str:
    """The CSV file's exact content: LF line endings, no index (written as UTF-8)."""
    return table.to_csv(index=False, lineterminator="\n")


def main(argv: list[str] | None = None) -> int:
    """Write the sample CSV (to ``data/mall_customers.csv`` or the path given)."""
    argv = sys.argv[1:] if argv is None else argv
    output = Path(argv[0]) if argv else CSV_PATH
    table, _ = make_mall_customers()
    output.write_bytes(csv_text(table).encode("utf-8"))
    print(f"wrote {len(table)} customers to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
