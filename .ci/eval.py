#!/usr/bin/env python3
"""Score storybot on every evaluation story and hold each figure to its floor.

  eval.py --cmd BIN                 score, compare with .ci/floors.json, exit 1 on any miss
  eval.py --cmd BIN --propose       also print the floors raised to today's figures (a ratchet: never lowered)
  eval.py --cmd BIN --propose --write   record them in .ci/floors.json
  eval.py --cmd BIN --propose --reset --write   record today's figures even where lower (a redesign)

Stories: every ../shared/eval/NAME.questions.jsonl with ../shared/corpus/NAME (scored
by ../shared/eval/stories.py, with the digest check of NAME.digest.json), and every
testdata/NAME.questions.jsonl with testdata/NAME (scored by score.py), named
"testdata/NAME". Every metric the scorer reports is held: higher-is-better ones
must stay at or above their floor, the error rates (false_alarm, false_abstain)
at or below their ceiling. A story or metric with a recorded floor that is
missing from today's scores fails, and so does a story with no floors at all.
The digest check becomes digest_facts (share of the day's facts named) and
digest_cites_new (1 when it cites one of the day's new articles).

Proposed floors are today's figures less a small margin for noise (0.02,
rounded to two places; citation_validity of 1.0 stays 1.0), and never below
the floor already recorded.
"""
import argparse, json, math, os, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(here)
FLOORS = os.path.join(here, "floors.json")
LOWER_IS_BETTER = {"false_alarm", "false_abstain"}
NOT_METRICS = {"n", "seconds"}
MARGIN = 0.02


def run_json(args, env):
    p = subprocess.run(args, capture_output=True, text=True, env=env)
    lines = p.stdout.strip().splitlines()
    if p.returncode != 0 or not lines:
        raise RuntimeError(f"{' '.join(args[:3])} ... failed ({p.returncode}): {(p.stderr or p.stdout).strip()[-400:]}")
    return p.stdout


def metrics_of(summary):
    out = {k: float(v) for k, v in summary.items() if k not in NOT_METRICS and k != "digest" and isinstance(v, (int, float))}
    d = summary.get("digest")
    if isinstance(d, dict) and "mentions" in d:
        hit, total = d["mentions"].split("/")
        out["digest_facts"] = round(int(hit) / int(total), 3) if int(total) else 0.0
        out["digest_cites_new"] = 1.0 if d.get("cites_new") else 0.0
    return out


def score_all(cmd, shared):
    env = dict(os.environ)
    env["STORYBOT_DATA"] = tempfile.mkdtemp(prefix="storybot-eval-")
    scores = {}
    ev = os.path.join(shared, "eval")
    rows = json.loads(run_json([sys.executable, os.path.join(ev, "stories.py"), "--cmd", cmd, "--json"], env))
    for name, summary in rows.items():
        if "error" in summary:
            raise RuntimeError(f"{name}: {summary['error']}")
        scores[name] = metrics_of(summary)
    td = os.path.join(repo, "testdata")
    for f in sorted(os.listdir(td)):
        if not f.endswith(".questions.jsonl"):
            continue
        name = f[: -len(".questions.jsonl")]
        out = run_json([sys.executable, os.path.join(ev, "score.py"), "--corpus", os.path.join(td, name),
                        "--questions", os.path.join(td, f), "--cmd", cmd], env)
        scores["testdata/" + name] = metrics_of(json.loads(out.strip().splitlines()[-1]))
    return scores


def check(scores, floors):
    bad = []
    for story in sorted(set(scores) | set(floors)):
        got, want = scores.get(story), floors.get(story)
        if got is None:
            bad.append(f"{story}: recorded floors but no scores (story missing?)")
            continue
        if not want:
            bad.append(f"{story}: no floors recorded; run .ci/eval.py --cmd BIN --propose --write")
            continue
        for m, bound in sorted(want.items()):
            v = got.get(m)
            if v is None:
                bad.append(f"{story}: {m} missing (floor {bound})")
            elif m in LOWER_IS_BETTER and v > bound + 1e-9:
                bad.append(f"{story}: {m} = {v} above its ceiling {bound}")
            elif m not in LOWER_IS_BETTER and v < bound - 1e-9:
                bad.append(f"{story}: {m} = {v} below its floor {bound}")
    return bad


def propose(scores, floors):
    out = {}
    for story, got in sorted(scores.items()):
        old = floors.get(story, {})
        new = {}
        for m, v in sorted(got.items()):
            if m in LOWER_IS_BETTER:
                b = min(1.0, math.ceil(round((v + MARGIN) * 100, 6)) / 100)
                b = min(b, old[m]) if m in old else b
            else:
                b = 1.0 if (m == "citation_validity" and v >= 1.0) else max(0.0, math.floor(round((v - MARGIN) * 100, 6)) / 100)
                b = max(b, old[m]) if m in old else b
            new[m] = b
        out[story] = new
    return out


def table(scores, floors):
    cols = sorted({m for s in scores.values() for m in s})
    print(f"{'story':22}" + "".join(f"{c[:12]:>13}" for c in cols))
    for story, got in sorted(scores.items()):
        cells = []
        for c in cols:
            v, f = got.get(c), floors.get(story, {}).get(c)
            cells.append(f"{'-' if v is None else f'{v:.3f}'}{'' if f is None else f'/{f:.2f}'}".rjust(13))
        print(f"{story:22}" + "".join(cells))
    print("(figure/floor; for false_alarm and false_abstain the bound is a ceiling)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cmd", required=True, help="the storybot binary")
    ap.add_argument("--shared", default=os.path.join(repo, "..", "shared"), help="the evaluation kit (corpus/ and eval/)")
    ap.add_argument("--propose", action="store_true", help="print the floors raised to today's figures")
    ap.add_argument("--write", action="store_true", help="with --propose: record them in .ci/floors.json")
    ap.add_argument("--reset", action="store_true", help="with --propose: start from today's figures even where they are lower "
                    "(for a redesign that gives up figures fitted to one story; say why in the commit)")
    a = ap.parse_args()
    doc = json.load(open(FLOORS)) if os.path.exists(FLOORS) else {}
    floors = doc.get("stories", {})
    scores = score_all(a.cmd, a.shared)
    table(scores, floors)
    if a.propose:
        doc["stories"] = propose(scores, {} if a.reset else floors)
        doc.setdefault("about", "Floors of .ci/eval.py, story -> metric -> bound: a ratchet, raised with "
                       "`.ci/eval.py --cmd BIN --propose --write`, never lowered by it. false_alarm and "
                       "false_abstain are ceilings.")
        text = json.dumps(doc, indent=1, sort_keys=True) + "\n"
        if a.write:
            with open(FLOORS, "w") as f:
                f.write(text)
            print(f"wrote {FLOORS}")
        else:
            print(text)
        return
    bad = check(scores, floors)
    for b in bad:
        print("FAIL " + b)
    if bad:
        sys.exit(f"{len(bad)} figure(s) below their floors or missing")
    print(f"every figure of {len(scores)} stories at or above its floor")


if __name__ == "__main__":
    main()
