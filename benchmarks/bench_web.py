"""Web latency and throughput under load: the subject page and the API name search, each next
to the app's trivial endpoint (``/api/health``) measured in the same run.

Builds a platform of N subjects the way the demo does (synthetic deliveries, full ingest,
lists and grades evaluated and materialised), serves it with ``xinyong serve`` (uvicorn, one
worker per core by default, SQLite), waits until every worker has computed its start-up
aggregates, and loads it with wrk (``apt-get install wrk``) at the given concurrency. Each
request picks a random organisation (subject page) or a random name prefix (search).

    uv run python benchmarks/bench_web.py --subjects 1000000 --concurrency 32 --seconds 15

Goals (issue 5): subject page p99 < 50 ms and ≥ 0.3 of the trivial endpoint's requests/s;
search by name p99 < 100 ms. Build once and reuse with ``--dir``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path

AS_OF = "2026-09-30"

LUA = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
math.randomseed(7)
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""


def build(directory: Path, subjects: int) -> Path:
    """A demo-like platform database of ``subjects`` subjects (kept for reruns)."""
    database = directory / "xinyong-demo.db"
    if database.exists():
        print(f"reusing {database}")
        return database
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "xinyong",
            "demo",
            "--subjects",
            str(subjects),
            "--seed",
            "11",
            "--dir",
            str(directory),
            "--no-serve",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"built {subjects:,} subjects in {time.perf_counter() - started:.0f} s: {database}")
    return database


def demo_env(directory: Path) -> dict[str, str]:
    """The environment a process needs for the platform in ``directory``: the secrets the
    demo generated for it (``demo-keys.env``) and its database."""
    keys = directory / "demo-keys.env"
    found = {
        name: value
        for name, _, value in (
            line.partition("=") for line in keys.read_text("utf-8").splitlines() if "=" in line
        )
        if not name.startswith("#")
    }
    return {
        **os.environ,
        **found,
        "XINYONG_DATABASE_URL": f"sqlite:///{directory / 'xinyong-demo.db'}",
    }


def sample_paths(database: Path, directory: Path) -> dict[str, Path]:
    conn = sqlite3.connect(database)
    ids = [
        r[0]
        for r in conn.execute(
            "SELECT subject_id FROM subjects WHERE kind NOT IN ('natural_person', 'civil_servant') "
            "ORDER BY random() LIMIT 20000"
        )
    ]
    names = [r[0] for r in conn.execute("SELECT name FROM subjects ORDER BY random() LIMIT 20000")]
    conn.close()
    rng = random.Random(3)
    prefixes = [n[: rng.randint(2, max(2, min(6, len(n))))] for n in names]
    from urllib.parse import quote

    files = {
        "trivial": ["/api/health"],
        "subject page": [f"/subjects/{i}" for i in ids],
        "search by name": [f"/api/subjects?q={quote(p)}" for p in prefixes],
    }
    out = {}
    for name, paths in files.items():
        path = directory / f"paths-{name.replace(' ', '-')}.txt"
        path.write_text("\n".join(paths) + "\n", encoding="utf-8")
        out[name] = path
    return out


def run_wrk(args: list[str], concurrency: int, seconds: int) -> dict[str, float]:
    """wrk's requests/s, p50 and p99 (ms) and non-2xx count for ``args`` (script, URL)."""
    text = subprocess.run(
        ["wrk", f"-c{concurrency}", "-t2", f"-d{seconds}s", "--latency", *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout

    def ms(label: str) -> float:
        found = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        if not found:
            raise RuntimeError(f"no {label} in wrk output:\n{text}")
        value, unit = float(found.group(1)), found.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "p50": ms("50%"),
        "p99": ms("99%"),
        "non2xx": float(errors.group(1)) if errors else 0.0,
    }


def wrk(url: str, paths: Path, concurrency: int, seconds: int, workdir: Path) -> dict[str, float]:
    script = workdir / f"{paths.stem}.lua"
    script.write_text(LUA % {"paths": paths}, encoding="utf-8")
    return run_wrk(["-s", str(script), url], concurrency, seconds)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="uvicorn workers")
    parser.add_argument("--dir", type=Path, default=None, help="keep/reuse the built platform")
    args = parser.parse_args()
    if subprocess.run(["which", "wrk"], capture_output=True).returncode != 0:
        sys.exit("bench_web needs wrk: apt-get install -y wrk")
    directory = args.dir or Path(tempfile.mkdtemp(prefix="xinyong-bench-web-"))
    directory.mkdir(parents=True, exist_ok=True)
    database = build(directory, args.subjects)
    paths = sample_paths(database, directory)
    port = free_port()
    env = {
        **demo_env(directory),
        "XINYONG_AS_OF": AS_OF,
        "XINYONG_API_RATE_LIMIT": "100000000/minute",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "xinyong",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        warm_in_a_row = 0
        deadline = time.monotonic() + 600
        while warm_in_a_row < 20 and time.monotonic() < deadline:  # every worker warmed up
            try:
                with urllib.request.urlopen(url + "/api/health", timeout=1) as answer:
                    warm = json.load(answer).get("warm")
                warm_in_a_row = warm_in_a_row + 1 if warm else 0
            except OSError:
                warm_in_a_row = 0
            time.sleep(0.05 if warm_in_a_row else 0.5)
        for path in paths.values():  # warm the page cache and the app once
            wrk(url, path, 4, 2, directory)
        results = {
            name: wrk(url, path, args.concurrency, args.seconds, directory)
            for name, path in paths.items()
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
    base = results["trivial"]["rps"]
    print(
        f"\nweb load, {args.subjects:,} subjects, concurrency {args.concurrency}, "
        f"{args.seconds} s each, {args.workers} uvicorn worker(s) on SQLite "
        f"({datetime.now():%Y-%m-%d})"
    )
    print(f"{'endpoint':<16}{'req/s':>10}{'ratio':>8}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}")
    for name, r in results.items():
        print(
            f"{name:<16}{r['rps']:>10,.0f}{r['rps'] / base:>8.2f}{r['p50']:>9.1f}"
            f"{r['p99']:>9.1f}{r['non2xx']:>9.0f}"
        )
    page, search = results["subject page"], results["search by name"]
    print(
        f"goals: subject page p99 < 50 ms ({'met' if page['p99'] < 50 else 'NOT met'}), "
        f"≥ 0.3 of trivial ({'met' if page['rps'] / base >= 0.3 else 'NOT met'}); "
        f"search p99 < 100 ms ({'met' if search['p99'] < 100 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
