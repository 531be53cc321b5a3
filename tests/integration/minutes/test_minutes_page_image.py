"""A page of the berita acara as an image, for people to look at (tests/artifacts/)."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from minutes_samples import full_minutes, public_minutes

from service.adapters.minutes_pdf import render_minutes_pdf

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG, read from its IHDR chunk."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (Debian's poppler-utils) is not installed")
@pytest.mark.parametrize("version", ["full", "public"])
def test_the_first_page_is_saved_as_an_a4_png(version: str) -> None:
    document = full_minutes() if version == "full" else public_minutes()
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / f"berita-acara-{version}.pdf"
    pdf.write_bytes(render_minutes_pdf(document))

    subprocess.run(
        ["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(pdf.with_suffix(""))],
        check=True,
        timeout=60,
    )

    width, height = png_size(pdf.with_suffix(".png"))
    assert (width, height) == (827, 1170)  # A4 at 100 dpi
