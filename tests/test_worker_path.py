"""The parse and judge workers import claimwatch's own code, never a `bot/` folder that
happens to sit in the directory claimwatch is run from."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

PROBE = textwrap.dedent(
    """
    from bot.parsepool import parse_many, worker_pool

    if __name__ == "__main__":
        pool = worker_pool(1)
        job = (b"<rss><channel><title>Own code</title></channel></rss>", "http://x/", None, False)
        parsed, _verdicts = pool.submit(parse_many, [job]).result()[0]
        import os

        print(parsed.title, os.environ.get("PYTHONSAFEPATH"))
        pool.shutdown()
    """
)


def test_workers_never_import_a_bot_folder_from_the_working_directory(tmp_path: Path) -> None:
    work = tmp_path / "work"
    (work / "bot").mkdir(parents=True)
    marker = tmp_path / "imported"
    (work / "bot" / "__init__.py").write_text(f"open({str(marker)!r}, 'w').write('x')\n")
    probe = tmp_path / "probe" / "probe.py"
    probe.parent.mkdir()
    probe.write_text(PROBE)
    done = subprocess.run(
        [sys.executable, str(probe)], cwd=work, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "Own code None"  # nothing else inherits safe-path mode
    assert not marker.exists()
