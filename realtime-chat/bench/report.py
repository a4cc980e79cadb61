"""Turn raw run measurements into the reported metrics and print them as tables."""

import math
from collections.abc import Sequence
from typing import Any

# (key in the result dict, label, format); the order is the order of the printed table.
METRICS: list[tuple[str, str, str]] = [
    ("clients_joined", "clients connected + joined", "{:,}"),
    ("connect_failures", "connect failures", "{:,}"),
    ("join_failures", "join failures", "{:,}"),
    ("connect_all_s", "time to connect all (s)", "{:.2f}"),
    ("connect_p99_ms", "connect+join p99 (ms)", "{:.1f}"),
    ("messages_sent", "messages sent", "{:,}"),
    ("send_rate", "send rate achieved (msg/s)", "{:.2f}"),
    ("acks_failed", "message:send acks failed/missing", "{:,}"),
    ("ack_p50_ms", "message:send ack p50 (ms)", "{:.2f}"),
    ("ack_p99_ms", "message:send ack p99 (ms)", "{:.2f}"),
    ("deliveries_expected_per_s", "deliveries/s expected", "{:,.0f}"),
    ("deliveries_per_s", "deliveries/s achieved", "{:,.0f}"),
    ("deliveries_expected", "deliveries expected", "{:,}"),
    ("deliveries", "deliveries received", "{:,}"),
    ("lost", "lost deliveries", "{:,}"),
    ("duplicates", "duplicate deliveries", "{:,}"),
    ("latency_p50_ms", "delivery latency p50 (ms)", "{:.2f}"),
    ("latency_p90_ms", "delivery latency p90 (ms)", "{:.2f}"),
    ("latency_p99_ms", "delivery latency p99 (ms)", "{:.2f}"),
    ("latency_max_ms", "delivery latency max (ms)", "{:.2f}"),
    ("other_events_total", "other events received (presence...)", "{:,}"),
    ("disconnected", "clients dropped during run", "{:,}"),
    ("server_rss_before_mib", "server RSS before (MiB)", "{:.1f}"),
    ("server_rss_after_mib", "server RSS after connect (MiB)", "{:.1f}"),
    ("server_kib_per_connection", "server memory per connection (KiB)", "{:.1f}"),
    ("server_cpu_pct", "server CPU while sending (% of 1 core)", "{:.0f}"),
    ("server_us_per_delivery", "server CPU per delivery (us)", "{:.1f}"),
    ("wire_bytes_per_delivery", "bytes on the wire per delivery (node)", "{:.0f}"),
    ("generator_cpu_pct", "generator CPU (% of 1 core, all procs)", "{:.0f}"),
    ("generator_busiest_worker_pct", "busiest generator worker (% of 1 core)", "{:.0f}"),
    ("machine_cpu_pct", "whole machine CPU (% of 1 core)", "{:.0f}"),
    ("others_cpu_pct", "CPU of other processes (% of 1 core)", "{:.0f}"),
]

# Above this a run's latencies say as much about the generator as about the server.
BUSY_WORKER_PCT = 85
# Above this something else on the machine competed with the run for CPU.
OTHERS_CPU_PCT = 10


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    if not sorted_values:
        return math.nan
    rank = max(0, math.ceil(fraction * len(sorted_values)) - 1)
    return sorted_values[min(rank, len(sorted_values) - 1)]


def latency_summary(prefix: str, values_ns: Sequence[int]) -> dict[str, float]:
    ordered = sorted(values_ns)
    summary = {
        f"{prefix}_p50_ms": percentile(ordered, 0.50) / 1e6,
        f"{prefix}_p90_ms": percentile(ordered, 0.90) / 1e6,
        f"{prefix}_p99_ms": percentile(ordered, 0.99) / 1e6,
        f"{prefix}_max_ms": (ordered[-1] if ordered else math.nan) / 1e6,
    }
    return summary


def _cell(value: Any, fmt: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return fmt.format(value)


def warnings_for(result: dict[str, Any]) -> list[str]:
    notes = []
    if result.get("generator_busiest_worker_pct", 0) > BUSY_WORKER_PCT:
        notes.append(
            "a generator worker was near a full core: latencies may include generator "
            "queueing; add --workers or lower the load"
        )
    if (result.get("others_cpu_pct") or 0) > OTHERS_CPU_PCT:
        notes.append(
            f"other processes used {result['others_cpu_pct']:.0f}% of a core during the run: "
            "the machine was not quiet, rerun before trusting latency and CPU figures"
        )
    if result["messages_sent"] < result["messages_planned"]:
        notes.append(
            f"the sender's connection closed after {result['messages_sent']:,} of "
            f"{result['messages_planned']:,} messages"
        )
    send_rate = result.get("send_rate")
    if send_rate is not None and send_rate < 0.95 * result["rate"]:
        notes.append("the sender could not keep the requested rate")
    if result.get("connect_failures") or result.get("join_failures"):
        reasons = {**result.get("connect_failure_reasons", {}), **result.get("join_reasons", {})}
        notes.append(f"connect/join failures: {reasons}")
    if result.get("foreign"):
        notes.append(f"{result['foreign']:,} message:new events were not this run's messages")
    return notes


def format_single(result: dict[str, Any]) -> str:
    title = (
        f"{result['url']}  {result['clients']:,} clients x {result['rate']:g} msg/s "
        f"for {result['duration']:g}s  ({result['workers']} workers)"
    )
    width = max(len(label) for _, label, _ in METRICS)
    lines = [title, "-" * len(title)]
    lines += [f"{label:<{width}}  {_cell(result.get(key), fmt):>12}" for key, label, fmt in METRICS]
    lines += [f"! {note}" for note in warnings_for(result)]
    return "\n".join(lines)


def format_comparison(results: dict[str, dict[str, Any]]) -> str:
    """One column per server (the last is the one under test), and its ratio to the first."""
    names = list(results)
    first, last = results[names[0]], results[names[-1]]
    width = max(len(label) for _, label, _ in METRICS)
    ratio_name = f"{names[-1]}/{names[0]}"
    cell_width = max(12, *(len(name) for name in names))
    header = f"{'metric':<{width}}" + "".join(f"  {name:>{cell_width}}" for name in names)
    header += f"  {ratio_name:>{max(11, len(ratio_name))}}"
    rounds = first.get("rounds", 1)
    medians = f", median of {rounds} rounds (memory: round 1)" if rounds > 1 else ""
    lines = [
        f"{first['clients']:,} clients x {first['rate']:g} msg/s for {first['duration']:g}s"
        f", client {first.get('client', 'raw')}, deflate offered: "
        f"{'yes' if first.get('deflate') else 'no'}{medians}",
        *(f"{name + ':':<16}{result['url']}" for name, result in results.items()),
        header,
        "-" * len(header),
    ]
    for key, label, fmt in METRICS:
        values = [results[name].get(key) for name in names]
        left, right = first.get(key), last.get(key)
        ratio = "-"
        if isinstance(left, int | float) and isinstance(right, int | float) and left:
            ratio = f"{right / left:.2f}x"
        cells = "".join(f"  {_cell(value, fmt):>{cell_width}}" for value in values)
        lines.append(f"{label:<{width}}{cells}  {ratio:>{max(11, len(ratio_name))}}")
    for name, result in results.items():
        lines += [f"! {name}: {note}" for note in warnings_for(result)]
    return "\n".join(lines)
