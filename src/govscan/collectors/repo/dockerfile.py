"""Dockerfiles: base images, the user the container runs as, remote ADDs."""

from __future__ import annotations

import re
from typing import Any

_FROM = re.compile(r"^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?", re.IGNORECASE)
_USER = re.compile(r"^\s*USER\s+(\S+)", re.IGNORECASE)
_ADD_URL = re.compile(r"^\s*ADD\s+(?:--\S+\s+)*https?://", re.IGNORECASE)


def normalise_dockerfile(text: str) -> dict[str, Any]:
    images: list[dict[str, Any]] = []
    stages: set[str] = set()
    user = None
    add_remote = False
    # Continuation lines join the instruction they belong to.
    lines = text.replace("\\\n", " ").splitlines()
    for number, line in enumerate(lines, 1):
        if line.lstrip().startswith("#"):
            continue
        m = _FROM.match(line)
        if m:
            image = m.group(1)
            if image.lower() not in stages:
                name, _, digest = image.partition("@")
                last = name.split("/")[-1]
                tag = last.rpartition(":")[2] if ":" in last else ""
                images.append(
                    {
                        "image": image,
                        "tag": tag or ("" if digest else "latest"),
                        "digest_pinned": bool(digest) or image.lower() == "scratch",
                        "line": number,
                    }
                )
            if m.group(2):
                stages.add(m.group(2).lower())
            user = None  # each stage starts as root again
            continue
        u = _USER.match(line)
        if u:
            user = u.group(1)
        if _ADD_URL.match(line):
            add_remote = True
    root = user is None or user.split(":")[0] in ("root", "0")
    return {
        "base_images": images,
        "final_user": user,
        "runs_as_root": root,
        "add_remote": add_remote,
        "uses_latest": any(i["tag"] == "latest" for i in images),
    }
