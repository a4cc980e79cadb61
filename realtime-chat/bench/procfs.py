"""Memory and CPU of a server process and its children, read from /proc (Linux only)."""

import os
from pathlib import Path

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """The pid and all its live descendants (uvicorn workers, `uv run` wrappers...)."""
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        tree.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                pending.extend(int(child) for child in (task / "children").read_text().split())
            except OSError:
                continue
    return tree


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_seconds(pid: int) -> float:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    # Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def tree_rss_kib(pid: int) -> int:
    return sum(_rss_kib(member) for member in process_tree(pid))


def tree_cpu_seconds(pid: int) -> float:
    return sum(_cpu_seconds(member) for member in process_tree(pid))


def machine_busy_seconds() -> float:
    """CPU time all cores spent not idle since boot, stolen time included (/proc/stat)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields)
    return (user + nice + system + irq + softirq + steal) / _CLOCK_TICKS


def require_process(pid: int) -> None:
    if not Path(f"/proc/{pid}/status").exists():
        raise SystemExit(f"--server-pid {pid}: no such process (this needs Linux /proc)")
