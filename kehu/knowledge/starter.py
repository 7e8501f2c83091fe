"""Loading the starter set (data/starter.json): used by migration 0002 and `kehu knowledge load-starter`.

Works with historical models (a migration's `apps`) as well as the live ones, so it uses
no model methods or services. Idempotent: an article with the same kind and title is kept
as it is, so an edited starter article is never overwritten.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

STARTER_FILE = Path(__file__).resolve().parent / "data" / "starter.json"
SNAPSHOT_FIELDS = ("title_en", "stage", "scenario", "customer_type", "channel", "request_kind", "question",
                   "variants", "template_kind", "subject")


def starter_data() -> dict[str, Any]:
    return json.loads(STARTER_FILE.read_text(encoding="utf-8"))


def _category(Category: Any, path: str, cache: dict[str, Any]) -> Any:
    if path not in cache:
        parent_path, _, name = path.rpartition("/")
        parent = _category(Category, parent_path, cache) if parent_path else None
        cache[path] = Category.objects.get_or_create(parent=parent, name=name)[0]
    return cache[path]


def _fields(item: dict[str, Any]) -> dict[str, Any]:
    fields = {f: item.get(f, "") for f in SNAPSHOT_FIELDS}
    fields["variants"] = "\n".join(item.get("variants", []))
    fields["channel"] = item.get("channel") or "any"
    return fields


def load_starter(apps: Any = None) -> int:
    """Create the starter articles that are missing; return how many were created."""
    get = apps.get_model if apps is not None else _live_model
    Article, Version = get("knowledge", "Article"), get("knowledge", "ArticleVersion")
    Category, Tag = get("knowledge", "Category"), get("knowledge", "Tag")
    data, cache, created = starter_data(), {}, 0
    for item in data["articles"]:
        if Article.objects.filter(kind=item["kind"], title=item["title"]).exists():
            continue
        fields = _fields(item)
        body = "\n".join(item["body"])
        category = _category(Category, item["category"], cache) if item.get("category") else None
        article = Article.objects.create(kind=item["kind"], title=item["title"], body=body, category=category,
                                         status="published", version=1, **fields)
        tags = [Tag.objects.get_or_create(name=t)[0] for t in item.get("tags", [])]
        article.tags.set(tags)
        Version.objects.create(article=article, number=1, state="published", title=article.title, body=body,
                               fields={**fields, "category_id": category.pk if category else None,
                                       "review_date": None, "tags": sorted(t.name for t in tags)},
                               note="starter set")
        created += 1
    return created


def _live_model(app_label: str, name: str) -> Any:
    from django.apps import apps as live

    return live.get_model(app_label, name)
