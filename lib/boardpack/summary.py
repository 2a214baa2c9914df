"""The plain-text table printed at the end of a batch run."""

from __future__ import annotations


def summary_table(report) -> str:
    """Each borough's status, time and output path, then the totals.

    Parameters
    ----------
    report : boardpack.batch.RunReport
    """
    rows = [("Borough", "Status", "Time (s)", "Output")]
    for r in report.results:
        where = r.output_dir
        if r.status == "failed":
            where = f"{r.error}"
        rows.append((r.borough, r.status, f"{r.timings.get('total', 0):.1f}", where))
    widths = [max(len(str(row[i])) for row in rows) for i in range(3)]
    lines = [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:>{widths[2]}}  {d}" for a, b, c, d in rows]
    lines.insert(1, "-" * min(120, max(len(line) for line in lines)))
    counts = {s: sum(r.status == s for r in report.results) for s in ("built", "skipped", "failed")}
    lines.append("")
    lines.append(
        f"{counts['built']} built, {counts['skipped']} skipped (unchanged), {counts['failed']} failed "
        f"in {report.seconds:.1f} s. Index: {report.period_dir / 'index.html'}; "
        f"manifest: {report.period_dir / 'manifest.json'}"
    )
    return "\n".join(lines)
