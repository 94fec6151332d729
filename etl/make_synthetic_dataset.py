"""Writes sample-datasets/loan-default.csv: a second, synthetic binary-classification data set.

    python3 etl/make_synthetic_dataset.py

It differs from the churn sample on purpose: a header line, no quotes, the label in the last column,
and another feature set, so local mode can show that only config/examples/loan-default.json changes.
"""

import math
import os
import random

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROWS = 1500


def main():
    rng = random.Random(20261128)
    lines = ["income,debt_ratio,age,late_payments,credit_lines,term_36,term_60,defaulted"]
    for _ in range(ROWS):
        income = round(rng.lognormvariate(10.8, 0.4), 2)
        debt_ratio = round(min(max(rng.gauss(0.35, 0.15), 0.0), 1.5), 4)
        age = rng.randint(21, 75)
        late = min(int(rng.expovariate(1.2)), 12)
        lines_open = rng.randint(1, 15)
        long_term = 1 if rng.random() < 0.35 else 0
        score = (
            -3.0
            + 6.0 * debt_ratio
            + 0.9 * late
            - 0.00002 * income
            + 1.0 * long_term
            - 0.02 * (age - 40)
            + rng.gauss(0, 0.3)
        )
        defaulted = 1 if rng.random() < 1 / (1 + math.exp(-score)) else 0
        lines.append(
            "%s,%s,%d,%d,%d,%d,%d,%d"
            % (income, debt_ratio, age, late, lines_open, 1 - long_term, long_term, defaulted)
        )
    target = os.path.join(ROOT, "sample-datasets", "loan-default.csv")
    with open(target, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    print("wrote %d rows to %s" % (ROWS, target))


if __name__ == "__main__":
    main()
