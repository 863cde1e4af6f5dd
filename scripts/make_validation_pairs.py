"""Write examples/pairs.csv: RothC-26.3 predictions against the measured SOC stocks of the 13 Rothamsted
long-term treatments (e-RA, CC BY 4.0), the input of `permille validate examples/pairs.csv`.

Each prediction is leave-one-out (the treatment's plant input calibrated on its other measurements), as on
the sites' pages (`permille.registry.rothamsted.long_term`); t C/ha, 0–23 cm, 31 December of the year.
Run: `uv run python scripts/make_validation_pairs.py`."""

import csv
from pathlib import Path

from permille.registry import rothamsted

OUT = Path(__file__).resolve().parents[1] / "examples" / "pairs.csv"


def main() -> None:
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["experiment", "treatment", "year", "observed", "predicted"])
        for t in rothamsted.treatments():
            answer = rothamsted.long_term(t.name, list(t.series))
            for pair in (answer.get("validation") or {}).get("pairs", []):
                writer.writerow([t.experiment["name"], t.name, pair["year"], f"{pair['observed_t_c_ha']:.2f}",
                                 f"{pair['predicted_t_c_ha']:.2f}"])  # fmt: skip
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
