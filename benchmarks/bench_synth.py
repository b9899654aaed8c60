"""Synthetic population generation: throughput and peak memory at two sizes.

Each size runs in its own process, which reports its peak resident memory. The baseline in
the same process writes the same number of constant CSV rows with ``csv.writer``, so the
ratio says what generating realistic, valid, deterministic rows costs over writing bytes.
Flat memory shows as nearly the same peak at both sizes.

    uv run python benchmarks/bench_synth.py --subjects 1000000
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def child(subjects: int) -> None:
    from xinyong.schemes import load_pack
    from xinyong.synth import SynthConfig, write_delivery

    pack = load_pack("cn")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        manifest = write_delivery(SynthConfig(subjects=subjects, seed=1), pack, Path(tmp) / "d")
        seconds = time.perf_counter() - start
        rows = sum(f["rows"] for f in manifest["files"])
        row = [
            "SAMR-0000000001",
            1,
            "market.penalty",
            "legal_person",
            "91350200776049653A",
            "厦门鹭江海鲜贸易有限公司",
            "penalty_decision",
            "厦门市场〔2025〕1号",
            "厦门市思明区市场监督管理部门",
            "2025-03-14",
            "2025-03-14",
            "2025-03-20",
            "2025-01-08",
            "general",
            "350203",
            '{"fine_yuan": 5000}',
        ]
        start = time.perf_counter()
        with (Path(tmp) / "bare.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            for _ in range(rows):
                writer.writerow(row)
        bare = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "subjects": subjects,
                "rows": rows,
                "seconds": seconds,
                "bare": bare,
                "peak_mib": peak_mib,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subjects", type=int, default=200_000)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    for size in (max(1, args.subjects // 10), args.subjects):
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(size)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        r = json.loads(out)
        print(
            f"synth {r['subjects']:>12,} subjects | {r['subjects'] / r['seconds']:>9,.0f} "
            f"subjects/s, {r['rows'] / r['seconds']:>9,.0f} rows/s | bare csv "
            f"{r['rows'] / r['bare']:>10,.0f} rows/s | ratio {r['bare'] / r['seconds']:.2f} | "
            f"peak memory {r['peak_mib']:,.0f} MiB"
        )


if __name__ == "__main__":
    main()
