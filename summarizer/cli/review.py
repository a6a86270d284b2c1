"""``summarizer review``: the editors' queue, from a terminal or in a browser."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..review.status import STATUSES
from ._app import EXIT_OK, cli, review_db_option, settings_from
from ._safe import echo

if TYPE_CHECKING:
    from ..config import Settings
    from ..review.store import ReviewStore

_DB = review_db_option


def _store(review_db: str | None, settings: Settings | None = None) -> ReviewStore:
    """--review-db, else SUMMARIZER_REVIEW_DB, else the default store in the data folder."""
    from ..review.store import ReviewStore

    settings = settings or settings_from(review_db=review_db)
    return ReviewStore(settings.review_store_path)


def _editor(editor: str | None) -> str:
    from ..errors import UsageError

    if not editor:
        raise UsageError("say who you are: --editor NAME (recorded with the change)")
    return editor


@cli.group()
def review() -> None:
    """Review drafted briefs: list, show, approve, reject, export, stats, serve."""


@review.command("list")
@_DB
@click.option("--status", type=click.Choice(STATUSES))
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), help="Published on.")
@click.option("--outlet")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def list_(
    review_db: str | None,
    status: str | None,
    day: dt.datetime | None,
    outlet: str | None,
    as_json: bool,
) -> None:
    """The queue: id, status, published, outlet, source, model."""
    store = _store(review_db)
    for item in store.items(status=status, day=day.date() if day else None, outlet=outlet):
        row = {
            "id": item.id,
            "status": item.status,
            "published": item.published.isoformat() if item.published else None,
            "outlet": item.outlet,
            "source": item.article.source,
            "model": item.model,
            "prompt_version": item.prompt_version,
            "version": item.current_version,
            "reviewed_by": item.reviewed_by,
        }
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            echo(
                f"{item.id}  {item.status:<13} {row['published'] or 'undated':<10} "
                f"{(item.outlet or '-'):<16} v{item.current_version}  {item.article.source}"
            )


@review.command()
@_DB
@click.argument("item_id")
@click.option("--version", "number", type=int, help="Default: the current version.")
def show(review_db: str | None, item_id: str, number: int | None) -> None:
    """A brief's version as JSON, with its status, history and changes from the draft."""
    from ..review.diff import changes

    store = _store(review_db)
    item = store.get(item_id)
    version = store.version(item_id, number)
    out = {
        "id": item.id,
        "source": item.article.source,
        "status": item.status,
        "version": version.number,
        "kind": version.kind,
        "author": version.author,
        "changed_from_draft": [
            {"field": p, "draft": a, "now": b}
            for p, a, b in changes(store.version(item_id, 1).content, version.content)
        ],
        "content": version.content,
        "log": [
            {
                "at": e.at.isoformat(),
                "editor": e.editor,
                "action": e.action,
                "version": e.version,
                "comment": e.comment,
            }
            for e in store.audit(item_id)
        ],
    }
    click.echo(json.dumps(out, ensure_ascii=False, indent=2))


def _decide(review_db: str | None, item_id: str, decision: str, editor: str | None,
            comment: str | None, number: int | None) -> None:  # fmt: skip
    store = _store(review_db)
    version = number if number is not None else store.get(item_id).current_version
    status = store.decide(item_id, decision, version=version, editor=_editor(editor),
                          comment=comment)  # fmt: skip
    echo(f"{item_id}: {status} (version {version})")


_EDITOR = click.option("--editor", envvar="SUMMARIZER_EDITOR", help="Who decides (recorded).")
_COMMENT = click.option("--comment", "-m", help="Why (needed to reject).")
_VERSION = click.option(
    "--version", "number", type=int, help="The version you reviewed (default: current)."
)


def _decision_command(decision: str, doc: str) -> None:
    @review.command(name=decision, help=doc)
    @_DB
    @click.argument("item_ids", nargs=-1, required=True)
    @_EDITOR
    @_COMMENT
    @_VERSION
    def command(review_db: str | None, item_ids: tuple[str, ...], editor: str | None,
                comment: str | None, number: int | None) -> None:  # fmt: skip
        for item_id in item_ids:
            _decide(review_db, item_id, decision, editor, comment, number)


_decision_command("approve", "Approve briefs (their current version, or --version).")
_decision_command("reject", "Reject briefs; a comment saying why is required.")


