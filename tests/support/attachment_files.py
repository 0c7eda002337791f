"""Real files to attach: PNG images (written by zlib, no image library) and PDFs whose pages
hold text (hand-written PDF 1.4 with a correct cross-reference table, which pypdf reads)."""

from __future__ import annotations

import struct
import zlib


def png(width: int, height: int, colour: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    """A `width` x `height` RGB PNG: a vertical gradient of `colour`, so it does not compress
    to nothing (a real photo's size is what downscaling has to deal with)."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter: none
        shade = (y * 255) // max(1, height - 1)
        line = bytearray()
        for x in range(width):
            line += bytes(((colour[0] + x) % 256, (colour[1] + shade) % 256, colour[2]))
        rows += line
    return _png_chunks(width, height, bytes(rows))


def solid_png(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    """A PNG of one colour, to find on screen."""
    row = b"\x00" + bytes(colour) * width
    return _png_chunks(width, height, row * height)


def noisy_png(width: int, height: int, seed: int = 1) -> bytes:
    """A PNG of random pixels: it barely compresses, so a large one is many megabytes."""
    import random

    rng = random.Random(seed)
    rows = bytearray()
    for _ in range(height):
        rows.append(0)
        rows += rng.randbytes(width * 3)
    return _png_chunks(width, height, bytes(rows))


def _png_chunks(width: int, height: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )


def pdf(pages: list[str]) -> bytes:
    """A PDF with one line of text (Helvetica) on each page."""
    objects: list[bytes] = [b"", b""]  # 1: catalog, 2: pages, filled in below
    page_ids = []
    font_id = 3
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for text in pages:
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        stream = f"BT /F1 14 Tf 72 720 Td ({escaped}) Tj ET".encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        content_id = len(objects)
        objects.append(
            (
                f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content_id} 0 R"
                f" /Resources << /Font << /F1 {font_id} 0 R >> >> >>"
            ).encode()
        )
        page_ids.append(len(objects))
    kids = " ".join(f"{i} 0 R" for i in page_ids)
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = f"<< /Type /Pages /Kids [{kids}] /Count {len(page_ids)} >>".encode()
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
