"""Where a Statement of Applicability is written, and the rules that keep it
out of the bundle and off files govscan did not write.

Decision: the file name is fixed (``soa-<framework>.<ext>``) so a pipeline
finds it; an existing file of that name is refused unless ``--force`` says to
replace it.  Replacing renames a new file over the name: a symbolic link there
is replaced, its target never written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import IO

from govscan.errors import StorageError, UsageError
from govscan.evidence.safeio import replace_file, write_new
from govscan.soa.build import Soa
from govscan.soa.writers import to_csv, to_html, to_markdown
from govscan.soa.xlsx import to_xlsx

WRITERS: Mapping[str, tuple[str, Callable[[Soa, str], bytes]]] = {
    "xlsx": ("xlsx", to_xlsx),
    "csv": ("csv", to_csv),
    "md": ("md", to_markdown),
    "html": ("html", to_html),
}
FORMATS = tuple(WRITERS)


def parse_formats(text: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    unknown = [n for n in names if n not in WRITERS]
    if unknown or not names:
        raise UsageError(
            f"--format: unknown format {', '.join(unknown) or '(none)'}; "
            f"choose from {', '.join(FORMATS)}"
        )
    return names


def check_output_dir(bundle: Path, output_dir: Path) -> None:
    """Refuses an output directory that is the bundle or lies inside it: the
    manifest covers the bundle, and a report there would break it."""
    b = bundle.resolve()
    o = output_dir.resolve()
    if o == b or b in o.parents:
        raise UsageError(f"{output_dir}: inside the bundle {bundle}; choose another --output-dir")
    if o.exists() and not o.is_dir():
        raise UsageError(f"{output_dir}: not a directory")


def file_name(framework: str, fmt: str) -> str:
    return f"soa-{framework}.{WRITERS[fmt][0]}"


def check_targets(output_dir: Path, framework: str, formats: tuple[str, ...], force: bool) -> None:
    """Before anything is read: every target name is free, or ``--force`` is given."""
    if force:
        return
    for fmt in formats:
        path = output_dir / file_name(framework, fmt)
        if path.exists() or path.is_symlink():
            raise UsageError(f"{path}: exists; --force replaces it")


def render_all(soa: Soa, formats: tuple[str, ...], lang: str) -> dict[str, bytes]:
    return {fmt: WRITERS[fmt][1](soa, lang) for fmt in formats}


def write_all(
    output_dir: Path, framework: str, rendered: Mapping[str, bytes], force: bool
) -> list[Path]:
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError.writing(output_dir, exc) from None
    written = []
    for fmt, data in rendered.items():
        path = output_dir / file_name(framework, fmt)
        if force:
            replace_file(path, partial(_write, data))
        else:
            write_new(path, data)
        written.append(path)
    return written


def _write(data: bytes, fh: IO[bytes]) -> None:
    fh.write(data)
