"""Images and files in messages, without a window: a real SQLite file, the real `groq` client
against the loopback server (which answers from the images the request carries)."""

from __future__ import annotations

import asyncio
import base64
import sqlite3
from pathlib import Path

import pytest

from desktop_chat.core.attachments import (
    FILE_CHARS_BUDGET,
    MAX_FILE_BYTES,
    MAX_IMAGES_PER_REQUEST,
    VISION_MODEL,
    Attachment,
    AttachmentRefused,
    can_see,
    fit_files,
    read_file,
    vision_model_for,
)
from desktop_chat.core.chat import ChatService, ChatSettings, MessageRejected
from desktop_chat.llm.groq_client import GroqClient
from desktop_chat.models import EventType
from desktop_chat.store.sqlite import SCHEMA_VERSION, SQLiteStore, migrate
from tests.support.attachment_files import pdf, png
from tests.support.groq_server import FakeGroqServer, request_images

TEXT_MODEL = "llama-3.1-8b-instant"


def run_now(coroutine):
    return asyncio.run(coroutine)


def image(width: int = 64, height: int = 48, name: str = "shot.png") -> Attachment:
    data = png(width, height)
    return Attachment("image", name, "image/png", len(data), data=data, width=width, height=height)


@pytest.fixture
def chat(tmp_path: Path, groq_server: FakeGroqServer, run):
    """(service, store) on a real file and the real client; the chosen model cannot see."""
    store = SQLiteStore(tmp_path / "chat.db")
    client = GroqClient(groq_server.api_key, model=TEXT_MODEL, base_url=groq_server.base_url)
    service = ChatService(store, client, ChatSettings(auto_title=False))
    service.run = run  # the qasync loop the client is bound to
    yield service, store
    run(client.close())
    run(store.close())


def send(service: ChatService, session_id: str | None, text: str, attachments=()):
    async def go():
        sid = session_id or (await service.new_session()).session_id
        outcome = await service.send(sid, text, lambda _piece: None, attachments)
        return sid, outcome

    return service.run(go())


def test_an_image_is_sent_as_an_image_url_part_and_stored_once(chat, groq_server) -> None:
    service, store = chat
    attached = image(64, 48)
    _sid, outcome = send(service, None, "What is in this picture?", [attached])

    assert outcome.ok, outcome.error
    body = groq_server.requests[-1]
    user = body["messages"][-1]
    assert user["content"][0] == {
        "type": "text",
        "text": "What is in this picture?\n\n[image attached: shot.png]",
    }
    url = user["content"][1]["image_url"]["url"]
    assert url == "data:image/png;base64," + base64.b64encode(attached.data).decode()
    # The loopback server read the image the request carried.
    assert outcome.reply_event.text.startswith("I see 1 image: 64x48 image/png")

    stored = sqlite3.connect(store.path).execute("SELECT attachment_id, bytes FROM attachments")
    assert [(i, bytes(b)) for i, b in stored] == [(attached.attachment_id, attached.data)]
    entry = outcome.user_event.payload["attachments"][0]
    assert entry["id"] == attached.attachment_id and entry["kind"] == "image"
    assert "data" not in entry and attached.data.hex() not in str(entry)  # bytes stored once
    reread = service.run(store.event(outcome.user_event.event_id))
    assert reread.payload["attachments"] == outcome.user_event.payload["attachments"]


def test_a_model_that_cannot_see_hands_the_message_to_the_vision_model(chat, groq_server):
    service, _store = chat
    _sid, outcome = send(service, None, "Describe it", [image()])
    assert groq_server.requests[-1]["model"] == VISION_MODEL
    assert outcome.switched_to == VISION_MODEL
    assert outcome.reply_event.payload["model"] == VISION_MODEL  # the reply's model label

    send(service, _sid, "Thanks, and in words only?")  # no image in memory now? it is: re-sent
    assert groq_server.requests[-1]["model"] == VISION_MODEL


def test_text_only_messages_stay_on_the_chosen_model(chat, groq_server) -> None:
    service, _store = chat
    send(service, None, "Just words")
    assert groq_server.requests[-1]["model"] == TEXT_MODEL
    assert isinstance(groq_server.requests[-1]["messages"][-1]["content"], str)


def test_a_model_that_can_see_keeps_the_message(chat, groq_server) -> None:
    service, _store = chat
    service.llm.model = "meta-llama/llama-4-scout-17b-16e-instruct"
    _sid, outcome = send(service, None, "Look", [image()])
    assert outcome.switched_to is None
    assert groq_server.requests[-1]["model"] == service.llm.model


