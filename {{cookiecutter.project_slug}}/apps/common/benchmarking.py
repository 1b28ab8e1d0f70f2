"""Peak memory for the benchmark commands: each measures one method in a forked process."""

import contextlib
import resource
import sys
from collections.abc import Callable
from pathlib import Path


def _status_kb(field: str) -> int | None:
    with contextlib.suppress(OSError), open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    return None


def peak_rss_kb() -> tuple[Callable[[], int], int]:
    """A reader of peak RSS in KB, and the RSS now (the baseline), with the peak reset to it."""
    if _status_kb("VmHWM") is not None:
        # Writing 5 to clear_refs resets the peak (VmHWM) to the current RSS.
        with contextlib.suppress(OSError):
            Path("/proc/self/clear_refs").write_text("5")
        return (lambda: _status_kb("VmHWM") or 0), _status_kb("VmRSS") or 0
    scale = 1024 if sys.platform == "darwin" else 1  # ru_maxrss is bytes on macOS

    def peak() -> int:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // scale

    return peak, peak()
