"""Writing a file so that a crash never leaves it half-written: the one way nn.save and
nn.save_checkpoint write their files.

    write_atomically(path, text)

- Atomic: the text goes to a temporary file in the same directory, is flushed to disk
  (fsync), and is renamed over the target (os.replace, atomic on POSIX and Windows within one
  file system). Readers see the old file or the new one, never a mix; a crash halfway leaves
  the old file whole.
- Through symbolic links: a path that is a link is written through to the file it points to
  (os.path.realpath), as open(path, "w") would, creating it if the link dangles; the link
  stays a link. Renaming over the link itself would turn it into a file and leave its target
  behind, unchanged.
- Read-only files are refused: os.replace needs only the directory to be writable, so it would
  replace a file that `chmod a-w` meant to protect. A target we may not write, or that has no
  write permission at all (which root could otherwise write anyway), raises PermissionError.
  A directory where the file should be raises IsADirectoryError, before anything is written.
- The file keeps its permission bits; a new file gets rw-r--r-- (0o644). It is a new file,
  though: other hard links to the old one keep the old contents.
- Our own debris is cleaned up: the temporary file is named `.<name>.<pid>.<random>.tmp`. A
  save killed before its rename (SIGKILL, a power cut) leaves one behind; the next save to the
  same file removes those whose process is no longer running. (POSIX only: elsewhere there is
  no safe way to ask whether a process runs, and they are left.)
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from pathlib import Path

NEW_FILE_MODE = 0o644


def write_atomically(path: str | os.PathLike, text: str) -> None:
    """Replace the file at `path` (through any symbolic links) by `text`, atomically."""
    target = Path(os.path.realpath(path))
    mode = _mode_to_keep(target, path)
    prefix = f".{target.name}.{os.getpid()}."  # whose it is: see _remove_stale_temporaries
    try:
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=prefix, suffix=".tmp")
    except PermissionError as error:  # say so of the directory, not of a file never asked for
        raise PermissionError(
            f"cannot save {path}: no permission to create files in {target.parent}"
        ) from error
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            os.chmod(temporary, mode)  # mkstemp makes the file private (0o600)
            file.write(text)
            file.flush()
            os.fsync(file.fileno())  # on disk before the rename, not just in a buffer
        # Within one directory, so one file system: the rename is atomic.
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_directory(target.parent)
    _remove_stale_temporaries(target)


def _mode_to_keep(target: Path, path: str | os.PathLike) -> int:
    """The permission bits of the file being replaced; PermissionError if it is read-only,
    IsADirectoryError if it is a directory."""
    try:
        status = target.stat()
    except FileNotFoundError:
        return NEW_FILE_MODE
    if stat.S_ISDIR(status.st_mode):  # else os.replace fails, naming our temporary file
        raise IsADirectoryError(
            f"cannot save {path}: it is a directory; give the file's name in it, "
            f"say {Path(path) / 'model.json'}"
        )
    mode = stat.S_IMODE(status.st_mode)
    if not mode & 0o222 or not os.access(target, os.W_OK):
        where = f"{path} (a link to {target})" if Path(path).is_symlink() else f"{path}"
        raise PermissionError(
            f"{where} is read-only, so it is not replaced; make it writable (chmod u+w) "
            "or save to another file"
        )
    return mode


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); where directories cannot be opened, skip it."""
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


def _remove_stale_temporaries(target: Path) -> None:
    """Remove `.<name>.<pid>.<random>.tmp` files next to `target` whose process has ended:
    what saves killed before their rename left. Files of running processes (this one's
    included: another thread may be saving) and anything not named so are left alone."""
    if os.name != "posix":
        return  # on Windows, os.kill(pid, 0) would not ask but terminate
    ours = re.compile(re.escape(f".{target.name}.") + r"(\d+)\.[a-z0-9_]+\.tmp")
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    for name in names:
        match = ours.fullmatch(name)
        if match and not _is_running(int(match.group(1))):
            try:
                os.unlink(target.parent / name)
            except OSError:
                pass  # gone already, or not ours to remove: the save itself succeeded


def _is_running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # signal 0: no signal, only the check that the process exists
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # PermissionError: it runs, as another user; else: keep
        return True
    return True
