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

import contextlib
import errno
import json
import math
import os
import stat
import tempfile
from typing import Any, Dict, Optional, Union

__all__ = ["FORMAT", "VERSION", "MAX_BYTES", "ModelFileError", "PathLike", "save", "read", "check_matches"]

#: The ``"format"`` field of every model file.
FORMAT = "chainrule.nn"
#: The newest file-format version this code reads and the one it writes.
VERSION = 1
#: The largest model file :func:`read` accepts (a million weights take about 40 MB).
MAX_BYTES = 512 * 1024 * 1024

#: A file name: a str or an ``os.PathLike`` (``pathlib.Path``); the one spelling every saver and loader uses.
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
    either the old file or the complete new one. When ``path`` is a symbolic
    link the file it points to is replaced and the link kept. Temporary files
    left by a save that was killed are removed by the next save to the same
    path. Non-finite weights are refused (they could not be loaded back), and
    every error from the file system (no space left, no permission, file too
    large) names ``path``.

    >>> import os, tempfile
    >>> from nn import Neuron, constant
    >>> path = os.path.join(tempfile.mkdtemp(), "neuron.json")
    >>> save(Neuron(2, init=constant(0.25)), path)
    >>> read(path)["state"]
    {'w.0': 0.25, 'w.1': 0.25, 'b': 0.25}
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"save() path must be a str or os.PathLike, got {type(path).__name__}: {path!r}")
    path = os.fspath(path)
    if not isinstance(path, str):
        raise TypeError(f"save() path must be a str or os.PathLike of str, got {type(path).__name__}: {path!r}")
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
    target = os.path.realpath(path)  # through a symbolic link: replace the file, keep the link
    directory = os.path.dirname(target)
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"cannot save to {path!r}: the directory {directory!r} does not exist")
    if os.path.isdir(target):
        raise IsADirectoryError(errno.EISDIR, f"cannot save to {path!r}: it is a directory")
    prefix = f".{os.path.basename(target)}.{os.getpid()}."
    _remove_stale_temporaries(directory, os.path.basename(target))
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=prefix, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _file_mode(target))  # mkstemp makes the file private; give it the usual permissions
        os.replace(tmp, target)
        tmp = None
    except OSError as e:
        raise _naming(e, path) from None
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
    _sync_directory(directory)


def _naming(error: OSError, path: str) -> OSError:
    """The same kind of error (same class and errno), naming the file being saved, not a temporary one."""
    reason = error.strerror or str(error)
    if error.errno == errno.EFBIG:
        reason += " (the file system's limit on file size)"
    try:
        return type(error)(error.errno, f"cannot save to {path!r}: {reason}")
    except TypeError:  # an OSError subclass with another signature
        return OSError(error.errno, f"cannot save to {path!r}: {reason}")


def _remove_stale_temporaries(directory: str, name: str) -> None:
    """Delete ``.<name>.<pid>.*.tmp`` files whose writing process no longer runs
    (a save killed between writing and renaming); a live save's file is kept."""
    if os.name != "posix":
        return
    start = f".{name}."
    try:
        entries = os.listdir(directory)
    except OSError:
        return
    for entry in entries:
        if not (entry.startswith(start) and entry.endswith(".tmp")):
            continue
        pid_text = entry[len(start):].split(".", 1)[0]
        if not pid_text.isdigit() or int(pid_text) == os.getpid() or _process_runs(int(pid_text)):
            continue
        with contextlib.suppress(OSError):  # another save may have removed it first
            os.unlink(os.path.join(directory, entry))


def _process_runs(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's process (or a number no process can have): leave its file alone
    return True


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


def _read_regular_file(path: str) -> bytes:
    """The bytes of ``path`` if it is a regular file no bigger than :data:`MAX_BYTES`.

    Opened without blocking, so a FIFO or a device is refused instead of read
    forever; the size is checked before anything is read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise FileNotFoundError(f"cannot load model from {path!r}: there is no such file") from None
    except IsADirectoryError:
        raise ModelFileError(path, "it is a directory, not a model file") from None
    except OSError as e:
        raise type(e)(e.errno, f"cannot load model from {path!r}: {e.strerror or e}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ModelFileError(path, "it is a directory, not a model file")
        if not stat.S_ISREG(info.st_mode):
            raise ModelFileError(path, f"it is a {_file_kind(info.st_mode)}, not a regular file")
        if info.st_size > MAX_BYTES:
            raise ModelFileError(
                path, f"it is {info.st_size:,} bytes, more than the {MAX_BYTES:,} a model file may have")
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as f:
        raw = f.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ModelFileError(path, f"it grew past the {MAX_BYTES:,} bytes a model file may have while being read")
    return raw


def _file_kind(mode: int) -> str:
    for test, kind in ((stat.S_ISFIFO, "named pipe (FIFO)"), (stat.S_ISCHR, "character device"),
                       (stat.S_ISBLK, "block device"), (stat.S_ISSOCK, "socket")):
        if test(mode):
            return kind
    return "special file"


def _reject_constant(name: str) -> Any:
    raise ValueError(f"it contains {name}, which is not a finite number")


def read(path: PathLike) -> Dict[str, Any]:
    """Read and check a model file; returns ``{"class", "config", "state"}``.

    Raises ``FileNotFoundError`` for a missing file and :class:`ModelFileError`
    (a ``ValueError``) for anything but a regular file (a FIFO or a device is
    refused, never read), a file over :data:`MAX_BYTES`, an empty, truncated,
    corrupt or absurdly nested file, another format, a newer version, or fields
    of the wrong type. Weights are checked for
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
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"read() path must be a str or os.PathLike, got {type(path).__name__}: {path!r}")
    path = os.fspath(path)
    if not isinstance(path, str):
        raise TypeError(f"read() path must be a str or os.PathLike of str, got {type(path).__name__}: {path!r}")
    raw = _read_regular_file(path)
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
    except RecursionError:
        raise ModelFileError(path, "its JSON is nested too deeply to be a model file") from None
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