def test_the_vision_model_setting_takes_effect(chat, groq_server) -> None:
    service, _store = chat
    groq_server.models.append("meta-llama/llama-4-maverick-17b-128e-instruct")
    service.settings.vision_model = "meta-llama/llama-4-maverick-17b-128e-instruct"
    send(service, None, "Look", [image()])
    assert groq_server.requests[-1]["model"] == "meta-llama/llama-4-maverick-17b-128e-instruct"


def test_which_models_can_see() -> None:
    assert can_see(VISION_MODEL) and can_see("meta-llama/llama-4-maverick-17b-128e-instruct")
    assert can_see("llama-3.2-11b-vision-preview")
    assert not can_see("llama-3.1-8b-instant") and not can_see("openai/gpt-oss-120b")
    assert can_see("qwen/qwen3.6-27b") and not can_see("qwen/qwen3-32b")
    # Scout gone from the live list: the message goes to a model in it that sees.
    assert vision_model_for(VISION_MODEL, ["qwen/qwen3-32b", "qwen/qwen3.6-27b"]) == (
        "qwen/qwen3.6-27b"
    )
    # A vision model the live list lacks is replaced by one it has.
    live = ["llama-3.1-8b-instant", "meta-llama/llama-4-maverick-17b-128e-instruct"]
    assert vision_model_for(VISION_MODEL, live) == live[1]
    assert vision_model_for(VISION_MODEL, []) == VISION_MODEL


def test_older_images_are_resent_newest_first_within_groqs_limit(chat, groq_server) -> None:
    service, _store = chat
    service.settings.memory_turns = 20
    session_id = None
    sizes = [(10 + i, 10) for i in range(MAX_IMAGES_PER_REQUEST + 2)]
    for width, height in sizes:
        session_id, outcome = send(
            service, session_id, f"picture {width}", [image(width, height, f"p{width}.png")]
        )
        assert outcome.ok, outcome.error
    body = groq_server.requests[-1]
    seen = request_images(body)
    assert len(seen) == MAX_IMAGES_PER_REQUEST
    # The newest five are the ones sent, each with the message that carries it.
    sent_widths = [int.from_bytes(data[16:20], "big") for _mime, data in seen]
    assert sent_widths == [w for w, _h in sizes[-MAX_IMAGES_PER_REQUEST:]]
    first = body["messages"][1]
    assert first["content"] == "picture 10\n\n[image attached: p10.png]"  # named, not re-sent


def test_a_message_of_only_an_image_is_accepted_but_not_an_empty_one(chat) -> None:
    service, _store = chat
    _sid, outcome = send(service, None, "", [image()])
    assert outcome.ok
    with pytest.raises(MessageRejected):
        send(service, _sid, "   ")


def test_editing_a_message_keeps_its_image(chat, groq_server) -> None:
    service, _store = chat
    session_id, outcome = send(service, None, "What is it?", [image(30, 20)])
    service.run(
        service.edit(session_id, outcome.user_event.event_id, "What colour?", lambda _p: None)
    )
    assert [w for _m, d in request_images(groq_server.requests[-1]) for w in [d[16:20]]] == [
        (30).to_bytes(4, "big")
    ]


# -- files ----------------------------------------------------------------------------
def test_a_text_file_goes_into_the_message_with_its_name_and_is_remembered(
    chat, groq_server, tmp_path: Path
) -> None:
    service, store = chat
    path = tmp_path / "notes.md"
    path.write_text("# Plan\n\nShip on Friday.\n", encoding="utf-8")
    attached = read_file(path)
    assert (attached.kind, attached.mime, attached.text) == (
        "file",
        "text/markdown",
        "# Plan\n\nShip on Friday.\n",
    )
    session_id, outcome = send(service, None, "Summarize this", [attached])
    sent = groq_server.requests[-1]["messages"][-1]["content"]
    assert sent == 'Summarize this\n\n<file name="notes.md">\n# Plan\n\nShip on Friday.\n\n</file>'
    assert groq_server.requests[-1]["model"] == TEXT_MODEL  # files need no vision model
    stored = service.run(store.event(outcome.user_event.event_id)).payload["attachments"][0]
    assert stored["text"] == attached.text and stored["name"] == "notes.md"

    send(service, session_id, "When do we ship?")  # the file is in memory
    assert "Ship on Friday." in groq_server.requests[-1]["messages"][1]["content"]


def test_a_pdf_gives_its_text_and_page_count(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf(["Quarterly numbers", "Second page words", "The end"]))
    attached = read_file(path)
    assert attached.pages == 3 and attached.mime == "application/pdf"
    assert "Second page words" in attached.text and "The end" in attached.text
    assert attached.payload()["pages"] == 3


