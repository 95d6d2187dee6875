"""The Gradio 6 app: a chat, an Inspect panel, and the ``recommend`` API endpoint.

Layout: a ``Chatbot`` with a message box on the left; on the right an **Inspect** panel with the
condensed request, the top descriptor sets with scores, and per song the matched and avoided
descriptors. Each browser session keeps its own chat and its own list of condensed requests
(``gr.State``), and a copy of the dialog in the browser's local storage (``gr.BrowserState``), so a
reload or a server restart loses nothing; the queue runs ``concurrency`` turns at once. Request bodies
over ``Limits.max_body_bytes`` are answered 413 before they are parsed (``chat.limits.BodyLimit``).
``api_name="recommend"`` takes a message and a history (OpenAI-style messages) and returns the reply
and the structured results, statelessly.
Errors never reach the page as stack traces: they become chat messages or ``gr.Error``.
Out of scope: the turn logic (``chat.engine``) and backend choice (``chat.commands``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from chat.engine import ChatEngine
from chat.handlers import browser_secret, make_handlers, restore_dialog
from chat.limits import BodyLimit, Limits
from chat.render import SET_HEADERS, SONG_HEADERS

__all__ = ["AppConfig", "build_app", "launch_app", "make_handlers"]

logger = logging.getLogger(__name__)

EXAMPLES = [
    "upbeat tropical songs with steel drums",
    "more upbeat",
    "no vocals",
    "calm piano music for studying",
    "instead of piano, guitar",
    "something completely different",
]
INTRO = (
    "### cratedigger\nAsk for music in your own words and refine it over several turns "
    "(*more upbeat*, *no vocals*, *instead of piano, guitar*). The **Inspect** panel shows how your "
    "dialog was condensed and why each song matched."
)
CSS = "#inspect .table-wrap {max-height: 320px}"
# The message being sent is kept in local storage until its turn succeeds, and the dialog is kept in a
# BrowserState: a page reloaded after a server restart gets both back (nothing the listener typed is lost).
SAVE_DRAFT = (
    "(m, h, t) => { try { localStorage.setItem('cratedigger-draft', m || ''); } catch (e) {} "
    "return [m, h, t]; }"
)
DROP_DRAFT = "() => { try { localStorage.removeItem('cratedigger-draft'); } catch (e) {} }"
LOAD_DRAFT = (  # never over what the listener already typed while the page was loading
    "(typed) => { if (typed) { return typed; } "
    "try { return localStorage.getItem('cratedigger-draft') || ''; } catch (e) { return ''; } }"
)


@dataclass
class AppConfig:
    """Serving settings.

    Args:
        host: Interface to bind (``0.0.0.0`` to serve a network).
        port: TCP port; None lets Gradio pick from 7860 up.
        share: Ask Gradio for a public ``*.gradio.live`` link.
        auth: ``(user, password)`` or a ``(user, password) -> bool`` callable (``chat.auth.ThrottledAuth``)
            protecting the page and the API.
        concurrency: Turns processed at once (the rest wait in the queue).
        max_queue: Waiting turns beyond which new ones are refused.
        status: A line shown under the title (catalog, backends).
        limits: Request body, message and history bounds (``chat.limits.Limits``).
        browser_secret: Key that encrypts the dialog kept in the browser's local storage; stable across
            restarts so a reloaded page gets its dialog back (None: ``$CRATEDIGGER_HOME/browser-secret``).
    """

    host: str = "127.0.0.1"
    port: int | None = 7860
    share: bool = False
    auth: Any = None
    concurrency: int = 4
    max_queue: int = 64
    status: str = ""
    limits: Limits = field(default_factory=Limits)
    browser_secret: str | None = None


def build_app(engine: ChatEngine, config: AppConfig | None = None) -> gr.Blocks:
    """Assemble the Blocks app around ``engine`` (call ``launch_app`` or ``.launch`` to serve it).

    Example:
        >>> demo = build_app(ChatEngine(searcher, RulesCondenser()))  # doctest: +SKIP
        >>> launch_app(demo, AppConfig(port=7860))  # doctest: +SKIP
    """
    config = config or AppConfig()
    handlers = make_handlers(engine)
    with gr.Blocks(title="cratedigger") as demo:
        gr.Markdown(INTRO + (f"\n\n<small>{config.status}</small>" if config.status else ""))
        turns = gr.State([])
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    label="cratedigger",
                    height=640,
                    elem_id="chat",
                    buttons=["copy"],
                    placeholder="Describe the music you want, then refine it.",
                )
                box = gr.Textbox(
                    placeholder="e.g. upbeat tropical songs with steel drums",
                    show_label=False,
                    elem_id="message",
                    max_lines=6,
                    submit_btn=True,
                )
                with gr.Row():
                    clear = gr.Button("New chat", size="sm")
                gr.Examples(EXAMPLES, inputs=box, label="Try")
            with (
                gr.Column(scale=2, elem_id="inspect"),
                gr.Accordion("Inspect", open=True, elem_id="inspect-panel"),
            ):
                request = gr.JSON(label="Condensed request", elem_id="inspect-request")
                state_view = gr.Markdown(elem_id="inspect-state")
                with gr.Row():
                    drop_menu = gr.Dropdown(
                        choices=[], label="Drop from the dialog state", elem_id="drop-item", scale=3
                    )
                    drop = gr.Button("Drop", size="sm", elem_id="drop-button", scale=1)
                timing = gr.Markdown(elem_id="inspect-timing")
                sets = gr.Dataframe(
                    headers=SET_HEADERS,
                    label="Top descriptor sets",
                    wrap=True,
                    column_widths=["7%", "13%", "66%", "14%"],
                    elem_id="inspect-sets",
                    interactive=False,
                )
                songs = gr.Dataframe(
                    headers=SONG_HEADERS,
                    label="Why these songs",
                    wrap=True,
                    column_widths=["5%", "23%", "12%", "42%", "18%"],
                    elem_id="inspect-songs",
                    interactive=False,
                )
        secret = config.browser_secret or browser_secret()
        saved = gr.BrowserState({"chat": [], "turns": []}, storage_key="cratedigger-dialog", secret=secret)
        outputs = [box, chatbot, request, sets, songs, timing, turns, saved, drop_menu, state_view]
        box.submit(
            handlers.ui_turn, [box, chatbot, turns], outputs, api_visibility="private", js=SAVE_DRAFT
        ).success(None, None, None, js=DROP_DRAFT, api_visibility="private")
        clear.click(handlers.new_chat, None, outputs, api_visibility="private")
        drop.click(handlers.drop_item, [drop_menu, chatbot, turns], outputs, api_visibility="private")
        songs.select(handlers.more_like, [chatbot, turns], outputs, api_visibility="private")
        demo.load(restore_dialog, [saved, chatbot, turns], [chatbot, turns], api_visibility="private").then(
            None, [box], [box], js=LOAD_DRAFT, api_visibility="private"
        )
        gr.api(handlers.recommend, api_name="recommend")
    demo.queue(default_concurrency_limit=config.concurrency, max_size=config.max_queue)
    return demo


def launch_app(demo: gr.Blocks, config: AppConfig, block: bool = True) -> tuple[Any, str, str]:
    """Serve ``demo``; returns Gradio's ``(app, local_url, share_url)``."""
    from starlette.middleware import Middleware

    return demo.launch(
        app_kwargs={"middleware": [Middleware(BodyLimit, max_bytes=config.limits.max_body_bytes)]},
        server_name=config.host,
        server_port=config.port,
        share=config.share,
        auth=config.auth,
        prevent_thread_lock=not block,
        show_error=False,
        quiet=not block,
        theme=gr.themes.Soft(),
        css=CSS,
        footer_links=["api"],
    )
