"""Saving and loading models as JSON.

A model file looks like this (``version`` is the file format's version)::

    {"format": "chainrule.nn", "version": 1, "class": "MLP",
     "config": {"nin": 2, "nouts": [3, 1], "activation": ["relu", "linear"]},
     "state": {"layers.0.neurons.0.w.0": 0.52, ...}}

Floats are written with ``repr``, which reads back to the very same float, so a
round trip is exact. Writes are atomic and reads check everything; see
:func:`save` and :func:`read`.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from typing import Any, Dict, Optional, Union

__all__ = ["FORMAT", "VERSION", "ModelFileError", "save", "read", "check_matches"]

#: The ``"format"`` field of every model file.
FORMAT = "chainrule.nn"
#: The newest file-format version this code reads and the one it writes.
VERSION = 1

PathLike = Union[str, "os.PathLike[str]"]


class ModelFileError(ValueError):
    """A model file that cannot be loaded; the message names the file and why.

    >>> str(ModelFileError("moons.json", "the file is empty"))
    "cannot load model from 'moons.json': the file is empty"
    """

    def __init__(self, path: PathLike, problem: str) -> None:
        self.path = os.fspath(path)
        self.problem = problem
        super().__init__(f"cannot load model from {self.path!r}: {problem}")


def save(module: Any, path: PathLike) -> None:
    """Write ``module``'s class, config and weights to ``path``, atomically.

    The JSON goes to a temporary file in the same directory, is flushed to
    disk, then renamed over ``path`` (``os.replace``), so ``path`` always holds
    either the old file or the complete new one. Non-finite weights are refused
    (they could not be loaded back).

    >>> import os, tempfile
    >>> from nn import Neuron, constant
    >>> path = os.path.join(tempfile.mkdtemp(), "neuron.json")
    >>> save(Neuron(2, init=constant(0.25)), path)
    >>> read(path)["state"]
    {'w.0': 0.25, 'w.1': 0.25, 'b': 0.25}
    """
    path = os.fspath(path)
    state = module.state_dict()
    for name, value in state.items():
        if not math.isfinite(value):
            raise ValueError(f"cannot save to {path!r}: parameter {name!r} is {value}")
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "class": type(module).__name__,
        "config": module.get_config(),
        "state": state,
    }
    text = json.dumps(payload, indent=1, allow_nan=False) + "\n"
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"cannot save to {path!r}: the directory {directory!r} does not exist")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(path) + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _file_mode(path))  # mkstemp makes the file private; give it the usual permissions
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    _sync_directory(directory)


def _file_mode(path: str) -> int:
    """The permissions ``path`` has now, or those a new file would get (0o666 less the umask)."""
    try:
        return os.stat(path).st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _sync_directory(directory: str) -> None:
    """Flush the rename to disk too, where the system allows it (not on Windows)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"it contains {name}, which is not a finite number")


def read(path: PathLike) -> Dict[str, Any]:
    """Read and check a model file; returns ``{"class", "config", "state"}``.

    Raises ``FileNotFoundError`` for a missing file and :class:`ModelFileError`
    (a ``ValueError``) for an empty, truncated or corrupt file, another format,
    a newer version, or fields of the wrong type. Weights are checked for
    being finite numbers when they are loaded into a model.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "broken.json")
    >>> with open(path, "w") as f:
    ...     _ = f.write('{"format": "chainrule.nn", "version": 1, "class": "MLP", "sta')
    >>> read(path)
    Traceback (most recent call last):
    ...
    nn.io.ModelFileError: cannot load model from '...broken.json': it is not valid JSON (truncated or corrupt?): ...
    """
    path = os.fspath(path)
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise FileNotFoundError(f"cannot load model from {path!r}: there is no such file") from None
    except IsADirectoryError:
        raise ModelFileError(path, "it is a directory, not a model file") from None
    if not raw.strip():
        raise ModelFileError(path, "the file is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ModelFileError(path, f"it is not UTF-8 text (corrupt?): {e}") from None
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as e:
        raise ModelFileError(path, f"it is not valid JSON (truncated or corrupt?): {e}") from None
    except ValueError as e:
        raise ModelFileError(path, str(e)) from None
    if not isinstance(data, dict):
        raise ModelFileError(path, f"it holds a JSON {type(data).__name__}, not a model (a JSON object)")
    if data.get("format") != FORMAT:
        found = repr(data["format"]) if "format" in data else "missing"
        raise ModelFileError(path, f"it is not a {FORMAT} model file (its 'format' is {found})")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ModelFileError(path, f"its 'version' must be a positive integer, got {version!r}")
    if version > VERSION:
        raise ModelFileError(
            path, f"it is format version {version}, written by a newer chainrule; this one reads version {VERSION}")
    for key, kind in (("class", str), ("config", (dict, type(None))), ("state", dict)):
        if key not in data:
            raise ModelFileError(path, f"its {key!r} field is missing")
        if not isinstance(data[key], kind):
            raise ModelFileError(path, f"its {key!r} field has the wrong type ({type(data[key]).__name__})")
    return {"class": data["class"], "config": data["config"], "state": data["state"]}


def check_matches(data: Dict[str, Any], path: PathLike, class_name: str, config: Optional[Dict[str, Any]]) -> None:
    """Raise :class:`ModelFileError` unless the file (as :func:`read` returns
    it) holds the class ``class_name`` with architecture ``config``."""
    if data["class"] != class_name:
        raise ModelFileError(path, f"the file holds a {data['class']}, but the model is a {class_name}")
    if config is not None and data["config"] is not None and data["config"] != config:
        diffs = [
            f"{key}: file {data['config'].get(key, '(none)')!r}, model {config.get(key, '(none)')!r}"
            for key in sorted(set(config) | set(data["config"]))
            if data["config"].get(key) != config.get(key)
        ]
        raise ModelFileError(path, "the architecture differs (" + "; ".join(diffs) + ")")
