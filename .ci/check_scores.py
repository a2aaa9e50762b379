#!/usr/bin/env python3
"""Fail when a scorer summary misses a figure: check_scores.py OUT.json metric=bound ...

Error rates (false_alarm, false_abstain) must be at most their bound; every
other metric must be at least its bound."""
import json, sys

LOWER_IS_BETTER = {"false_alarm", "false_abstain"}

def main():
    with open(sys.argv[1]) as f:
        summary = json.load(f)["summary"]
    bad = []
    for arg in sys.argv[2:]:
        k, v = arg.split("=")
        want = float(v)
        got = summary.get(k)
        if got is None:
            continue  # the question set has no question of that kind
        ok = got <= want if k in LOWER_IS_BETTER else got >= want
        print(f"{'ok ' if ok else 'LOW'} {k} = {got} ({'<=' if k in LOWER_IS_BETTER else '>='} {want})")
        if not ok:
            bad.append(k)
    if bad:
        sys.exit("scores below the required figures: " + ", ".join(bad))

main()