def test_a_broken_pdf_a_binary_file_and_a_huge_file_are_refused_in_plain_words(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nnot really a pdf")
    with pytest.raises(AttachmentRefused, match=r"broken\.pdf is not a readable PDF"):
        read_file(broken)
    binary = tmp_path / "tool.bin"
    binary.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00" * 100)
    with pytest.raises(AttachmentRefused, match=r"tool\.bin is a binary file"):
        read_file(binary)
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # 100 MB, sparse: not written
    with pytest.raises(AttachmentRefused, match=r"huge\.txt is 100\.0 MB; files up to 20\.0 MB"):
        read_file(huge)
    assert huge.stat().st_size > MAX_FILE_BYTES


def test_files_past_the_budget_are_cut_and_the_user_is_told_how_much(tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.csv"
    first.write_text("x" * (FILE_CHARS_BUDGET - 1000), encoding="utf-8")
    second.write_text("y" * 5000, encoding="utf-8")
    files = [read_file(first), read_file(second)]
    notices = fit_files(files)
    assert len(files[0].text) == FILE_CHARS_BUDGET - 1000 and len(files[1].text) == 1000
    assert notices == [
        "b.csv was cut to its first 1,000 of 5,000 characters (20%): "
        "the model reads no more in one message."
    ]
    assert files[1].payload()["chars"] == 5000


# -- the local table ----------------------------------------------------------------
@pytest.mark.parametrize("start", range(1, SCHEMA_VERSION))
def test_every_earlier_schema_gains_the_attachments_table(tmp_path: Path, start: int) -> None:
    path = tmp_path / "chat.db"
    db = sqlite3.connect(path, isolation_level=None)
    for number in range(1, start + 1):
        migrate(db, number)
    db.execute(
        "INSERT INTO sessions (session_id, start_time, updated_at) VALUES"
        " ('s', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z')"
    )
    db.close()
    store = SQLiteStore(path)
    run_now(store.add_attachment("s", "a1", "image/png", b"\x89PNG bytes"))
    run_now(store.add_attachment("s", "a1", "image/png", b"other"))  # immutable: kept as first
    assert run_now(store.attachment_data(["a1", "missing"])) == {
        "a1": ("image/png", b"\x89PNG bytes")
    }
    assert run_now(store.attachment_sizes(["a1"])) == {"a1": 10}
    run_now(store.close())


def test_an_image_event_from_another_device_without_its_bytes_is_only_named(chat, groq_server):
    """A synced event whose image has not arrived yet: the request names it, sends no part."""
    service, store = chat
    session_id, outcome = send(service, None, "first", [image()])
    sqlite3.connect(store.path, isolation_level=None).execute("DELETE FROM attachments")
    send(service, session_id, "again")
    assert request_images(groq_server.requests[-1]) == []
    assert groq_server.requests[-1]["model"] == TEXT_MODEL
    assert service.run(store.event(outcome.user_event.event_id)).type == EventType.USER_MESSAGE


def test_groq_vision_model_is_read_from_the_configuration(tmp_path: Path) -> None:
    from desktop_chat.settings import Settings

    assert Settings.load(env={}, cwd=tmp_path).groq_vision_model == VISION_MODEL
    chosen = "meta-llama/llama-4-maverick-17b-128e-instruct"
    loaded = Settings.load(env={"GROQ_VISION_MODEL": chosen}, cwd=tmp_path)
    assert loaded.groq_vision_model == chosen  # app.py hands it to ChatSettings.vision_model


def test_the_loopback_server_refuses_images_as_groq_does(groq_server, run) -> None:
    """A model that cannot see, or more than 5 images: Groq's 400, through the real client."""
    from desktop_chat.core.attachments import data_url
    from desktop_chat.llm.base import ChatMessage, LLMError, StreamResult

    client = GroqClient(groq_server.api_key, model=TEXT_MODEL, base_url=groq_server.base_url)
    url = data_url("image/png", png(8, 8))

    async def ask(model: str, images: int) -> str:
        message = ChatMessage("user", "look", [url] * images)
        pieces = client.stream([message], StreamResult(), model=model)
        return "".join([piece async for piece in pieces])

    try:
        with pytest.raises(LLMError, match="image input is not supported"):
            run(ask(TEXT_MODEL, 1))
        with pytest.raises(LLMError, match="up to 5 images"):
            run(ask(VISION_MODEL, 6))
        assert run(ask(VISION_MODEL, 2)).startswith("I see 2 images: 8x8 image/png")
    finally:
        run(client.close())
