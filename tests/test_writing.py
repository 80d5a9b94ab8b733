"""Every write of a user's file goes through `zdr_lint.writing.write_file`: each kind of target, through
the helper and through the CLI (`--output-file`, `--add-noqa`) in a subprocess. Never a half-written
or lost file, one line naming the file on failure, exit 2."""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
import subprocess
import threading
from pathlib import Path

import pytest

from conftest import ZDR_LINT, run_zdr
from zdr_lint import writing
from zdr_lint.writing import WriteError, write_file

USE = "import anthropic\n\nanthropic.Anthropic().files.list()\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(USE)
    return tmp_path


def report(project: Path, target: str, *extra: str):
    return run_zdr("check", "--isolated", "--output-format", "json", "--output-file", target, *extra, "app.py", cwd=project)


def no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith((".zdr-tmp", ".zdr-backup"))]


# --- the helper -------------------------------------------------------------------------------------
def test_regular_file_is_replaced_keeping_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    write_file(str(target), b"new\r\nbytes\x00")
    assert target.read_bytes() == b"new\r\nbytes\x00"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert no_temp_files(tmp_path)


@pytest.mark.parametrize("spelling", ["relative", "absolute"])
def test_symlink_stays_a_link_and_its_target_is_written(tmp_path: Path, spelling: str) -> None:
    real = tmp_path / "real" / "report.json"
    real.parent.mkdir()
    real.write_bytes(b"old")
    os.chmod(real, 0o600)
    link = tmp_path / "link.json"
    link.symlink_to(os.path.relpath(real, tmp_path) if spelling == "relative" else real)
    write_file(str(link), b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert no_temp_files(real.parent)


def test_chain_of_links_reaches_the_last_target(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_bytes(b"old")
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("real.txt")
    write_file(str(tmp_path / "a"), b"new")
    assert real.read_bytes() == b"new" and (tmp_path / "a").is_symlink() and (tmp_path / "b").is_symlink()


def test_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "report.sarif"
    link.symlink_to("reports/out.sarif")
    (tmp_path / "reports").mkdir()
    write_file(str(link), b"{}")
    assert link.is_symlink() and (tmp_path / "reports" / "out.sarif").read_bytes() == b"{}"


def test_hard_link_keeps_its_inode_so_every_name_sees_the_change(tmp_path: Path) -> None:
    first = tmp_path / "first.py"
    first.write_bytes(b"old")
    second = tmp_path / "second.py"
    os.link(first, second)
    write_file(str(first), b"new content")
    assert second.read_bytes() == b"new content" and first.stat().st_ino == second.stat().st_ino
    assert no_temp_files(tmp_path)


def test_fifo_with_a_reader_is_written_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    for _ in range(200):  # the reader must have opened its end before a non-blocking open succeeds
        try:
            write_file(str(fifo), b"report")
            break
        except WriteError:
            threading.Event().wait(0.01)
    reader.join(10)
    assert received == [b"report"] and stat.S_ISFIFO(fifo.stat().st_mode)


def test_fifo_without_a_reader_is_an_error_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(WriteError, match=r"pipe: is a named pipe \(FIFO\) with no reader"):
        write_file(str(fifo), b"report")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_character_device_is_written_in_place_never_replaced(tmp_path: Path) -> None:
    device = tmp_path / "null"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a /dev/null of our own
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    write_file(str(device), b"report")
    assert stat.S_ISCHR(device.stat().st_mode)


def test_read_only_file_is_not_written(tmp_path: Path) -> None:
    target = tmp_path / "locked.txt"
    target.write_bytes(b"keep")
    os.chmod(target, 0o444)
    with pytest.raises(WriteError, match=r"locked.txt: read-only file \(mode 0444\): not changed"):
        write_file(str(target), b"new")
    assert target.read_bytes() == b"keep"


def test_full_disk_leaves_the_file_as_it_was(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "report.json"
    target.write_bytes(b"previous report")

    def full(fd, data):
        os.write(fd, bytes(data[:3]))  # a partial write, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(writing, "_write_all", full)
    with pytest.raises(WriteError) as caught:
        write_file(str(target), b"a much longer new report")
    assert str(caught.value) == f"{target}: cannot write: no space left on the device"
    assert target.read_bytes() == b"previous report" and no_temp_files(tmp_path)


def test_full_disk_on_a_hard_linked_file_puts_the_old_bytes_back(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "a.py"
    target.write_bytes(b"original")
    os.link(target, tmp_path / "b.py")
    real_overwrite = writing._overwrite
    calls = []

    def failing_once(path, data):
        calls.append(data)
        if len(calls) == 1:
            with open(path, "r+b") as handle:
                handle.write(data[:2])
            raise OSError(errno.ENOSPC, "No space left on device")
        real_overwrite(path, data)

    monkeypatch.setattr(writing, "_overwrite", failing_once)
    with pytest.raises(WriteError, match="no space left"):
        write_file(str(target), b"replacement")
    assert target.read_bytes() == b"original" == (tmp_path / "b.py").read_bytes() and no_temp_files(tmp_path)


def test_missing_parents_are_created_only_when_asked(tmp_path: Path) -> None:
    with pytest.raises(WriteError):
        write_file(str(tmp_path / "a" / "b" / "out.txt"), b"x")
    write_file(str(tmp_path / "a" / "b" / "out.txt"), b"x", create_parents=True)
    assert (tmp_path / "a" / "b" / "out.txt").read_bytes() == b"x"


def test_directory_and_socket_are_errors(tmp_path: Path) -> None:
    import socket

    with pytest.raises(WriteError, match="is a directory"):
        write_file(str(tmp_path), b"x")
    path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        with pytest.raises(WriteError, match="is a socket"):
            write_file(str(path), b"x")
    finally:
        server.close()


# --- through the CLI -----------------------------------------------------------------------------------
def test_output_file_through_a_symlink_keeps_the_link(project: Path) -> None:
    (project / "reports").mkdir()
    real = project / "reports" / "zdr.json"
    real.write_text("[]")
    os.chmod(real, 0o640)
    (project / "latest.json").symlink_to("reports/zdr.json")
    result = report(project, "latest.json")
    assert result.returncode == 1, result.stderr
    assert (project / "latest.json").is_symlink()
    assert [f["code"] for f in json.loads(real.read_text())] == ["ZDR001"]
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


def test_output_file_to_dev_null_and_dev_stdout_leaves_the_device(project: Path) -> None:
    result = report(project, "/dev/null")
    assert result.returncode == 1 and stat.S_ISCHR(os.stat("/dev/null").st_mode), result.stderr
    result = subprocess.run(
        [ZDR_LINT, "check", "--isolated", "-q", "--output-format", "json", "--output-file", "/dev/stdout", "app.py"],
        cwd=project, capture_output=True, timeout=120,
    )
    assert b'"code": "ZDR001"' in result.stdout and b"Traceback" not in result.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_output_file_on_a_full_device_is_one_line_and_exit_2(project: Path) -> None:
    before = os.stat("/dev/full")
    result = report(project, "/dev/full")
    assert result.returncode == 2
    assert result.stderr.decode() == "zdr-lint: error: /dev/full: cannot write: no space left on the device\n"
    after = os.stat("/dev/full")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev


def test_output_file_to_a_fifo_with_a_reader(project: Path) -> None:
    fifo = project / "ci.pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    try:
        result = report(project, "ci.pipe")
        out, _ = reader.communicate(timeout=60)
    finally:
        reader.kill()
    assert result.returncode == 1, result.stderr
    assert [f["code"] for f in json.loads(out)] == ["ZDR001"] and stat.S_ISFIFO(fifo.stat().st_mode)


def test_output_file_read_only_is_refused_and_kept(project: Path) -> None:
    target = project / "report.json"
    target.write_text("previous")
    os.chmod(target, 0o444)
    result = report(project, "report.json")
    assert result.returncode == 2
    assert result.stderr.decode().startswith("zdr-lint: error: report.json: read-only file (mode 0444): not changed")
    assert target.read_text() == "previous"


def _without_dac(command: list) -> list:
    """As root, permissions are not enforced; drop the capabilities that bypass them."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv")
    drop = "-dac_override,-dac_read_search"
    return [setpriv, f"--bounding-set={drop}", f"--inh-caps={drop}", *command]


def test_output_file_in_a_read_only_folder_is_one_line(project: Path) -> None:
    folder = project / "locked"
    folder.mkdir()
    (folder / "report.json").write_text("previous")
    os.chmod(folder, 0o555)
    try:
        command = _without_dac([ZDR_LINT, "check", "--isolated", "--output-format", "json", "--output-file", "locked/report.json", "app.py"])
        result = subprocess.run(command, cwd=project, capture_output=True, timeout=120)
    finally:
        os.chmod(folder, 0o755)
    assert result.returncode == 2 and b"Traceback" not in result.stderr
    assert result.stderr.decode().startswith("zdr-lint: error: locked/report.json: cannot write: permission denied")
    assert (folder / "report.json").read_text() == "previous" and no_temp_files(folder)


def test_add_noqa_edits_the_target_of_symlinks_once(project: Path) -> None:
    (project / "src").mkdir()
    real = project / "src" / "real.py"
    real.write_text(USE)
    (project / "link_a.py").symlink_to("src/real.py")
    (project / "link_b.py").symlink_to(real)
    result = run_zdr("check", "--isolated", "--add-noqa", "link_a.py", "link_b.py", "src/real.py", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (project / "link_a.py").is_symlink() and (project / "link_b.py").is_symlink()
    assert real.read_text().count("# noqa: ZDR001") == 1
    assert run_zdr("check", "--isolated", "src/real.py", cwd=project).returncode == 0


def test_add_noqa_refuses_a_read_only_file(project: Path) -> None:
    target = project / "app.py"
    os.chmod(target, 0o444)
    result = run_zdr("check", "--isolated", "--add-noqa", "app.py", cwd=project)
    assert result.returncode == 2
    assert "app.py: read-only file (mode 0444): not changed" in result.stderr.decode()
    assert target.read_text() == USE


def test_add_noqa_skips_a_file_that_is_not_regular_with_one_line(project: Path) -> None:
    os.mkfifo(project / "pipe.py")
    result = subprocess.run([ZDR_LINT, "check", "--isolated", "--add-noqa", "pipe.py", "app.py"], cwd=project, capture_output=True, timeout=60)
    assert result.returncode == 2 and b"Traceback" not in result.stderr
    assert result.stderr.decode() == "zdr-lint: error: pipe.py: not a regular file or directory (broken symlink or special file)\n"
    assert "# noqa: ZDR001" in (project / "app.py").read_text()


def test_every_writer_goes_through_the_helper() -> None:
    """No module but zdr_lint.writing replaces or creates a user's file by itself."""
    source = Path(writing.__file__).parent
    offenders = []
    for path in source.rglob("*.py"):
        if path.name == "writing.py":
            continue
        text = path.read_text()
        for needle in ("os.replace(", "os.rename(", "mkstemp(", '"wb"', "'wb'", ".write_bytes(", ".write_text("):
            if needle in text:
                offenders.append(f"{path.name}: {needle}")
    assert not offenders, offenders
