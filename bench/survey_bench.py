"""Benchmark of survey response submission through the real server (`kehu serve`).

    python bench/survey_bench.py [--responses 4000] [--clients 8]
    bash scripts/with-postgres.sh .venv/bin/python bench/survey_bench.py --db postgres

A published 12-question survey (a screening question, ratings, a 6-item matrix, NPS, an
open question shown by skip logic); --clients threads, each with its own keep-alive
connection, POST /api/surveys/{id}/responses with a bearer token; a fifth of them answer
through an invitation token. Reports responses/s, statuses and the responses stored.
Target (issue 5): ≥ 300 responses/s with 8 concurrent clients. Results: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as common  # noqa: E402  (bench/run.py: server, HTTP and timing helpers)

ROOT = common.ROOT


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--responses", type=int, default=4000)
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--warmup", type=int, default=400, help="Untimed responses sent first.")
    p.add_argument("--db", choices=["sqlite", "postgres"], default=None)
    p.add_argument("--data-dir", default=None)
    p.add_argument("--workers", type=int, default=None)
    p.add_argument("--json", default=None)
    return p.parse_args()


def make_survey() -> tuple[int, list[str]]:
    from kehu.accounts.models import User
    from kehu.surveys import services
    from kehu.surveys.models import Invitation

    carol = User.objects.get(username="supervisor")
    survey = services.survey_create(by=carol, name="压测问卷")
    scale = {"type": "rating", "min": 1, "max": 10, "required": True}
    questions = [
        {"code": "S1", "type": "single", "text": {"zh": "是否用户"}, "required": True,
         "options": [{"code": "1", "text": {"zh": "是"}}, {"code": "2", "text": {"zh": "否"}}],
         "end_if": [{"op": "eq", "value": "2"}]},
        *({"code": f"R{i}", "text": {"zh": f"评价{i}"}, **scale} for i in range(1, 8)),
        {"code": "M1", "type": "matrix", "min": 1, "max": 10, "text": {"zh": "各项"},
         "items": [{"code": c, "text": {"zh": c}} for c in "abcdef"]},
        {"code": "NPS", "type": "nps", "text": {"zh": "推荐"}, "required": True},
        {"code": "WHY", "type": "text", "text": {"zh": "原因"}, "show_if": [{"q": "NPS", "op": "lte", "value": 6}]},
        {"code": "AGE", "type": "number", "text": {"zh": "年龄"}, "min": 16, "max": 99},
    ]
    for q in questions:
        services.question_add(survey=survey, by=carol, question=q)
    services.survey_publish(survey=survey, by=carol)
    tokens = [i.token for i in Invitation.objects.bulk_create([Invitation(survey=survey) for _ in range(20_000)])]
    return survey.pk, tokens


def answers(rng: random.Random) -> dict[str, object]:
    out: dict[str, object] = {"S1": "1", **{f"R{i}": rng.randint(1, 10) for i in range(1, 8)},
                              "M1": {c: rng.randint(1, 10) for c in "abcdef"}, "NPS": rng.randint(0, 10),
                              "AGE": rng.randint(18, 80)}
    if out["NPS"] <= 6:  # type: ignore[operator]
        out["WHY"] = "等待时间太长，希望改进"
    return out


def submit(port: int, token: str, survey_id: int, invitations: list[str], total: int, clients: int) -> dict:
    from kehu.surveys.models import Response

    before = Response.objects.filter(survey_id=survey_id, status="completed").count()
    per_client = total // clients
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def client(n: int) -> None:
        http_ = common.Http(port)
        rng = random.Random(n)
        barrier.wait()
        for i in range(per_client):
            body: dict[str, object] = {"answers": answers(rng)}
            if i % 5 == 0:
                body["invitation_token"] = invitations[n * per_client + i]
            status, _h, _b, _ms = http_.request("POST", f"/api/surveys/{survey_id}/responses", {
                "Authorization": f"Bearer {token}", "Content-Type": "application/json"}, json.dumps(body))
            with lock:
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    stored = Response.objects.filter(survey_id=survey_id, status="completed").count() - before
    return {"requests": per_client * clients, "seconds": round(seconds, 2),
            "responses_per_s": round(per_client * clients / seconds), "statuses": statuses, "stored": stored}


def main() -> None:
    args = parse_args()
    db, data_dir, _temporary = common.setup_environment(args)
    import django

    django.setup()
    from django.core.management import call_command

    from kehu.core import demo

    call_command("migrate", interactive=False, verbosity=0)
    demo.ensure_org()
    survey_id, invitations = make_survey()
    meta = {"database": db, "machine": platform.platform(), "cpus": os.cpu_count(),
            "date": time.strftime("%Y-%m-%d %H:%M"), "load before": os.getloadavg()[0]}
    port = common.free_port()
    server = common.start_server(port, args.workers, data_dir / "server.log")
    try:
        token = common.api_token("agent")
        # Warm every worker first (imports, URL resolvers, schemas, catalogues load on the
        # first requests of each process): the target is sustained throughput.
        submit(port, token, survey_id, invitations[-2000:], args.warmup, args.clients)
        result = submit(port, token, survey_id, invitations, args.responses, args.clients)
    finally:
        common.stop_server(server)
    print(json.dumps({**meta, **result}, ensure_ascii=False, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps({**meta, **result}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
