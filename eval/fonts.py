"""DejaVu Sans for generated PDFs: Debian's fonts-dejavu-core, else the copy matplotlib ships."""

from __future__ import annotations

from pathlib import Path

_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


def font_files() -> tuple[Path, Path]:
    """(regular, bold)."""
    if (_DEJAVU / "DejaVuSans.ttf").exists() and (_DEJAVU / "DejaVuSans-Bold.ttf").exists():
        return _DEJAVU / "DejaVuSans.ttf", _DEJAVU / "DejaVuSans-Bold.ttf"
    import matplotlib

    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return ttf / "DejaVuSans.ttf", ttf / "DejaVuSans-Bold.ttf"