@review.command()
@_DB
@click.option("--status", default="approved", show_default=True, type=click.Choice(STATUSES))
def export(review_db: str | None, status: str) -> None:
    """Briefs as JSON Lines: the approved version (or the current one for other statuses),
    with its provenance and review record."""
    store = _store(review_db)
    for item in store.items(status=status):
        number = item.approved_version or item.current_version
        content = store.version(item.id, number).content
        record = {
            **content,
            "provenance": item.provenance.model_dump(mode="json"),
            "review": {
                "id": item.id,
                "status": item.status,
                "version": number,
                "reviewed_by": item.reviewed_by,
                "reviewed_at": item.reviewed_at.isoformat() if item.reviewed_at else None,
                "comment": item.review_comment,
            },
        }
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")


@review.command()
@_DB
@click.option("--json", "as_json", is_flag=True)
def stats(review_db: str | None, as_json: bool) -> None:
    """Per model and prompt version: share approved unchanged, fields editors changed."""
    rows = _store(review_db).stats()
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        share = r["approved_unchanged_share"]
        shown = "-" if share is None else f"{share:.0%}"
        echo(
            f"{r['model']} / {r['prompt_version']}: {r['briefs']} briefs, {r['approved']} "
            f"approved ({shown} unchanged), {r['rejected']} rejected"
        )
        for field, n in r["fields_changed"].items():
            echo(f"  {field}: changed in {n} approved brief(s)")


@review.command()
@_DB
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--story-ids",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The digest's story ids, for the queue's story filter.",
)
@click.option(
    "--forwarded-allow-ips",
    default=None,
    metavar="IPS",
    help="Behind a proxy: the proxy addresses (comma-separated, or *) whose "
    "X-Forwarded-For/-Proto are trusted, so the sign-in limit counts real clients. "
    "Cookies are then Secure (the proxy is taken to serve HTTPS). Default: none "
    "trusted.",
)
@click.option(
    "--ssl-certfile",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Serve HTTPS with this certificate (and --ssl-keyfile); cookies Secure.",
)
@click.option("--ssl-keyfile", type=click.Path(exists=True, dir_okay=False), default=None)
@click.option(
    "--max-body-bytes",
    type=click.IntRange(1024),
    default=1024 * 1024,
    show_default=True,
    help="Larger request bodies are refused (413) unread.",
)
@click.option("--lock-wait", type=click.FloatRange(0.1, 60), default=3.0, show_default=True,
              help="Seconds a save waits for another writer before answering 503.")  # fmt: skip
def serve(
    review_db: str | None,
    host: str,
    port: int,
    story_ids: Path | None,
    forwarded_allow_ips: str | None,
    ssl_certfile: str | None,
    ssl_keyfile: str | None,
    max_body_bytes: int,
    lock_wait: float,
) -> None:
    """Serve the review page (loopback unless --host says otherwise)."""
    import uvicorn

    from ..errors import UsageError
    from ..review.store import ReviewStore
    from ..web.app import create_app
    from ..web.serve import secure_cookies, server_config

    if bool(ssl_certfile) != bool(ssl_keyfile):
        raise UsageError("--ssl-certfile and --ssl-keyfile go together")
    settings = settings_from(review_db=review_db)
    store = ReviewStore(settings.review_store_path, lock_wait=lock_wait)
    editors = dict(settings.review_editors)
    if not editors:
        token = secrets.token_urlsafe(16)
        editors = {"editor": token}
        echo(
            f"No editors configured (SUMMARIZER_REVIEW_EDITORS); for this run, sign in as "
            f"'editor' with the token: {token}",
            err=True,
        )
    story_file = story_ids or settings.cache_dir / "story-ids.json"
    stories: dict[str, Any] = {}
    if story_file.is_file():
        stories = json.loads(story_file.read_text(encoding="utf-8"))
    if host not in ("127.0.0.1", "localhost", "::1"):
        echo(
            f"WARNING: binding {host}: the review page is reachable from other machines. "
            "Use HTTPS in front of it and strong editor tokens.",
            err=True,
        )
    secret = settings.review_secret.get_secret_value() if settings.review_secret else None
    app = create_app(
        store,
        editors=editors,
        story_ids=stories,
        secret=secret,
        https_only=secure_cookies(
            ssl_certfile=ssl_certfile, forwarded_allow_ips=forwarded_allow_ips
        ),
        max_body_bytes=max_body_bytes,
    )
    scheme = "https" if ssl_certfile else "http"
    echo(f"Review page: {scheme}://{host}:{port}/  (store {store.path})", err=True)
    # the config the tests serve the page with: no proxy trusted unless named
    config = server_config(
        app, host=host, port=port, forwarded_allow_ips=forwarded_allow_ips,
        ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile,
    )  # fmt: skip
    uvicorn.Server(config).run()
    sys.exit(EXIT_OK)
