"""The closing summary of scripts/bench-reliability.sh: each part's lines, from the
JSON files the parts wrote (a part that did not run says so)."""

import json
import os
import sys

PARTS = [
    ("1. lost updates", ["lost_updates"]),
    ("2. PostgreSQL restarts under load", ["db_restart"]),
    ("3. pool exhaustion and slow queries", ["pool_lock", "pool_statement"]),
    ("4. graceful shutdown (SIGTERM under load)", ["shutdown"]),
    ("5. tick throughput", ["throughput"]),
]


def main(out_dir: str) -> None:
    width = 78
    print("=" * width)
    print("Preflight reliability benchmark: summary")
    print("=" * width)
    for title, names in PARTS:
        print(title)
        for name in names:
            path = os.path.join(out_dir, f"{name}.json")
            if not os.path.exists(path):
                print(f"   ({name}: did not run; see the output above)")
                continue
            for line in json.load(open(path))["summary"]:
                print(f"   {line}")
    print("=" * width)


if __name__ == "__main__":
    main(sys.argv[1])
